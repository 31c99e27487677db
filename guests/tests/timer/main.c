/*
 * Time (docs/abi.md): system time read from the vCPU's pvclock (vcpu_time_info,
 * version protocol), and VIRQ_TIMER bound to an event channel: a blocked vCPU is
 * woken by its one-shot timer (vcpu_op and the older set_timer_op), at once by a
 * deadline already past, and repeatedly by a periodic timer; never before the
 * deadline. The lateness is printed; it is checked only loosely (an emulator's
 * host may deschedule it), against 100 ms. Blocking and the upcall are the
 * runtime's (events.h: SCHEDOP_block in pv64, sti; hlt in pvh64).
 */
#include "xtest.h"
#include "events.h"
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>

#define SLACK_NS 100000000UL

static evtchn_port_t port;

#define now_ns pvclock_now_ns

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0, 0);
}

/* Block until the timer's upcall has come; clear its port for the next one. */
static void wait_for_tick(const char *what)
{
    uint64_t before = upcall_count;
    for (int i = 0; i < 100 && upcall_count == before; i++)
        events_block();
    xtest_check(upcall_count > before, "%s: no timer upcall", what);
    events_clear_port(port);
    events_mask();
}

static void one_shot(const char *what, uint64_t delay_ns, bool old_call)
{
    uint64_t deadline = now_ns() + delay_ns;
    if (old_call) {
        expect_rc(what, hypercall6(__HYPERVISOR_set_timer_op, deadline, 0, 0, 0, 0, 0), 0);
    } else {
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline };
        expect_rc(what, hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
    }
    wait_for_tick(what);
    uint64_t woke = now_ns();
    xtest_check(woke >= deadline, "%s: woke %lu ns early", what, deadline - woke);
    xtest_check(woke < deadline + SLACK_NS, "%s: woke %lu ns late", what, woke - deadline);
    printf("%s: fired %lu us after its deadline\n", what, (woke - deadline) / 1000);
}

void test_main(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    uint64_t t0 = now_ns(), t1;

    xtest_check(xtest_vcpu_info->time.tsc_to_system_mul != 0, "no pvclock scale published");
    for (volatile int i = 0; i < 100000; i++)
        ;
    t1 = now_ns();
    xtest_check(t1 > t0, "pvclock did not advance: %lu then %lu", t0, t1);

    expect_rc("register the event callback", events_register_upcall(), 0);
    expect_rc("bind VIRQ_TIMER", evtchn_op(EVTCHNOP_bind_virq, &bv), 0);
    port = bv.port;
    events_mask();
    xtest_vcpu_info->evtchn_upcall_pending = 0;

    one_shot("a 3 ms one-shot timer", 3000000, false);
    one_shot("set_timer_op, 2 ms", 2000000, true);

    /* A deadline in the past fires at once; with the "future" flag it is refused. */
    struct vcpu_set_singleshot_timer past = { .timeout_abs_ns = now_ns() - 1000000 };
    expect_rc("a one-shot timer in the past", hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &past), 0);
    wait_for_tick("a one-shot timer in the past");
    past.flags = VCPU_SSHOTTMR_future;
    expect_rc("a past deadline with VCPU_SSHOTTMR_future",
              hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &past), -ETIME);

    /* Periodic: three ticks, then stopped. */
    struct vcpu_set_periodic_timer p = { .period_ns = 2000000 };
    uint64_t start = now_ns();
    expect_rc("a 2 ms periodic timer", hc_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), 0);
    for (int i = 0; i < 3; i++)
        wait_for_tick("the periodic timer");
    xtest_check(now_ns() - start >= 3 * p.period_ns, "three periods in %lu ns", now_ns() - start);
    expect_rc("stop the periodic timer", hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    p.period_ns = 1000;
    expect_rc("a period under 1 ms", hc_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), -EINVAL);
    /* Near 2^64 the next deadline would wrap into the past and re-arm forever. */
    p.period_ns = ~0UL - 1000;
    expect_rc("a period of almost 2^64 ns", hc_vcpu_op(VCPUOP_set_periodic_timer, 0, &p), -EINVAL);
    expect_rc("a one-shot timer from a bad pointer",
              hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)BAD_VA_HYPERVISOR), -EFAULT);
}
