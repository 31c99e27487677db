/*
 * The xenstore tree: lookup, read, write/mkdir (creating parents), rm,
 * permissions with Xen's semantics, and per-domain quotas.  The functions
 * take the root to work on, so a transaction runs the same code on its own
 * copy of the tree.  Watches are fired by the caller (proto.c) once a change
 * to the live tree succeeded, and by txn.c at commit.
 */
#include <xeno/errno.h>
#include <xeno/string.h>
#include "store.h"

/* Xen's cxenstored defaults (quota-nodes 1000, 2048-byte values, 128 watches,
 * 10 transactions per domain). */
const struct xs_quota xs_default_quota = {
    .nodes = 1000, .value_max = 2048, .perms_max = 5, .watches = 128,
    .transactions = 10, .events = 1024,
};

void *xs_alloc(struct xs_store *s, size_t size)
{
    return s->a.alloc(s->a.ctx, size);
}

void xs_free(struct xs_store *s, void *p)
{
    if (p)
        s->a.free(s->a.ctx, p);
}

char *xs_strdup(struct xs_store *s, const char *str)
{
    size_t n = strlen(str) + 1;
    char *p = xs_alloc(s, n);

    if (p)
        memcpy(p, str, n);
    return p;
}

size_t xs_utoa(uint64_t v, char *out)
{
    char tmp[24];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    return n;
}

int xs_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s)
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        if (v > (max - (uint64_t)(*s - '0')) / 10)
            return -EINVAL;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

size_t xs_domain_path(xs_domid_t domid, char *out)
{
    static const char base[] = "/local/domain/";

    memcpy(out, base, sizeof(base) - 1);
    return sizeof(base) - 1 + xs_utoa(domid, out + sizeof(base) - 1);
}

static bool path_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' || c == '@';
}

int xs_canon_path(xs_domid_t caller, const char *in, bool allow_special, char *out)
{
    size_t n = strnlen(in, XENSTORE_ABS_PATH_MAX + 1), base = 0, i;

    if (n == 0 || n > XENSTORE_ABS_PATH_MAX)
        return -EINVAL;
    for (i = 0; i < n; i++)
        if (!path_char_ok(in[i]))
            return -EINVAL;
    if (in[0] == '@') {
        /* Special watch paths (@introduceDomain, @releaseDomain) only. */
        if (!allow_special || strchr(in, '/'))
            return -EINVAL;
        memcpy(out, in, n + 1);
        return 0;
    }
    if (in[0] != '/') {
        if (n > XENSTORE_REL_PATH_MAX)
            return -EINVAL;
        base = xs_domain_path(caller, out);
        out[base++] = '/';
    }
    if (base + n > XENSTORE_ABS_PATH_MAX)
        return -EINVAL;
    memcpy(out + base, in, n + 1);
    /* No empty components: no "//", no trailing "/" except the root itself. */
    n += base;
    if (n > 1 && out[n - 1] == '/')
        return -EINVAL;
    for (i = 1; i < n; i++)
        if (out[i] == '/' && out[i - 1] == '/')
            return -EINVAL;
    return 0;
}

/* The child of n named by the len bytes at name, or NULL. */
static struct xs_node *child_named(struct xs_node *n, const char *name, size_t len)
{
    for (struct xs_node *c = n->child; c; c = c->next)
        if (strlen(c->name) == len && memcmp(c->name, name, len) == 0)
            return c;
    return NULL;
}

/*
 * Walks path from root as far as it exists; returns the deepest existing
 * node and sets *rest to the part of path below it ("" when it all exists).
 */
static struct xs_node *walk(struct xs_node *root, const char *path, const char **rest)
{
    struct xs_node *n = root;
    const char *p = path + 1;

    while (*p) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        struct xs_node *c = child_named(n, p, len);

        if (!c)
            break;
        n = c;
        p += len;
        if (*p == '/')
            p++;
    }
    *rest = p;
    return n;
}

struct xs_node *xs_lookup(struct xs_node *root, const char *path)
{
    const char *rest;
    struct xs_node *n;

    if (path[0] != '/')
        return NULL;
    n = walk(root, path, &rest);
    return *rest ? NULL : n;
}

