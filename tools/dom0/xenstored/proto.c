/*
 * Parsing and dispatch of xenstore requests (see proto.h).  The payload is
 * copied and NUL-terminated first, so every string function below stays
 * inside it; arguments are the NUL-separated strings of the payload.
 */
#include <xeno/errno.h>
#include <xeno/string.h>
#include "proto.h"

#define EISDIR  21
#define EROFS   30
#define EISCONN 106

static const struct {
    int err;
    const char *name;
} errnames[] = {
    { EINVAL, "EINVAL" }, { EACCES, "EACCES" }, { EEXIST, "EEXIST" },
    { EISDIR, "EISDIR" }, { ENOENT, "ENOENT" }, { ENOMEM, "ENOMEM" },
    { ENOSPC, "ENOSPC" }, { EIO, "EIO" }, { ENOTEMPTY, "ENOTEMPTY" },
    { ENOSYS, "ENOSYS" }, { EROFS, "EROFS" }, { EBUSY, "EBUSY" },
    { EAGAIN, "EAGAIN" }, { EISCONN, "EISCONN" }, { E2BIG, "E2BIG" },
};

const char *xs_errno_name(int err)
{
    if (err < 0)
        err = -err;
    for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
        if (errnames[i].err == err)
            return errnames[i].name;
    return "EIO";                       /* clients know only the table's names */
}

int xs_errno_value(const char *name)
{
    for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
        if (!strcmp(errnames[i].name, name))
            return errnames[i].err;
    return EIO;
}

/* One request being handled: its header, arguments and the reply being built. */
struct req {
    struct xs_store *s;
    xs_domid_t caller;
    struct xsd_sockmsg hdr;
    char payload[XENSTORE_PAYLOAD_MAX + 1];
    const char *argv[XS_MAX_ARGS];
    unsigned argc;
    struct xsd_sockmsg *out;
    char *body;                         /* out's payload */
};

static int reply_data(struct req *r, const void *data, size_t len)
{
    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    memcpy(r->body, data, len);
    r->out->len = (uint32_t)len;
    return 0;
}

static int reply_str(struct req *r, const char *str)
{
    return reply_data(r, str, strlen(str) + 1);
}

/* Splits the payload into NUL-terminated strings; the last must end in NUL. */
static int split_args(struct req *r)
{
    size_t at = 0;

    if (r->hdr.len == 0 || r->payload[r->hdr.len - 1] != '\0')
        return -EINVAL;
    while (at < r->hdr.len) {
        if (r->argc == XS_MAX_ARGS)
            return -EINVAL;
        r->argv[r->argc++] = r->payload + at;
        at += strlen(r->payload + at) + 1;
    }
    return 0;
}

static int parse_domid(const char *str, xs_domid_t *out)
{
    uint64_t v;
    int rc = xs_parse_uint(str, 0xffff, &v);

    *out = (xs_domid_t)v;
    return rc;
}

/* The tree to work on: the live one or the request's transaction's copy. */
static int tree_of(struct req *r, struct xs_txn **t, struct xs_node **root)
{
    *t = NULL;
    *root = r->s->root;
    if (r->hdr.tx_id == 0)
        return 0;
    *t = xs_txn_find(r->s, r->caller, r->hdr.tx_id);
    if (!*t)
        return -ENOENT;
    *root = (*t)->root;
    return 0;
}

/* In a transaction: remember the path and its parent (whose children a change may alter). */
static int note_access(struct req *r, struct xs_txn *t, const char *path)
{
    char parent[XENSTORE_ABS_PATH_MAX + 1];
    size_t n = strlen(path);
    int rc;

    if (!t)
        return 0;
    rc = xs_txn_access(r->s, t, path);
    if (rc || n <= 1)
        return rc;
    memcpy(parent, path, n + 1);
    while (n > 1 && parent[n - 1] != '/')
        n--;
    parent[n > 1 ? n - 1 : 1] = '\0';
    return xs_txn_access(r->s, t, parent);
}

