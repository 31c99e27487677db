/*
 * Ten timer ticks, 50 ms apart by the pvclock, each printed as "tick N". Its own
 * checks are that every tick comes and never early; the system tests also use it
 * as a domain that lives long enough to be paused and unpaused from the console,
 * and (with `ticks=N period_ms=P` on its command line) as one that outlives a
 * crashing Linux beside it.
 */
#include "cmdline.h"
#include "xtest.h"
#include "events.h"
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>

#define TICKS 10
#define PERIOD_NS 50000000UL

void test_main(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    uint64_t deadline = pvclock_now_ns();
    unsigned long ticks = cmdline_value("ticks", TICKS);
    uint64_t period_ns = cmdline_value("period_ms", PERIOD_NS / 1000000) * 1000000UL;

    expect_rc("register the event callback", events_register_upcall(), 0);
    expect_rc("bind VIRQ_TIMER", hypercall6(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq,
                                            (unsigned long)&bv, 0, 0, 0, 0), 0);
    for (int tick = 1; tick <= (int)ticks; tick++) {
        uint64_t before = upcall_count;
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline += period_ns };
        expect_rc("set the timer", hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
        for (int i = 0; i < 1000 && upcall_count == before; i++)
            events_block();
        events_clear_port(bv.port);   /* for the next tick */
        events_mask();
        xtest_check(upcall_count > before, "tick %d never came", tick);
        xtest_check(pvclock_now_ns() >= deadline, "tick %d came early", tick);
        printf("tick %d\n", tick);
    }
}
