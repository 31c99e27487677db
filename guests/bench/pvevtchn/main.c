/*
 * The event-channel benchmark guest (docs/benchmarks.md, `tools/xeno bench
 * evtchn_pingpong vcpu_switch`): two domains of this image (peer 0 and peer 1,
 * peers.h) and one interdomain event channel between them.
 *
 *   pv_evtchn_rtt     peer 0 sends on the channel and waits for peer 1's answer;
 *                     peer 1 waits and answers. TSC cycles per round trip
 *                     (one-way is half).
 *   pv_yield_alone    peer 0 makes SCHEDOP_yield while peer 1 sleeps: nothing
 *                     else to run, so no switch. Cycles per yield.
 *   pv_yield_pair     both peers (on one CPU) yield to each other: each of peer
 *                     0's yields switches to peer 1, whose yield switches back.
 *                     Cycles per yield, i.e. peer 0's loop divided by 2 x its
 *                     iterations (the difference to pv_yield_alone is the cost
 *                     of one vCPU context switch).
 *   bench-clock: tsc_to_system_mul=N tsc_shift=N   the pvclock's TSC scale, to
 *                     turn cycles to ns: ns = (cycles << shift) * mul >> 32
 *
 * The yield measurements run only when the command line says `switch=1` (the
 * configs that put both peers on CPU 0). Waiting for an event: events are masked
 * (evtchn_upcall_mask), the selector cleared, the port's pending bit tested and cleared, and if it was
 * clear the vCPU blocks with SCHEDOP_block, which unmasks events and sleeps unless
 * an upcall is pending (the runtime's callback takes the upcall on the way back):
 * the waiter never spins, so both peers can share one CPU.
 *
 * Finding each other: peer 0 allocates an unbound port for peer 1 (the first port
 * of a fresh domain, 1); peer 1 binds to (peer 0, port 1), retrying with yields
 * until peer 0 has allocated it, then sends once to say it is there.
 *
 * Timing as in the other benchmark programs (common/bench.h): one warm-up batch,
 * then BENCH_BATCHES batches of the loop and of its empty twin; the median and the
 * extremes per iteration.
 */
#include "xtest.h"
#include "pvguest.h"
#include "cmdline.h"
#include "events.h"
#include "peers.h"
#include <public/callback.h>
#include <public/event_channel.h>

#define RTT_ITERATIONS 500
#define YIELD_ITERATIONS 500
#define PORT0 1                         /* peer 0's port: the first of a fresh domain */

static evtchn_port_t port;              /* this peer's end of the channel */
static struct evtchn_send send_op;

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0, 0);
}

static bool take_pending(evtchn_port_t p)
{
    uint64_t bit = 1UL << (p % 64);

    return __atomic_fetch_and(&xtest_shared_info->evtchn_pending[p / 64], ~bit,
                              __ATOMIC_SEQ_CST) & bit;
}

static bool is_pending(evtchn_port_t p)
{
    return __atomic_load_n(&xtest_shared_info->evtchn_pending[p / 64], __ATOMIC_SEQ_CST)
           >> (p % 64) & 1;
}

/* Sleep until the channel's port is pending; take the event. As a kernel's
 * upcall handler does, the selector is cleared before the port is looked at, so
 * that the next send sets it again and raises evtchn_upcall_pending (what wakes a
 * blocked vCPU). */
static void wait_event(void)
{
    for (;;) {
        xtest_vcpu_info->evtchn_upcall_mask = 1;
        __atomic_exchange_n(&xtest_vcpu_info->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        if (take_pending(port))
            return;
        hc_sched_op(SCHEDOP_block, NULL);
    }
}

static void notify(void)
{
    evtchn_op(EVTCHNOP_send, &send_op);
}

static uint64_t loop_rtt(uint64_t iterations)
{
    uint64_t start = bench_tsc();

    for (uint64_t i = 0; i < iterations; i++) {
        notify();
        wait_event();
    }
    return bench_tsc() - start;
}

static uint64_t loop_yield(uint64_t iterations)
{
    uint64_t start = bench_tsc();

    for (uint64_t i = 0; i < iterations; i++)
        hc_sched_op(SCHEDOP_yield, NULL);
    return bench_tsc() - start;
}

static bool connect(const struct peers *p)
{
    if (p->self == 0) {
        struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = p->domid[1] };

        if (!expect_rc("alloc_unbound for peer 1", evtchn_op(EVTCHNOP_alloc_unbound, &au), 0))
            return false;
        if (au.port != PORT0) {
            xtest_fail("alloc_unbound gave port %u, peer 1 binds to %u", au.port, PORT0);
            return false;
        }
        port = au.port;
        wait_event();                   /* peer 1 has bound */
        return true;
    }
    for (unsigned long i = 0; i < PEER_WAIT_TRIES; i++) {
        struct evtchn_bind_interdomain bi = { .remote_dom = p->domid[0],
                                              .remote_port = PORT0 };

        if (evtchn_op(EVTCHNOP_bind_interdomain, &bi) == 0) {
            port = bi.local_port;
            take_pending(port);         /* the bind's own notification */
            return true;
        }
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    xtest_fail("gave up binding to peer 0's port %u", PORT0);
    return false;
}

void test_main(void)
{
    const struct peers *p = peers_get();
    struct callback_register cb = { .type = CALLBACKTYPE_event,
                                    .address = (uint64_t)upcall_entry };
    bool with_switch = cmdline_arg("switch") != NULL;
    uint64_t rounds = (1 + BENCH_BATCHES) * RTT_ITERATIONS;

    upcall_vcpu_info = xtest_vcpu_info;
    xtest_vcpu_info->evtchn_upcall_mask = 1;
    if (!expect_rc("register the event callback", hc_callback_op(CALLBACKOP_register, &cb), 0))
        return;
    if (p->count != 2) {
        xtest_fail("%u peers, expected 2", p->count);
        return;
    }
    if (!connect(p))
        return;
    send_op.port = port;

    if (p->self == 1) {
        notify();                       /* bound: peer 0 may start */
        for (uint64_t i = 0; i < rounds; i++) {
            wait_event();
            notify();
        }
        if (!with_switch)
            return;
        wait_event();                   /* peer 0 has timed its yields alone */
        while (!is_pending(port))       /* yield to peer 0 until it says stop */
            hc_sched_op(SCHEDOP_yield, NULL);
        take_pending(port);
        return;
    }

    printf("bench-clock: tsc_to_system_mul=%u tsc_shift=%d\n",
           xtest_vcpu_info->time.tsc_to_system_mul, xtest_vcpu_info->time.tsc_shift);
    bench_report("pv_evtchn_rtt", bench_c_measure(loop_rtt, RTT_ITERATIONS, RTT_ITERATIONS),
                 RTT_ITERATIONS);
    if (!with_switch)
        return;
    bench_report("pv_yield_alone", bench_c_measure(loop_yield, YIELD_ITERATIONS, YIELD_ITERATIONS),
                 YIELD_ITERATIONS);
    notify();                           /* peer 1: start yielding */
    /* Every iteration is two yields: peer 0's and peer 1's. */
    bench_report("pv_yield_pair", bench_c_measure(loop_yield, YIELD_ITERATIONS,
                                                  2 * YIELD_ITERATIONS), YIELD_ITERATIONS);
    notify();                           /* peer 1: stop */
}