static int do_read_like(struct req *r)
{
    char path[XENSTORE_ABS_PATH_MAX + 1], *body = r->body;
    struct xs_txn *t;
    struct xs_node *root, *n;
    size_t len = 0;
    int rc;

    if (r->argc != 1)
        return -EINVAL;
    if ((rc = xs_canon_path(r->caller, r->argv[0], false, path)) ||
        (rc = tree_of(r, &t, &root)) || (rc = note_access(r, t, path)) ||
        (rc = xs_tree_read(root, r->caller, path, &n)))
        return rc;
    if (r->hdr.type == XS_READ)
        return reply_data(r, n->value ? n->value : "", n->vlen);
    if (r->hdr.type == XS_DIRECTORY) {
        for (struct xs_node *c = n->child; c; c = c->next) {
            size_t k = strlen(c->name) + 1;

            if (len + k > XENSTORE_PAYLOAD_MAX)
                return -E2BIG;
            memcpy(body + len, c->name, k);
            len += k;
        }
    } else {                            /* XS_GET_PERMS */
        for (uint32_t i = 0; i < n->nperms; i++) {
            if (len + 8 > XENSTORE_PAYLOAD_MAX)
                return -E2BIG;
            body[len++] = "nrwb"[n->perms[i].perm & 3];
            len += xs_utoa(n->perms[i].domid, body + len) + 1;
        }
    }
    r->out->len = (uint32_t)len;
    return 0;
}

static int parse_perms(struct req *r, struct xs_perm *perms, uint32_t *count)
{
    static const char letters[] = "nrwb";

    *count = 0;
    for (unsigned i = 1; i < r->argc; i++) {
        const char *a = r->argv[i], *letter;

        if (!*a)
            continue;                   /* the reserved trailing field */
        letter = strchr(letters, a[0]);
        if (!letter || parse_domid(a + 1, &perms[*count].domid))
            return -EINVAL;
        perms[(*count)++].perm = (uint8_t)(letter - letters);
    }
    return *count ? 0 : -EINVAL;
}

static int do_change(struct req *r)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    struct xs_perm perms[XS_MAX_ARGS];
    uint32_t nperms = 0, type = r->hdr.type, vlen = 0;
    const void *data = NULL;
    struct xs_txn *t;
    struct xs_node *root;
    int rc;

    if (type == XS_WRITE) {
        /* <path>|<value|>: the value is binary, the path ends at the first NUL. */
        size_t plen = strnlen(r->payload, r->hdr.len);

        if (plen == r->hdr.len)
            return -EINVAL;
        r->argv[0] = r->payload;
        r->argc = 1;
        data = r->payload + plen + 1;
        vlen = (uint32_t)(r->hdr.len - plen - 1);
    } else if ((rc = split_args(r))) {
        return rc;
    } else if (type == XS_SET_PERMS) {
        if ((rc = parse_perms(r, perms, &nperms)))
            return rc;
        data = perms;
        vlen = nperms * (uint32_t)sizeof(perms[0]);
    } else if (r->argc != 1) {
        return -EINVAL;
    }
    if ((rc = xs_canon_path(r->caller, r->argv[0], false, path)) ||
        (rc = tree_of(r, &t, &root)) || (rc = note_access(r, t, path)))
        return rc;
    if (type == XS_WRITE)
        rc = xs_tree_write(r->s, root, r->caller, path, data, vlen);
    else if (type == XS_MKDIR)
        rc = xs_tree_write(r->s, root, r->caller, path, NULL, 0);
    else if (type == XS_RM)
        rc = xs_tree_rm(r->s, root, r->caller, path);
    else
        rc = xs_tree_set_perms(r->s, root, r->caller, path, perms, nperms);
    if (rc)
        return rc;
    if (t)
        rc = xs_txn_log(r->s, t, type, path, data, vlen);
    else
        xs_watch_fire(r->s, path, type == XS_RM);
    return rc ? rc : reply_str(r, "OK");
}

static int do_txn(struct req *r)
{
    char id[16];
    uint32_t txid;
    struct xs_txn *t;
    int rc;

    if ((rc = split_args(r)) || r->argc != 1)
        return rc ? rc : -EINVAL;
    if (r->hdr.type == XS_TRANSACTION_START) {
        if (r->hdr.tx_id != 0 || r->argv[0][0] != '\0')
            return -EINVAL;
        if ((rc = xs_txn_start(r->s, r->caller, &txid)))
            return rc;
        xs_utoa(txid, id);
        return reply_str(r, id);
    }
    if (strcmp(r->argv[0], "T") != 0 && strcmp(r->argv[0], "F") != 0)
        return -EINVAL;
    t = xs_txn_find(r->s, r->caller, r->hdr.tx_id);
    if (!t)
        return -ENOENT;
    rc = xs_txn_end(r->s, t, r->argv[0][0] == 'T');
    return rc ? rc : reply_str(r, "OK");
}

