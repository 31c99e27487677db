/*
 * xenstored's transport: each domU's xenstore ring (public/io/xenstore_ring.h),
 * reached through grant copies of the page it granted Domain 0 in entry
 * GNTTAB_RESERVED_XENSTORE. Requests are byte streams: a message is
 * assembled across as many passes as it takes, handled whole by xs_handle(),
 * and its reply queued; replies and watch events go out as ring space
 * allows. A domain that breaks the ring (indices that cannot be, a length
 * over the protocol's limit) gets its error and is served no more: it can
 * never take xenstored down.
 */
#include <public/io/xenstore_ring.h>
#include <xeno/errno.h>
#include <xeno/string.h>
#include "console.h"
#include "xtest.h"
#include "dom0.h"
#include "xenstored/proto.h"

#define RING_IDX_OFF ((uint16_t)__builtin_offsetof(struct xenstore_domain_interface, req_cons))
#define REQ_CONS_OFF RING_IDX_OFF
#define RSP_PROD_OFF ((uint16_t)__builtin_offsetof(struct xenstore_domain_interface, rsp_prod))
#define RSP_OFF ((uint16_t)__builtin_offsetof(struct xenstore_domain_interface, rsp))
#define HDR sizeof(struct xsd_sockmsg)

struct xs_store dom0_store;
static uint8_t reply[XS_REPLY_MAX];

int xs_conn_init(struct xs_conn *c, uint16_t domid, evtchn_port_t port, uint8_t *mirror)
{
    memset(c, 0, sizeof(*c));
    c->domid = domid;
    c->port = port;
    c->ring = ring_copy_of(domid, GNTTAB_RESERVED_XENSTORE, mirror);
    c->msg = heap_alloc(NULL, XS_REPLY_MAX);
    c->out = heap_alloc(NULL, XS_CONN_OUT);
    if (!c->msg || !c->out) {
        xs_conn_free(c);
        return -ENOMEM;
    }
    return 0;
}

void xs_conn_free(struct xs_conn *c)
{
    heap_free(NULL, c->msg);
    heap_free(NULL, c->out);
    c->msg = c->out = NULL;
}

static void broken(struct xs_conn *c, const char *why)
{
    printf("xenstored: d%u %s: no longer served\n", c->domid, why);
    c->broken = true;
}

/* Append a whole message to the output queue (the caller checked the room). */
static void queue_out(struct xs_conn *c, const uint8_t *msg, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        c->out[(c->out_head + c->out_len + i) % XS_CONN_OUT] = msg[i];
    c->out_len += len;
}

static bool room_for_reply(const struct xs_conn *c)
{
    return XS_CONN_OUT - c->out_len >= XS_REPLY_MAX;
}

/* Take bytes from the request ring into c->msg; handle each whole message.
 * Returns the bytes consumed. */
static uint32_t take_requests(struct xs_conn *c, const struct xenstore_domain_interface *r,
                              uint32_t cons, uint32_t prod)
{
    uint32_t start = cons;

    while (cons != prod && room_for_reply(c)) {
        const struct xsd_sockmsg *hdr = (const struct xsd_sockmsg *)c->msg;
        uint32_t want = c->msg_len < HDR ? HDR : HDR + hdr->len;

        while (c->msg_len < want && cons != prod)
            c->msg[c->msg_len++] = (uint8_t)r->req[cons++ % XENSTORE_RING_BYTES];
        if (c->msg_len == HDR && hdr->len > XENSTORE_PAYLOAD_MAX) {
            /* Its framing is lost: answer the header (xs_handle says EINVAL) and stop. */
            queue_out(c, reply, (uint32_t)xs_handle(&dom0_store, c->domid, c->msg, HDR, reply,
                                                    sizeof(reply)));
            broken(c, "sent a message longer than 4096 bytes");
            return cons - start;
        }
        if (c->msg_len >= HDR && c->msg_len == HDR + hdr->len) {
            size_t n = xs_handle(&dom0_store, c->domid, c->msg, c->msg_len, reply, sizeof(reply));
            queue_out(c, reply, (uint32_t)n);
            c->msg_len = 0;
            c->requests++;
        }
    }
    return cons - start;
}

static void take_events(struct xs_conn *c)
{
    size_t n;

    while (room_for_reply(c) &&
           (n = xs_event_pop(&dom0_store, c->domid, reply, sizeof(reply))) != 0)
        queue_out(c, reply, (uint32_t)n);
}

/* Move queued output into rsp[] (at most the free space); returns bytes moved. */
static uint32_t give_replies(struct xs_conn *c, struct xenstore_domain_interface *r,
                             uint32_t rsp_cons, uint32_t *rsp_prod)
{
    uint32_t space = XENSTORE_RING_BYTES - (*rsp_prod - rsp_cons);
    uint32_t n = c->out_len < space ? c->out_len : space;
    uint32_t first = *rsp_prod % XENSTORE_RING_BYTES;

    for (uint32_t i = 0; i < n; i++) {
        r->rsp[(*rsp_prod + i) % XENSTORE_RING_BYTES] = (char)c->out[c->out_head];
        c->out_head = (c->out_head + 1) % XS_CONN_OUT;
    }
    c->out_len -= n;
    if (n) {
        /* The bytes, up to two pieces if they wrap, then the index. */
        uint32_t tail = XENSTORE_RING_BYTES - first;
        ring_copy_out(&c->ring, (uint16_t)(RSP_OFF + first), (uint16_t)(n < tail ? n : tail));
        if (n > tail)
            ring_copy_out(&c->ring, RSP_OFF, (uint16_t)(n - tail));
        *rsp_prod += n;
        r->rsp_prod = *rsp_prod;
        ring_copy_out(&c->ring, RSP_PROD_OFF, sizeof(uint32_t));
    }
    return n;
}

bool xs_conn_serve(struct xs_conn *c)
{
    struct xenstore_domain_interface *r = (void *)c->ring.mirror;
    uint32_t req_cons, req_prod, rsp_cons, rsp_prod, took, gave;

    if (c->broken)
        return false;
    /* The indices first, then the requests they cover. */
    ring_copy_in(&c->ring, RING_IDX_OFF, 4 * sizeof(uint32_t));
    ring_copy_in(&c->ring, 0, XENSTORE_RING_BYTES);
    if (!ring_copy_run(&c->ring))
        return false;           /* going away: main.c notices through domctl */
    req_cons = r->req_cons;
    req_prod = r->req_prod;
    rsp_cons = r->rsp_cons;
    rsp_prod = r->rsp_prod;
    if (req_prod - req_cons > XENSTORE_RING_BYTES || rsp_prod - rsp_cons > XENSTORE_RING_BYTES) {
        broken(c, "has ring indices that cannot be");
        return false;
    }
    took = take_requests(c, r, req_cons, req_prod);
    take_events(c);
    gave = give_replies(c, r, rsp_cons, &rsp_prod);
    if (took) {
        r->req_cons = req_cons + took;
        ring_copy_out(&c->ring, REQ_CONS_OFF, sizeof(uint32_t));
    }
    if (!ring_copy_run(&c->ring))
        return false;
    if (took || gave)
        dom0_notify(c->port);
    return took || gave;
}
