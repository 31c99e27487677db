/*
 * libFuzzer target for Domain 0's xenstored (tools/dom0/xenstored): each
 * input is a sequence of requests from domains 0-3, either raw bytes (any
 * header at all) or a well-formed header around fuzzed arguments, so both
 * the framing checks and the request handlers are reached.  Domains 1-3 are
 * introduced first and own their homes, as a toolstack would set them up.
 *
 * Invariants, checked after every request: the reply is exactly header plus
 * its length, at most XENSTORE_PAYLOAD_MAX, echoes req_id and tx_id, and is
 * either the request's type or XS_ERROR carrying one of Xen's errno names;
 * every queued watch event is two NUL-terminated strings filling its length;
 * the tree's links are consistent and every node has an owner.  At the end
 * the store is destroyed and every allocation must have been freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <xeno/errno.h>
#include <xeno/string.h>
#include "proto.h"

static long live;

static void *f_alloc(void *ctx, size_t n)
{
    (void)ctx;
    live++;
    return malloc(n);
}

static void f_free(void *ctx, void *p)
{
    (void)ctx;
    live--;
    free(p);
}

static _Noreturn void fail(const char *what)
{
    fprintf(stderr, "fuzz_xenstore: broken invariant: %s\n", what);
    abort();
}

static const struct xs_alloc allocator = { f_alloc, f_free, NULL };
static uint8_t reply[XS_REPLY_MAX];

static void check_tree(const struct xs_node *n)
{
    for (const struct xs_node *c = n->child; c; c = c->next) {
        if (c->parent != n || c->nperms == 0 || !c->name[0])
            fail("tree links or perms");
        check_tree(c);
    }
}

static bool known_error(const char *name, size_t len)
{
    static const char *const names[] = {
        "EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT", "ENOMEM", "ENOSPC", "EIO",
        "ENOTEMPTY", "ENOSYS", "EROFS", "EBUSY", "EAGAIN", "EISCONN", "E2BIG",
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) + 1 == len && memcmp(names[i], name, len) == 0)
            return true;
    return false;
}

static void check_events(struct xs_store *s, xs_domid_t dom)
{
    uint8_t ev[XS_REPLY_MAX];
    size_t n;

    while ((n = xs_event_pop(s, dom, ev, sizeof(ev))) != 0) {
        const struct xsd_sockmsg *h = (const void *)ev;
        const char *p = (const char *)ev + sizeof(*h);
        size_t a;

        if (h->type != XS_WATCH_EVENT || n != sizeof(*h) + h->len ||
            h->len > XENSTORE_PAYLOAD_MAX || h->len < 2 || p[h->len - 1] != '\0')
            fail("watch event framing");
        a = strnlen(p, h->len);
        if (a + 1 >= h->len || strnlen(p + a + 1, h->len - a - 1) != h->len - a - 2)
            fail("watch event is not two strings");
    }
}

static void setup(struct xs_store *s)
{
    static const char *const setup_msgs[] = {
        "/local/domain/1", "n1", "/local/domain/2", "n2", "/local/domain/3", "r3",
    };
    uint8_t msg[64];

    for (unsigned i = 0; i < 6; i += 2) {
        size_t a = strlen(setup_msgs[i]) + 1, b = strlen(setup_msgs[i + 1]) + 1;
        struct xsd_sockmsg h = { XS_MKDIR, 0, 0, (uint32_t)a };

        memcpy(msg, &h, sizeof(h));
        memcpy(msg + sizeof(h), setup_msgs[i], a);
        xs_handle(s, 0, msg, sizeof(h) + a, reply, sizeof(reply));
        h.type = XS_SET_PERMS;
        h.len = (uint32_t)(a + b);
        memcpy(msg, &h, sizeof(h));
        memcpy(msg + sizeof(h) + a, setup_msgs[i + 1], b);
        xs_handle(s, 0, msg, sizeof(h) + a + b, reply, sizeof(reply));
        xs_introduce(s, (xs_domid_t)(i / 2 + 1), 0, 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 8];
    struct xs_store s;
    uint32_t last_tx = 0;

    live = 0;
    if (xs_store_init(&s, &allocator))
        fail("init");
    s.quota.nodes = 40;                 /* small, so inputs reach the limits */
    s.quota.events = 8;
    setup(&s);
    while (size >= 3) {
        xs_domid_t dom = data[0] & 3;
        bool raw = data[0] & 0x80;
        size_t len = ((size_t)data[1] | (size_t)data[2] << 8) % (XENSTORE_PAYLOAD_MAX + 24);
        struct xsd_sockmsg req;
        size_t n, mlen;

        data += 3;
        size -= 3;
        if (len > size)
            len = size;
        if (raw) {
            memcpy(msg, data, len);
            mlen = len;
        } else {
            /* A sound header: type and transaction from the top two bytes. */
            struct xsd_sockmsg h = { 0, 1, 0, 0 };

            if (len < 2)
                break;
            h.type = data[0] % XS_TYPE_COUNT;
            h.tx_id = (data[0] & 0x40) ? last_tx : data[1] & 3;
            h.len = (uint32_t)(len - 2);
            memcpy(msg, &h, sizeof(h));
            memcpy(msg + sizeof(h), data + 2, len - 2);
            mlen = sizeof(h) + len - 2;
        }
        data += len;
        size -= len;
        memset(&req, 0, sizeof(req));
        if (mlen >= sizeof(req))
            memcpy(&req, msg, sizeof(req));
        n = xs_handle(&s, dom, msg, mlen, reply, sizeof(reply));
        const struct xsd_sockmsg *r = (const void *)reply;
        if (n < sizeof(*r) || n != sizeof(*r) + r->len || r->len > XENSTORE_PAYLOAD_MAX)
            fail("reply framing");
        if (r->req_id != req.req_id || r->tx_id != req.tx_id)
            fail("reply ids");
        if (r->type == XS_ERROR) {
            if (!known_error((const char *)reply + sizeof(*r), r->len))
                fail("error reply is not an errno name");
        } else if (r->type != req.type) {
            fail("reply type");
        } else if (r->type == XS_TRANSACTION_START) {
            uint64_t id;

            if (r->len < 2 || reply[n - 1] != '\0' ||
                xs_parse_uint((const char *)reply + sizeof(*r), UINT32_MAX, &id))
                fail("transaction id");
            last_tx = (uint32_t)id;
        }
        check_tree(s.root);
        for (xs_domid_t d = 0; d < 4; d++)
            check_events(&s, d);
    }
    xs_store_destroy(&s);
    if (live != 0)
        fail("allocations leaked");
    return 0;
}
