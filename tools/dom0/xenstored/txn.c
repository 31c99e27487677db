/*
 * Transactions.  Starting one copies the tree; the transaction's requests
 * run on the copy, and each records the paths it touched together with the
 * generation they had.  Committing checks those paths in the live tree: if
 * any changed meanwhile (or appeared, or went away), EAGAIN and the client
 * retries, as Xen's clients do.  Otherwise the logged changes are replayed
 * on a copy of the live tree, which then replaces it in one step, so a
 * commit that fails halfway (quota, memory) changes nothing.
 */
#include <xeno/errno.h>
#include <xeno/string.h>
#include "store.h"

struct xs_txn_access {
    char *path;
    uint64_t gen;               /* 0: the path did not exist */
    struct xs_txn_access *next;
};

struct xs_txn_op {
    uint32_t type;
    uint32_t len;
    char *path;
    void *data;
    struct xs_txn_op *next;
};

uint32_t xs_txn_count(const struct xs_store *s, xs_domid_t domid)
{
    uint32_t n = 0;

    for (const struct xs_txn *t = s->txns; t; t = t->next)
        n += t->domid == domid;
    return n;
}

struct xs_txn *xs_txn_find(struct xs_store *s, xs_domid_t domid, uint32_t id)
{
    for (struct xs_txn *t = s->txns; t; t = t->next)
        if (t->id == id && t->domid == domid)
            return t;
    return NULL;
}

int xs_txn_start(struct xs_store *s, xs_domid_t domid, uint32_t *id)
{
    struct xs_txn *t;

    if (domid != 0 && xs_txn_count(s, domid) >= s->quota.transactions)
        return -ENOSPC;
    t = xs_alloc(s, sizeof(*t));
    if (!t)
        return -ENOMEM;
    memset(t, 0, sizeof(*t));
    t->root = xs_tree_copy(s, s->root, NULL);
    if (!t->root) {
        xs_free(s, t);
        return -ENOMEM;
    }
    /* Ids are never 0 (no transaction) and never one still open. */
    do {
        t->id = s->next_txid++;
    } while (t->id == 0 || xs_txn_find(s, domid, t->id));
    t->domid = domid;
    t->ops_tail = &t->ops;
    t->next = s->txns;
    s->txns = t;
    *id = t->id;
    return 0;
}

int xs_txn_access(struct xs_store *s, struct xs_txn *t, const char *path)
{
    struct xs_txn_access *a;
    struct xs_node *n;

    for (a = t->accessed; a; a = a->next)
        if (strcmp(a->path, path) == 0)
            return 0;
    a = xs_alloc(s, sizeof(*a));
    if (!a)
        return -ENOMEM;
    a->path = xs_strdup(s, path);
    if (!a->path) {
        xs_free(s, a);
        return -ENOMEM;
    }
    /* The copy's generations are the live tree's at start, until we change it. */
    n = xs_lookup(t->root, path);
    a->gen = n ? n->gen : 0;
    a->next = t->accessed;
    t->accessed = a;
    return 0;
}

int xs_txn_log(struct xs_store *s, struct xs_txn *t, uint32_t type, const char *path,
               const void *data, uint32_t len)
{
    struct xs_txn_op *op = xs_alloc(s, sizeof(*op));

    if (!op)
        return -ENOMEM;
    memset(op, 0, sizeof(*op));
    op->type = type;
    op->len = len;
    op->path = xs_strdup(s, path);
    if (data)
        op->data = xs_alloc(s, len ? len : 1);
    if (!op->path || (data && !op->data)) {
        xs_free(s, op->path);
        xs_free(s, op);
        return -ENOMEM;
    }
    if (data)
        memcpy(op->data, data, len);
    *t->ops_tail = op;
    t->ops_tail = &op->next;
    return 0;
}

static int replay(struct xs_store *s, struct xs_node *root, xs_domid_t domid,
                  const struct xs_txn_op *op)
{
    switch (op->type) {
    case XS_WRITE:
        return xs_tree_write(s, root, domid, op->path, op->data, op->len);
    case XS_MKDIR:
        return xs_tree_write(s, root, domid, op->path, NULL, 0);
    case XS_RM:
        return xs_tree_rm(s, root, domid, op->path);
    default:
        return xs_tree_set_perms(s, root, domid, op->path, op->data,
                                 op->len / (uint32_t)sizeof(struct xs_perm));
    }
}

static int commit(struct xs_store *s, struct xs_txn *t)
{
    struct xs_node *fresh, *old;
    const struct xs_txn_op *op;
    int rc = 0;

    for (const struct xs_txn_access *a = t->accessed; a; a = a->next) {
        struct xs_node *n = xs_lookup(s->root, a->path);

        if ((n ? n->gen : 0) != a->gen)
            return -EAGAIN;
    }
    if (!t->ops)
        return 0;
    fresh = xs_tree_copy(s, s->root, NULL);
    if (!fresh)
        return -ENOMEM;
    for (op = t->ops; op && !rc; op = op->next)
        rc = replay(s, fresh, t->domid, op);
    if (rc) {
        xs_tree_free(s, fresh);
        return rc;
    }
    old = s->root;
    s->root = fresh;
    xs_tree_free(s, old);
    /* Changes made in a transaction fire their watches only when committed. */
    for (op = t->ops; op; op = op->next)
        xs_watch_fire(s, op->path, op->type == XS_RM);
    return 0;
}

static void txn_free(struct xs_store *s, struct xs_txn *t)
{
    struct xs_txn **link;

    for (link = &s->txns; *link != t; link = &(*link)->next)
        ;
    *link = t->next;
    while (t->accessed) {
        struct xs_txn_access *a = t->accessed;

        t->accessed = a->next;
        xs_free(s, a->path);
        xs_free(s, a);
    }
    while (t->ops) {
        struct xs_txn_op *op = t->ops;

        t->ops = op->next;
        xs_free(s, op->path);
        xs_free(s, op->data);
        xs_free(s, op);
    }
    xs_tree_free(s, t->root);
    xs_free(s, t);
}

int xs_txn_end(struct xs_store *s, struct xs_txn *t, bool do_commit)
{
    int rc = do_commit ? commit(s, t) : 0;

    txn_free(s, t);
    return rc;
}

void xs_txn_remove_domain(struct xs_store *s, xs_domid_t domid)
{
    struct xs_txn *t = s->txns;

    while (t) {
        struct xs_txn *next = t->next;

        if (t->domid == domid)
            txn_free(s, t);
        t = next;
    }
}
