/*
 * A PV domain and a PVH domain that exchange events and share a granted page
 * (issue 6). Each image is built for its environment; the harness boots the pv64
 * one as peer 0 and the pvh64 one as peer 1, so each checks it is the peer it
 * expects before doing its part (pv64/mapper.c, pvh64/granter.c).
 *
 * Events are waited for by polling the port's pending bit with events masked
 * (no upcall registered): every wait is then bounded (peer_wait) and fails with a
 * message, where blocking for an event that never comes would hang the boot.
 * Upcalls and blocking across CPUs are evtchn_peers' business.
 */
#include "pv_pvh_peers.h"
#include <public/sched.h>

long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0, 0);
}

struct evtchn_status port_status(evtchn_port_t port)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

    expect_rc("status", evtchn_op(EVTCHNOP_status, &st), 0);
    return st;
}

static bool take_pending(void *ctx)
{
    evtchn_port_t port = *(evtchn_port_t *)ctx;
    uint64_t bit = 1UL << (port % 64);

    return __atomic_fetch_and(&xtest_shared_info->evtchn_pending[port / 64], ~bit,
                              __ATOMIC_SEQ_CST) & bit;
}

bool wait_port(evtchn_port_t port, const char *what)
{
    return peer_wait(what, take_pending, &port);
}

void send_port(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    expect_rc("send", evtchn_op(EVTCHNOP_send, &s), 0);
}

void test_main(void)
{
    const struct peers *peers = peers_get();

    printf("peer %u of %u (%s); domains %u and %u\n", peers->self, peers->count,
           xtest_manifest.environment, peers->domid[0], peers->domid[1]);
    /* The pv64 image is the mapper, the pvh64 one the granter: booted as
     * another peer it would wait for a side nobody plays. */
    if (peers->count != 2 || peers->self != side_peer)
        xtest_abort("the %s image must be peer %u of 2, not peer %u of %u",
                    xtest_manifest.environment, side_peer, peers->self, peers->count);
    side_run(peers);
}
