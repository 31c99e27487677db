/*
 * Watches and their events.  A change at a path fires every watch on that
 * path or a parent of it; removing a subtree also fires the watches set
 * inside it (with the watch's own path, as Xen does).  Events wait in one
 * queue, each tagged with the domain to deliver to, until the transport pops
 * them; a domain other than 0 has at most quota.events queued, and later
 * ones are dropped so a guest that never reads cannot exhaust memory.
 */
#include <xeno/errno.h>
#include <xeno/string.h>
#include "store.h"

/* Longest token: an event carries a path of up to the maximum and the token. */
#define XS_TOKEN_MAX (XENSTORE_PAYLOAD_MAX - XENSTORE_ABS_PATH_MAX - 2)

/* Whether child is parent or below it ("/" is everyone's parent). */
static bool is_child(const char *child, const char *parent)
{
    size_t n = strlen(parent);

    if (n == 1 && parent[0] == '/')
        return child[0] == '/';
    return strncmp(child, parent, n) == 0 && (child[n] == '\0' || child[n] == '/');
}

uint32_t xs_event_count(const struct xs_store *s, xs_domid_t domid)
{
    uint32_t n = 0;

    for (const struct xs_event *e = s->events; e; e = e->next)
        n += e->domid == domid;
    return n;
}

static void queue_event(struct xs_store *s, const struct xs_watch *w, const char *epath)
{
    char base[32];
    size_t blen = xs_domain_path(w->domid, base), plen, tlen = strlen(w->token);
    struct xsd_sockmsg hdr = { XS_WATCH_EVENT, 0, 0, 0 };
    struct xs_event *e;

    if (w->relative && strncmp(epath, base, blen) == 0 && epath[blen] == '/')
        epath += blen + 1;
    plen = strlen(epath);
    if (plen + tlen + 2 > XENSTORE_PAYLOAD_MAX)
        return;
    if (w->domid != 0 && xs_event_count(s, w->domid) >= s->quota.events)
        return;
    hdr.len = (uint32_t)(plen + tlen + 2);
    e = xs_alloc(s, sizeof(*e) + sizeof(hdr) + hdr.len);
    if (!e)
        return;                         /* watches may fire spuriously or not */
    e->domid = w->domid;
    e->len = (uint32_t)sizeof(hdr) + hdr.len;
    e->next = NULL;
    memcpy(e->msg, &hdr, sizeof(hdr));
    memcpy(e->msg + sizeof(hdr), epath, plen + 1);
    memcpy(e->msg + sizeof(hdr) + plen + 1, w->token, tlen + 1);
    *s->events_tail = e;
    s->events_tail = &e->next;
}

void xs_watch_fire(struct xs_store *s, const char *path, bool removed)
{
    for (struct xs_watch *w = s->watches; w; w = w->next) {
        if (w->path[0] == '@' || path[0] == '@') {
            if (strcmp(w->path, path) == 0)
                queue_event(s, w, path);
        } else if (is_child(path, w->path)) {
            struct xs_node *n = xs_lookup(s->root, path);

            /* No events about nodes the watcher may not read. */
            if (!n || (xs_perm_of(n, w->domid) & XS_PERM_READ))
                queue_event(s, w, path);
        } else if (removed && is_child(w->path, path)) {
            queue_event(s, w, w->path);
        }
    }
}

uint32_t xs_watch_count(const struct xs_store *s, xs_domid_t domid)
{
    uint32_t n = 0;

    for (const struct xs_watch *w = s->watches; w; w = w->next)
        n += w->domid == domid;
    return n;
}

static struct xs_watch **find(struct xs_store *s, xs_domid_t domid, const char *path,
                              const char *token)
{
    struct xs_watch **link;

    for (link = &s->watches; *link; link = &(*link)->next)
        if ((*link)->domid == domid && strcmp((*link)->path, path) == 0 &&
            strcmp((*link)->token, token) == 0)
            break;
    return link;
}

int xs_watch_add(struct xs_store *s, xs_domid_t domid, const char *given,
                 const char *token)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    struct xs_watch *w;
    int rc = xs_canon_path(domid, given, true, path);

    if (rc)
        return rc;
    if (strnlen(token, XS_TOKEN_MAX + 1) > XS_TOKEN_MAX)
        return -EINVAL;
    if (*find(s, domid, path, token))
        return -EEXIST;
    if (domid != 0 && xs_watch_count(s, domid) >= s->quota.watches)
        return -E2BIG;
    w = xs_alloc(s, sizeof(*w));
    if (!w)
        return -ENOMEM;
    w->domid = domid;
    w->relative = given[0] != '/' && given[0] != '@';
    w->path = xs_strdup(s, path);
    w->token = xs_strdup(s, token);
    if (!w->path || !w->token) {
        xs_free(s, w->path);
        xs_free(s, w->token);
        xs_free(s, w);
        return -ENOMEM;
    }
    w->next = s->watches;
    s->watches = w;
    queue_event(s, w, path);            /* a new watch fires once at once */
    return 0;
}

static void watch_free(struct xs_store *s, struct xs_watch **link)
{
    struct xs_watch *w = *link;

    *link = w->next;
    xs_free(s, w->path);
    xs_free(s, w->token);
    xs_free(s, w);
}

int xs_watch_remove(struct xs_store *s, xs_domid_t domid, const char *given,
                    const char *token)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    struct xs_watch **link;
    int rc = xs_canon_path(domid, given, true, path);

    if (rc)
        return rc;
    link = find(s, domid, path, token);
    if (!*link)
        return -ENOENT;
    watch_free(s, link);
    return 0;
}

/* Drops the domain's watches and its undelivered events. */
void xs_watch_remove_domain(struct xs_store *s, xs_domid_t domid)
{
    struct xs_watch **link = &s->watches;
    struct xs_event **e = &s->events;

    while (*link)
        if ((*link)->domid == domid)
            watch_free(s, link);
        else
            link = &(*link)->next;
    while (*e)
        if ((*e)->domid == domid) {
            struct xs_event *dead = *e;

            *e = dead->next;
            xs_free(s, dead);
        } else {
            e = &(*e)->next;
        }
    for (s->events_tail = &s->events; *s->events_tail;
         s->events_tail = &(*s->events_tail)->next)
        ;
}

size_t xs_event_pop(struct xs_store *s, xs_domid_t domid, void *buf, size_t size)
{
    struct xs_event **link;
    size_t len;

    for (link = &s->events; *link; link = &(*link)->next)
        if ((*link)->domid == domid)
            break;
    if (!*link || (*link)->len > size)
        return 0;
    struct xs_event *e = *link;

    len = e->len;
    memcpy(buf, e->msg, len);
    *link = e->next;
    if (s->events_tail == &e->next)
        s->events_tail = link;
    xs_free(s, e);
    return len;
}