static int do_watch(struct req *r)
{
    int rc;

    if ((rc = split_args(r)))
        return rc;
    if (r->argc < 2 || r->argc > 3)
        return -EINVAL;
    if (r->hdr.type == XS_WATCH)
        rc = xs_watch_add(r->s, r->caller, r->argv[0], r->argv[1]);
    else
        rc = xs_watch_remove(r->s, r->caller, r->argv[0], r->argv[1]);
    return rc ? rc : reply_str(r, "OK");
}

static int do_domain(struct req *r)
{
    char path[32];
    xs_domid_t domid;
    uint64_t mfn, evtchn;
    int rc;

    if ((rc = split_args(r)))
        return rc;
    if (r->hdr.type == XS_RESET_WATCHES) {
        xs_watch_remove_domain(r->s, r->caller);
        xs_txn_remove_domain(r->s, r->caller);
        return reply_str(r, "OK");
    }
    if (r->argc < 1 || parse_domid(r->argv[0], &domid))
        return -EINVAL;
    switch (r->hdr.type) {
    case XS_GET_DOMAIN_PATH:
        xs_domain_path(domid, path);
        return reply_str(r, path);
    case XS_IS_DOMAIN_INTRODUCED:
        return reply_str(r, xs_is_introduced(r->s, domid) ? "T" : "F");
    case XS_INTRODUCE:
        if (r->caller != 0)
            return -EACCES;
        if (r->argc < 3 || xs_parse_uint(r->argv[1], UINT64_MAX, &mfn) ||
            xs_parse_uint(r->argv[2], UINT32_MAX, &evtchn))
            return -EINVAL;
        rc = xs_introduce(r->s, domid, mfn, (uint32_t)evtchn);
        break;
    default:                            /* XS_RELEASE */
        if (r->caller != 0)
            return -EACCES;
        rc = xs_release(r->s, domid);
        break;
    }
    return rc ? rc : reply_str(r, "OK");
}

static int dispatch(struct req *r)
{
    int rc;

    switch (r->hdr.type) {
    case XS_READ:
    case XS_DIRECTORY:
    case XS_GET_PERMS:
        return (rc = split_args(r)) ? rc : do_read_like(r);
    case XS_WRITE:
    case XS_MKDIR:
    case XS_RM:
    case XS_SET_PERMS:
        return do_change(r);
    case XS_WATCH:
    case XS_UNWATCH:
        return do_watch(r);
    case XS_TRANSACTION_START:
    case XS_TRANSACTION_END:
        return do_txn(r);
    case XS_INTRODUCE:
    case XS_RELEASE:
    case XS_GET_DOMAIN_PATH:
    case XS_IS_DOMAIN_INTRODUCED:
    case XS_RESET_WATCHES:
        return do_domain(r);
    case XS_CONTROL:
    case XS_RESUME:
    case XS_SET_TARGET:
    case XS_RESTRICT:
    case XS_DIRECTORY_PART:
        return -ENOSYS;
    default:                            /* replies, events, unknown numbers */
        return -EINVAL;
    }
}

size_t xs_handle(struct xs_store *s, xs_domid_t caller, const void *msg, size_t len,
                 void *reply, size_t reply_size)
{
    /* Static: a 4 KiB payload copy is too much for Domain 0's small stacks. */
    static struct req r;
    int rc;

    if (reply_size < XS_REPLY_MAX)
        return 0;
    memset(&r.hdr, 0, sizeof(r.hdr));
    r.s = s;
    r.caller = caller;
    r.argc = 0;
    r.out = reply;
    r.body = (char *)reply + sizeof(struct xsd_sockmsg);
    if (len >= sizeof(r.hdr))
        memcpy(&r.hdr, msg, sizeof(r.hdr));
    *r.out = r.hdr;
    r.out->len = 0;
    if (len < sizeof(r.hdr) || r.hdr.len > XENSTORE_PAYLOAD_MAX ||
        len != sizeof(r.hdr) + r.hdr.len) {
        rc = -EINVAL;
    } else {
        memcpy(r.payload, (const char *)msg + sizeof(r.hdr), r.hdr.len);
        r.payload[r.hdr.len] = '\0';
        rc = dispatch(&r);
    }
    if (rc) {
        /* An error reply keeps only req_id and tx_id of the request. */
        r.out->type = XS_ERROR;
        reply_str(&r, xs_errno_name(rc));
    }
    return sizeof(struct xsd_sockmsg) + r.out->len;
}
