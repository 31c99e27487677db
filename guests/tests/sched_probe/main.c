/*
 * A probe of the scheduler. With no mode on its command line (as the guests
 * suite boots it) it checks the runstate accounting it is given; the
 * scheduler tests boot it several times side by side with
 *
 *   mode=spin start_ms=S window_ms=W
 *       spin, and report the share of the CPU it got between system times S
 *       and S+W ms: "sched: share N ppm" (from its runstate: running time
 *       over the window);
 *   mode=latency start_ms=S window_ms=W period_us=P
 *       from S to S+W ms, sleep on one-shot timers P us apart and report how
 *       late it woke: "sched: wakes N mean M ns max X ns".
 *
 * The numbers are judged by the tests, against the weights and warps in the
 * domains' configs; the probe itself fails only if it could not measure.
 */
#include "xtest.h"
#include "cmdline.h"
#include "events.h"
#include "runstate.h"
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>

#define MS 1000000UL
#define LINGER_NS (500 * MS)

static evtchn_port_t timer_port;

static void spin_until(uint64_t t)
{
    while (pvclock_now_ns() < t)
        __asm__ volatile("pause");
}

/* Sleep until system time t (a one-shot timer); false if it never came. */
static bool sleep_until(uint64_t t)
{
    struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = t };
    uint64_t before = upcall_count;

    if (hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st))
        return false;
    for (int i = 0; i < 1000 && upcall_count == before; i++)
        events_block();
    events_clear_port(timer_port);
    events_mask();
    return upcall_count > before;
}

static void measure_share(uint64_t start, uint64_t window)
{
    uint64_t r0, r1;

    timer_port = events_bind_timer();
    spin_until(start);
    r0 = runstate_sample().time[RUNSTATE_running];
    spin_until(start + window);
    r1 = runstate_sample().time[RUNSTATE_running];
    printf("sched: share %lu ppm\n", (r1 - r0) * 1000000 / window);
    /* Stay until every probe has taken its reading (one waiting for its CPU
     * sees the window end late): a domain that ends is destroyed on CPU 0,
     * and that work counts as the running time of whichever vCPU is there. */
    if (!sleep_until(start + window + LINGER_NS))
        xtest_fail("the timer to linger after the window never came");
}

static void measure_latency(uint64_t start, uint64_t window, uint64_t period)
{
    uint64_t n = 0, sum = 0, max = 0;

    timer_port = events_bind_timer();
    spin_until(start);
    while (pvclock_now_ns() < start + window) {
        uint64_t deadline = pvclock_now_ns() + period, late;

        if (!sleep_until(deadline))
            xtest_abort("wake %lu: the timer never came", n);
        late = pvclock_now_ns() - deadline;
        xtest_check(pvclock_now_ns() >= deadline, "wake %lu came early", n);
        sum += late;
        max = late > max ? late : max;
        n++;
    }
    xtest_check(n > 0, "no wakes in the window");
    printf("sched: wakes %lu mean %lu ns max %lu ns\n", n, n ? sum / n : 0, max);
}

/* The default: the accounting, spinning and then blocked. */
static void check_accounting(void)
{
    uint64_t t0, t1, t2, run0, wait0, block0, run1, wait1, block1;
    struct runstate_sample s;

    timer_port = events_bind_timer();
    s = runstate_sample();
    t0 = s.now;
    run0 = s.time[RUNSTATE_running];
    wait0 = s.time[RUNSTATE_runnable];
    spin_until(t0 + (30 * MS));
    s = runstate_sample();
    t1 = s.now;
    run1 = s.time[RUNSTATE_running];
    wait1 = s.time[RUNSTATE_runnable];
    /* Spinning, it was running or waiting for its CPU, nothing else. */
    printf("spin 30 ms: running %lu us, runnable %lu us\n", (run1 - run0) / 1000,
           (wait1 - wait0) / 1000);
    xtest_check(run1 > run0, "no running time while spinning");
    /* Within 1 ms either way: the guest's clock and the hypervisor's differ
     * by the pvclock's rounding, on each of the CPUs it ran on. */
    xtest_check(run1 - run0 + wait1 - wait0 <= t1 - t0 + (1 * MS) &&
                run1 - run0 + wait1 - wait0 + (1 * MS) >= t1 - t0,
                "running %lu + runnable %lu ns over %lu ns of spinning", run1 - run0,
                wait1 - wait0, t1 - t0);

    s = runstate_sample();
    t1 = s.now;
    block0 = s.time[RUNSTATE_blocked];
    run0 = s.time[RUNSTATE_running];
    wait0 = s.time[RUNSTATE_runnable];
    if (!sleep_until(t1 + (30 * MS)))
        xtest_abort("the 30 ms timer never came");
    s = runstate_sample();
    t2 = s.now;
    block1 = s.time[RUNSTATE_blocked];
    run1 = s.time[RUNSTATE_running];
    wait1 = s.time[RUNSTATE_runnable];
    printf("sleep 30 ms: blocked %lu us, running %lu us, runnable %lu us of %lu us\n",
           (block1 - block0) / 1000, (run1 - run0) / 1000, (wait1 - wait0) / 1000,
           (t2 - t1) / 1000);
    /* Blocked until the deadline, then runnable until it got its CPU: every
     * nanosecond in one of the three states, and most of it blocked. (How much
     * of it runs before the block depends on how busy the host is, so the
     * bound on blocked time leaves room for that.) */
    xtest_check(block1 - block0 + run1 - run0 + wait1 - wait0 <= t2 - t1 + (1 * MS) &&
                block1 - block0 + run1 - run0 + wait1 - wait0 + (1 * MS) >= t2 - t1,
                "blocked %lu + running %lu + runnable %lu ns over %lu ns of sleeping",
                block1 - block0, run1 - run0, wait1 - wait0, t2 - t1);
    xtest_check(block1 - block0 >= (15 * MS),
                "blocked %lu ns while sleeping %lu ns on a 30 ms timer", block1 - block0, t2 - t1);
    s = runstate_sample();
    xtest_check(s.state == RUNSTATE_running, "runstate says %d while running", s.state);
}

void test_main(void)
{
    const char *mode = cmdline_arg("mode");
    uint64_t start = cmdline_value("start_ms", 0) * (1 * MS);
    uint64_t window = cmdline_value("window_ms", 500) * (1 * MS);

    if (runstate_register())
        xtest_abort("cannot register the runstate area");
    if (!mode)
        check_accounting();
    else if (!strncmp(mode, "spin", 4))
        measure_share(start, window);
    else if (!strncmp(mode, "latency", 7))
        measure_latency(start, window, cmdline_value("period_us", 5000) * 1000);
    else
        xtest_abort("unknown mode on the command line '%s'", xtest_cmdline);
}
