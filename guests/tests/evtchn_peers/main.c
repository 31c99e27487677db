/*
 * Event channels between two domains, as a frontend and backend use them.
 * Peer 0 (A) offers a port to peer 1 (B) with alloc_unbound; B finds it by
 * trying bind_interdomain on A's first ports (the domains share nothing else),
 * takes the event the bind raised on its new port, and tells A it is ready;
 * then 200 round trips: each side sends and blocks in SCHEDOP_block until the
 * other's event is pending. The domains may run on different CPUs,
 * so a send may have to wake a blocked vCPU over there. At the end A closes its
 * end, and B's end is unbound again (waiting for A), as in Xen.
 */
#include "xtest.h"
#include "events.h"
#include "peers.h"
#include <public/event_channel.h>
#include <public/sched.h>

#define ROUNDS 200
#define FIRST_PORTS 16          /* where A's offered port can be */

static const struct peers *peers;

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0, 0);
}

static uint16_t other(void)
{
    return peers->domid[1 - peers->self];
}

static void setup_upcalls(void)
{
    if (events_register_upcall())
        xtest_abort("cannot register the event callback");
}

static struct evtchn_status status_of(evtchn_port_t port)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

    expect_rc("status", evtchn_op(EVTCHNOP_status, &st), 0);
    return st;
}

/* Wait for the port's event as a 2-level consumer does: take the selector,
 * then test and clear the port's pending bit; if it was not set, block (which
 * unmasks events: an upcall may come and go, the loop checks the bit again).
 * An event after the selector was taken sets it and the upcall flag anew, so
 * the block returns at once; one that races the block wakes it. */
static bool wait_event(evtchn_port_t port)
{
    uint64_t bit = 1UL << (port % 64);

    for (unsigned int i = 0; i < 100000; i++) {
        __atomic_exchange_n(&xtest_vcpu_info->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        if (__atomic_fetch_and(&xtest_shared_info->evtchn_pending[port / 64], ~bit,
                               __ATOMIC_SEQ_CST) & bit)
            return true;
        events_block();
        events_mask();
    }
    return false;
}

static void send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };
    expect_rc("send", evtchn_op(EVTCHNOP_send, &s), 0);
}

/* Round trips: the server (B) answers each event of the client (A). */
static void ping_pong(evtchn_port_t port, bool client)
{
    for (unsigned int round = 0; round < ROUNDS; round++) {
        if (client)
            send(port);
        if (!wait_event(port)) {
            xtest_fail("round %u: no event from the other domain", round);
            return;
        }
        if (!client)
            send(port);
    }
    printf("%u round trips\n", ROUNDS);
}

static bool connected(void *ctx)
{
    evtchn_port_t port = *(evtchn_port_t *)ctx;
    return status_of(port).status == EVTCHNSTAT_interdomain;
}

static void peer_a(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = other() };
    struct evtchn_close cl;
    struct evtchn_status st;

    expect_rc("alloc_unbound for the other domain", evtchn_op(EVTCHNOP_alloc_unbound, &au), 0);
    /* Unbound for B, or already bound by it (B may run on the other CPU). */
    st = status_of(au.port);
    xtest_check((st.status == EVTCHNSTAT_unbound || st.status == EVTCHNSTAT_interdomain) &&
                st.u.unbound.dom == other(), "the offered port: status %u for d%u", st.status,
                st.u.unbound.dom);
    if (!peer_wait("the other domain to bind the offered port", connected, &au.port))
        return;
    st = status_of(au.port);
    printf("port %u bound to d%u port %u\n", au.port, st.u.interdomain.dom,
           st.u.interdomain.port);
    xtest_check(st.u.interdomain.dom == other(), "bound to d%u", st.u.interdomain.dom);
    /* B says when it is ready (it first takes the event its bind raised). */
    if (!wait_event(au.port)) {
        xtest_fail("no ready event from the other domain");
        return;
    }
    ping_pong(au.port, true);
    /* The last exchange: B is waiting for the close to show. */
    cl.port = au.port;
    expect_rc("close", evtchn_op(EVTCHNOP_close, &cl), 0);
    st = status_of(au.port);
    xtest_check(st.status == EVTCHNSTAT_closed, "the closed port: status %u", st.status);
}

static void peer_b(void)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = other() };
    struct evtchn_status st;
    evtchn_port_t port = 0;
    unsigned long tries;
    long rc = -1;

    /* A's port is one of its first; until A has offered it every try fails. */
    for (tries = 0; tries < PEER_WAIT_TRIES && rc; tries++) {
        for (bi.remote_port = 1; bi.remote_port < FIRST_PORTS && rc; bi.remote_port++)
            rc = evtchn_op(EVTCHNOP_bind_interdomain, &bi);
        if (rc)
            hc_sched_op(SCHEDOP_yield, NULL);
    }
    if (rc)
        xtest_abort("no port of d%u could be bound: %ld", other(), rc);
    port = bi.local_port;
    bi.remote_port--;
    printf("bound d%u port %u as port %u\n", other(), bi.remote_port, port);
    st = status_of(port);
    xtest_check(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == other() &&
                st.u.interdomain.port == bi.remote_port,
                "status %u, d%u port %u", st.status, st.u.interdomain.dom, st.u.interdomain.port);
    expect_rc("binding the same port again", evtchn_op(EVTCHNOP_bind_interdomain, &bi), -EINVAL);
    bi.remote_dom = DOMID_FIRST_RESERVED - 1;
    expect_rc("binding a port of no domain", evtchn_op(EVTCHNOP_bind_interdomain, &bi), -ESRCH);
    /* As in Xen, the bind left our new port pending; A sends nothing until
     * our ready event, so this one is the bind's. */
    xtest_check(wait_event(port), "the bound port was not pending");
    send(port);
    ping_pong(port, false);
    /* A closes its end after the last round: ours waits for A again. */
    for (tries = 0; tries < PEER_WAIT_TRIES; tries++) {
        st = status_of(port);
        if (st.status != EVTCHNSTAT_interdomain)
            break;
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    xtest_check(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == other(),
                "after the other end closed: status %u for d%u", st.status, st.u.unbound.dom);
}

void test_main(void)
{
    peers = peers_get();
    setup_upcalls();
    if (peers->self == 0)
        peer_a();
    else
        peer_b();
}
