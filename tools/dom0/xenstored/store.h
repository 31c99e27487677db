/*
 * xenstored's state: the tree of nodes with their permissions, per-domain
 * quotas, introduced domains, watches with their queued events, and open
 * transactions.  Freestanding: memory comes from the caller's allocator
 * (struct xs_alloc), so the host tests use malloc and Domain 0 its own heap.
 *
 * Functions return 0 or a negative errno (xeno/errno.h); paths given to
 * them are already canonical (absolute, checked by xs_canon_path).
 */
#ifndef XENO_XS_STORE_H
#define XENO_XS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xs_wire.h"

typedef uint16_t xs_domid_t;

struct xs_alloc {
    void *(*alloc)(void *ctx, size_t size);     /* NULL when out of memory */
    void (*free)(void *ctx, void *p);
    void *ctx;
};

#define XS_PERM_NONE  0
#define XS_PERM_READ  1
#define XS_PERM_WRITE 2
#define XS_PERM_BOTH  3

/* perms[0] is the owner and the default for domains not listed after it. */
struct xs_perm {
    xs_domid_t domid;
    uint8_t perm;
};

struct xs_node {
    char *name;                 /* last path component; "" for the root */
    char *value;
    uint32_t vlen;
    struct xs_perm *perms;
    uint32_t nperms;
    uint64_t gen;               /* store generation of the last change here */
    struct xs_node *parent, *child, *next;
};

/* Limits a domain other than 0 lives under, so no guest can exhaust memory. */
struct xs_quota {
    uint32_t nodes;             /* nodes a domain may own */
    uint32_t value_max;         /* bytes in one value */
    uint32_t perms_max;         /* entries in one node's permission list */
    uint32_t watches;
    uint32_t transactions;
    uint32_t events;            /* queued watch events before new ones drop */
};

struct xs_domain {
    xs_domid_t domid;
    uint64_t mfn;
    uint32_t evtchn;
    struct xs_domain *next;
};

struct xs_watch {
    xs_domid_t domid;
    bool relative;              /* events are reported relative to the domain */
    char *path;                 /* canonical: absolute, or @special */
    char *token;
    struct xs_watch *next;
};

/* One queued XS_WATCH_EVENT message: header and payload. */
struct xs_event {
    xs_domid_t domid;
    uint32_t len;               /* bytes in msg */
    struct xs_event *next;
    uint8_t msg[];
};

struct xs_txn_op;
struct xs_txn_access;

struct xs_txn {
    uint32_t id;
    xs_domid_t domid;
    struct xs_node *root;       /* private copy of the tree at start */
    struct xs_txn_access *accessed;  /* paths read or written, gen seen */
    struct xs_txn_op *ops, **ops_tail;   /* changes to replay at commit */
    struct xs_txn *next;
};

struct xs_store {
    struct xs_alloc a;
    struct xs_quota quota;
    struct xs_node *root;
    uint64_t gen;
    struct xs_domain *domains;
    struct xs_watch *watches;
    struct xs_event *events, **events_tail;
    struct xs_txn *txns;
    uint32_t next_txid;
};

/* Setup and teardown: the root node, owned by domain 0, readable by none. */
int xs_store_init(struct xs_store *s, const struct xs_alloc *a);
void xs_store_destroy(struct xs_store *s);
extern const struct xs_quota xs_default_quota;

/*
 * Canonical path: relative ones are taken under /local/domain/<caller>.
 * Allowed characters, no empty or doubled components, length limits; with
 * allow_special, "@name" (watch paths) is also accepted.  out holds
 * XENSTORE_ABS_PATH_MAX + 1 bytes.
 */
int xs_canon_path(xs_domid_t caller, const char *in, bool allow_special, char *out);
/* Writes "/local/domain/<domid>" into out (32 bytes), returns its length. */
size_t xs_domain_path(xs_domid_t domid, char *out);
size_t xs_utoa(uint64_t v, char *out);   /* decimal, NUL-terminated */
int xs_parse_uint(const char *s, uint64_t max, uint64_t *out);

/* The tree under root (the store's, or a transaction's copy). */
struct xs_node *xs_lookup(struct xs_node *root, const char *path);
int xs_perm_of(const struct xs_node *n, xs_domid_t domid);
int xs_tree_read(struct xs_node *root, xs_domid_t caller, const char *path,
                 struct xs_node **out);
/* value NULL: mkdir (an existing node keeps its value). */
int xs_tree_write(struct xs_store *s, struct xs_node *root, xs_domid_t caller,
                  const char *path, const void *value, uint32_t vlen);
int xs_tree_rm(struct xs_store *s, struct xs_node *root, xs_domid_t caller,
               const char *path);
int xs_tree_set_perms(struct xs_store *s, struct xs_node *root, xs_domid_t caller,
                      const char *path, const struct xs_perm *perms, uint32_t n);
struct xs_node *xs_tree_copy(struct xs_store *s, const struct xs_node *n,
                             struct xs_node *parent);
void xs_tree_free(struct xs_store *s, struct xs_node *n);
uint32_t xs_count_owned(const struct xs_node *n, xs_domid_t domid);

void *xs_alloc(struct xs_store *s, size_t size);
void xs_free(struct xs_store *s, void *p);
char *xs_strdup(struct xs_store *s, const char *str);

/* Domains (dom0 only; the protocol layer checks the caller). */
int xs_introduce(struct xs_store *s, xs_domid_t domid, uint64_t mfn, uint32_t evtchn);
int xs_release(struct xs_store *s, xs_domid_t domid);
bool xs_is_introduced(const struct xs_store *s, xs_domid_t domid);

/* Watches (watch.c). */
int xs_watch_add(struct xs_store *s, xs_domid_t domid, const char *given,
                 const char *token);
int xs_watch_remove(struct xs_store *s, xs_domid_t domid, const char *given,
                    const char *token);
void xs_watch_remove_domain(struct xs_store *s, xs_domid_t domid);
/* A change at path; removed: path and its subtree were deleted. */
void xs_watch_fire(struct xs_store *s, const char *path, bool removed);
uint32_t xs_watch_count(const struct xs_store *s, xs_domid_t domid);
/* Moves the oldest queued event for domid into buf; returns its length, 0 if none. */
size_t xs_event_pop(struct xs_store *s, xs_domid_t domid, void *buf, size_t size);
uint32_t xs_event_count(const struct xs_store *s, xs_domid_t domid);

/* Transactions (txn.c). */
int xs_txn_start(struct xs_store *s, xs_domid_t domid, uint32_t *id);
struct xs_txn *xs_txn_find(struct xs_store *s, xs_domid_t domid, uint32_t id);
/* Records that the transaction looked at (or changed) path. */
int xs_txn_access(struct xs_store *s, struct xs_txn *t, const char *path);
/* Records a change to replay at commit: XS_WRITE, XS_MKDIR, XS_RM or XS_SET_PERMS. */
int xs_txn_log(struct xs_store *s, struct xs_txn *t, uint32_t type, const char *path,
               const void *data, uint32_t len);
/* commit false: abort.  Either way the transaction is gone afterwards. */
int xs_txn_end(struct xs_store *s, struct xs_txn *t, bool commit);
void xs_txn_remove_domain(struct xs_store *s, xs_domid_t domid);
uint32_t xs_txn_count(const struct xs_store *s, xs_domid_t domid);

#endif /* XENO_XS_STORE_H */