int xs_perm_of(const struct xs_node *n, xs_domid_t domid)
{
    if (domid == 0 || n->perms[0].domid == domid)
        return XS_PERM_BOTH;            /* domain 0 and the owner: anything */
    for (uint32_t i = 1; i < n->nperms; i++)
        if (n->perms[i].domid == domid)
            return n->perms[i].perm;
    return n->perms[0].perm;            /* everyone else: the default */
}

int xs_tree_read(struct xs_node *root, xs_domid_t caller, const char *path,
                 struct xs_node **out)
{
    struct xs_node *n = xs_lookup(root, path);

    if (!n)
        return -ENOENT;
    if (!(xs_perm_of(n, caller) & XS_PERM_READ))
        return -EACCES;
    *out = n;
    return 0;
}

uint32_t xs_count_owned(const struct xs_node *n, xs_domid_t domid)
{
    uint32_t count = n->perms[0].domid == domid;

    for (const struct xs_node *c = n->child; c; c = c->next)
        count += xs_count_owned(c, domid);
    return count;
}

static void node_free(struct xs_store *s, struct xs_node *n)
{
    xs_free(s, n->name);
    xs_free(s, n->value);
    xs_free(s, n->perms);
    xs_free(s, n);
}

void xs_tree_free(struct xs_store *s, struct xs_node *n)
{
    while (n) {
        struct xs_node *next = n->next;

        xs_tree_free(s, n->child);
        node_free(s, n);
        n = next;
    }
}

/* A node named by len bytes at name, perms copied from parent (the creator owns
 * it unless it is domain 0, as in Xen). */
static struct xs_node *node_new(struct xs_store *s, const struct xs_node *parent,
                                xs_domid_t caller, const char *name, size_t len)
{
    struct xs_node *n = xs_alloc(s, sizeof(*n));

    if (!n)
        return NULL;
    memset(n, 0, sizeof(*n));
    n->name = xs_alloc(s, len + 1);
    n->perms = xs_alloc(s, parent->nperms * sizeof(*n->perms));
    if (!n->name || !n->perms) {
        node_free(s, n);
        return NULL;
    }
    memcpy(n->name, name, len);
    n->name[len] = '\0';
    memcpy(n->perms, parent->perms, parent->nperms * sizeof(*n->perms));
    n->nperms = parent->nperms;
    if (caller != 0)
        n->perms[0].domid = caller;
    return n;
}

static uint32_t count_components(const char *p)
{
    uint32_t n = *p ? 1 : 0;

    for (; *p; p++)
        n += *p == '/';
    return n;
}

int xs_tree_write(struct xs_store *s, struct xs_node *root, xs_domid_t caller,
                  const char *path, const void *value, uint32_t vlen)
{
    const char *rest;
    struct xs_node *n = walk(root, path, &rest), *chain = NULL, *tail = NULL;
    char *copy = NULL;

    if (!(xs_perm_of(n, caller) & XS_PERM_WRITE))
        return -EACCES;
    if (!*rest && !value)
        return 0;                       /* mkdir of an existing node */
    if (caller != 0 && value && vlen > s->quota.value_max)
        return -ENOSPC;
    if (caller != 0 && *rest &&
        xs_count_owned(root, caller) + count_components(rest) > s->quota.nodes)
        return -ENOSPC;
    if (value) {
        copy = xs_alloc(s, vlen ? vlen : 1);
        if (!copy)
            return -ENOMEM;
        memcpy(copy, value, vlen);
    }
    /* Build the missing nodes detached, so running out of memory changes nothing. */
    for (const char *p = rest; *p;) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        struct xs_node *c = node_new(s, tail ? tail : n, caller, p, len);

        if (!c) {
            xs_tree_free(s, chain);
            xs_free(s, copy);
            return -ENOMEM;
        }
        c->parent = tail ? tail : n;
        if (tail)
            tail->child = c;
        else
            chain = c;
        tail = c;
        p += len;
        if (*p == '/')
            p++;
    }
    if (chain) {
        for (struct xs_node *c = chain; c; c = c->child)
            c->gen = ++s->gen;
        chain->parent = n;
        chain->next = n->child;
        n->child = chain;
        n->gen = ++s->gen;              /* its children changed */
        n = tail;
    }
    if (value) {
        xs_free(s, n->value);
        n->value = copy;
        n->vlen = vlen;
    }
    n->gen = ++s->gen;
    return 0;
}

