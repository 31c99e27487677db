/* The xenstore ring client of the xenstore_ring test (xs_client.h). */
#include "xs_client.h"
#include "xtest.h"
#include "events.h"
#include "pagetable.h"
#include <public/event_channel.h>
#include <public/io/xenstore_ring.h>
#include <xeno/string.h>

#define EVENTS_MAX 8

static volatile struct xenstore_domain_interface *ring;
static evtchn_port_t port;
static uint32_t next_req_id = 1;
static struct xsc_msg events[EVENTS_MAX];
static unsigned int events_head, events_len;

static void kick(void)
{
    struct evtchn_send send = { .port = port };
    long rc = hypercall6(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send,
                         0, 0, 0, 0);
    if (rc)
        xtest_fail("EVTCHNOP_send on the store port %u: %ld", port, rc);
}

void xsc_connect(void)
{
    uint64_t mfn = xtest_start_info->store_mfn, pfn;

    port = xtest_start_info->store_evtchn;
    if (!mfn || !port)
        xtest_abort("start_info has no xenstore ring (store_mfn %#lx, port %u): is Domain 0 "
                    "booted first?", mfn, port);
    /* The builder puts the ring page in the initial region, which is mapped at
     * va = pfn * 4K (VIRT_BASE 0): find its pfn through the M2P. */
    pfn = m2p_of(mfn);
    if (pfn >= xtest_start_info->nr_pages || p2m_of(pfn) != mfn)
        xtest_abort("store_mfn %#lx is not one of this domain's frames", mfn);
    ring = (volatile struct xenstore_domain_interface *)(pfn << PAGE_SHIFT);
}

/* Wait until COND of the ring holds, or DEADLINE passes (then false). */
static bool wait_until(bool (*cond)(void), uint64_t deadline)
{
    while (!cond()) {
        if (pvclock_now_ns() > deadline)
            return false;
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    return true;
}

static bool req_has_room(void)
{
    return ring->req_prod - ring->req_cons < XENSTORE_RING_BYTES;
}

bool xsc_reply_waiting(void)
{
    return ring->rsp_prod != ring->rsp_cons;
}

bool xsc_send_raw(const void *bytes, uint32_t len)
{
    const uint8_t *b = bytes;
    uint64_t deadline = pvclock_now_ns() + XSC_REPLY_NS;

    while (len) {
        if (!wait_until(req_has_room, deadline)) {
            xtest_fail("Domain 0 took no request bytes for 10 s (req_prod %u, req_cons %u)",
                       ring->req_prod, ring->req_cons);
            return false;
        }
        uint32_t prod = ring->req_prod;
        uint32_t space = XENSTORE_RING_BYTES - (prod - ring->req_cons);
        uint32_t n = len < space ? len : space;

        for (uint32_t i = 0; i < n; i++)
            ring->req[(prod + i) % XENSTORE_RING_BYTES] = (char)b[i];
        /* The bytes before the index that publishes them. */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        ring->req_prod = prod + n;
        kick();
        b += n;
        len -= n;
    }
    return true;
}

/* LEN bytes of rsp[] into DST by DEADLINE; consumed bytes are handed back at once
 * (rsp_cons), so a reply longer than the ring still gets through. */
static bool read_bytes(void *dst, uint32_t len, uint64_t deadline)
{
    uint8_t *d = dst;

    while (len) {
        if (!wait_until(xsc_reply_waiting, deadline))
            return false;
        uint32_t cons = ring->rsp_cons, prod = ring->rsp_prod;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* the index before the bytes */
        if (prod - cons > XENSTORE_RING_BYTES)
            xtest_abort("rsp indices that cannot be: prod %u, cons %u", prod, cons);
        uint32_t n = prod - cons < len ? prod - cons : len;
        for (uint32_t i = 0; i < n; i++)
            d[i] = (uint8_t)ring->rsp[(cons + i) % XENSTORE_RING_BYTES];
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        ring->rsp_cons = cons + n;
        kick();
        d += n;
        len -= n;
    }
    return true;
}

bool xsc_read(struct xsc_msg *m, uint64_t timeout_ns)
{
    uint64_t deadline = pvclock_now_ns() + timeout_ns;

    if (!read_bytes(&m->hdr, sizeof(m->hdr), deadline))
        return false;
    if (m->hdr.len > XENSTORE_PAYLOAD_MAX)
        xtest_abort("a reply of type %u with %u payload bytes (over 4096)", m->hdr.type,
                    m->hdr.len);
    if (!read_bytes(m->body, m->hdr.len, deadline))
        xtest_abort("a reply of type %u stopped inside its %u payload bytes", m->hdr.type,
                    m->hdr.len);
    m->body[m->hdr.len] = '\0';
    return true;
}

bool xsc_call(uint32_t type, uint32_t tx, const void *payload, uint32_t len,
              struct xsc_msg *reply)
{
    struct xsd_sockmsg hdr = { .type = type, .req_id = next_req_id++, .tx_id = tx, .len = len };
    uint64_t deadline;

    if (!xsc_send_raw(&hdr, sizeof(hdr)) || !xsc_send_raw(payload, len))
        return false;
    deadline = pvclock_now_ns() + XSC_REPLY_NS;
    for (;;) {
        uint64_t now = pvclock_now_ns();
        if (now > deadline || !xsc_read(reply, deadline - now)) {
            xtest_fail("no reply to request %u (type %u) within 10 s", hdr.req_id, type);
            return false;
        }
        if (reply->hdr.type != XS_WATCH_EVENT)
            break;
        /* Xenstored may send a watch's first event before the WATCH reply. */
        if (events_len == EVENTS_MAX)
            xtest_abort("more than %d watch events waiting", EVENTS_MAX);
        events[(events_head + events_len++) % EVENTS_MAX] = *reply;
    }
    if (reply->hdr.req_id != hdr.req_id) {
        xtest_fail("the reply to request %u (type %u) has req_id %u", hdr.req_id, type,
                   reply->hdr.req_id);
        return false;
    }
    return true;
}

bool xsc_event(struct xsc_msg *ev, uint64_t timeout_ns)
{
    if (events_len) {
        *ev = events[events_head];
        events_head = (events_head + 1) % EVENTS_MAX;
        events_len--;
        return true;
    }
    if (!xsc_read(ev, timeout_ns))
        return false;
    if (ev->hdr.type != XS_WATCH_EVENT) {
        xtest_fail("a message of type %u (req_id %u) while waiting for a watch event",
                   ev->hdr.type, ev->hdr.req_id);
        return false;
    }
    return true;
}