int xs_tree_rm(struct xs_store *s, struct xs_node *root, xs_domid_t caller,
               const char *path)
{
    const char *rest;
    struct xs_node *n = walk(root, path, &rest), **link;

    if (n == root && !*rest)
        return -EINVAL;                 /* the root stays */
    if (*rest)
        /* Not there: fine, unless its parent is missing too. */
        return strchr(rest, '/') ? -ENOENT : 0;
    if (!(xs_perm_of(n, caller) & XS_PERM_WRITE))
        return -EACCES;
    for (link = &n->parent->child; *link != n; link = &(*link)->next)
        ;
    *link = n->next;
    n->parent->gen = ++s->gen;
    n->next = NULL;
    xs_tree_free(s, n);
    return 0;
}

int xs_tree_set_perms(struct xs_store *s, struct xs_node *root, xs_domid_t caller,
                      const char *path, const struct xs_perm *perms, uint32_t count)
{
    struct xs_node *n = xs_lookup(root, path);
    struct xs_perm *copy;

    if (!n)
        return -ENOENT;
    if (caller != 0 && n->perms[0].domid != caller)
        return -EACCES;                 /* only the owner changes them */
    if (count == 0 || (caller != 0 && count > s->quota.perms_max))
        return count ? -ENOSPC : -EINVAL;
    copy = xs_alloc(s, count * sizeof(*copy));
    if (!copy)
        return -ENOMEM;
    memcpy(copy, perms, count * sizeof(*copy));
    xs_free(s, n->perms);
    n->perms = copy;
    n->nperms = count;
    n->gen = ++s->gen;
    return 0;
}

struct xs_node *xs_tree_copy(struct xs_store *s, const struct xs_node *n,
                             struct xs_node *parent)
{
    struct xs_node *c = xs_alloc(s, sizeof(*c)), **link;

    if (!c)
        return NULL;
    memset(c, 0, sizeof(*c));
    c->name = xs_strdup(s, n->name);
    c->perms = xs_alloc(s, n->nperms * sizeof(*c->perms));
    c->value = n->value ? xs_alloc(s, n->vlen ? n->vlen : 1) : NULL;
    if (!c->name || !c->perms || (n->value && !c->value)) {
        node_free(s, c);
        return NULL;
    }
    memcpy(c->perms, n->perms, n->nperms * sizeof(*c->perms));
    if (n->value)
        memcpy(c->value, n->value, n->vlen);
    c->nperms = n->nperms;
    c->vlen = n->vlen;
    c->gen = n->gen;
    c->parent = parent;
    link = &c->child;
    for (const struct xs_node *k = n->child; k; k = k->next) {
        *link = xs_tree_copy(s, k, c);
        if (!*link) {
            xs_tree_free(s, c->child);
            node_free(s, c);
            return NULL;
        }
        link = &(*link)->next;
    }
    return c;
}

int xs_store_init(struct xs_store *s, const struct xs_alloc *a)
{
    static const struct xs_perm root_perm = { 0, XS_PERM_NONE };

    memset(s, 0, sizeof(*s));
    s->a = *a;
    s->quota = xs_default_quota;
    s->events_tail = &s->events;
    s->next_txid = 1;
    s->root = xs_alloc(s, sizeof(*s->root));
    if (!s->root)
        return -ENOMEM;
    memset(s->root, 0, sizeof(*s->root));
    s->root->name = xs_strdup(s, "");
    s->root->perms = xs_alloc(s, sizeof(root_perm));
    if (!s->root->name || !s->root->perms) {
        node_free(s, s->root);
        return -ENOMEM;
    }
    s->root->perms[0] = root_perm;
    s->root->nperms = 1;
    return 0;
}

void xs_store_destroy(struct xs_store *s)
{
    while (s->domains)
        xs_release(s, s->domains->domid);
    /* Domains never introduced may still hold watches, events, transactions. */
    while (s->watches)
        xs_watch_remove_domain(s, s->watches->domid);
    while (s->events)
        xs_watch_remove_domain(s, s->events->domid);
    while (s->txns)
        xs_txn_remove_domain(s, s->txns->domid);
    xs_tree_free(s, s->root);
    s->root = NULL;
}
