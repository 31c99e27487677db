/*
 * xen/softirq.c: raising and running softirqs per CPU, ordering, work
 * raised by a handler, IPIs only for other CPUs and only when not
 * already pending, and no nested runs.
 */
#include <xeno/softirq.h>
#include "harness.h"
#include "stubs/stub.h"

static char trace[64];
static unsigned int trace_len;
static unsigned int timer_runs, sched_runs;
static bool raise_again, nest;

static void note(char c)
{
    if (trace_len < sizeof(trace) - 1)
        trace[trace_len++] = c;
    trace[trace_len] = '\0';
}

static void on_timer(void)
{
    timer_runs++;
    note('T');
    if (nest)
        do_softirq();           /* must return at once */
}

static void on_schedule(void)
{
    sched_runs++;
    note('S');
    if (raise_again) {
        raise_again = false;
        raise_softirq(TIMER_SOFTIRQ);
    }
}

static void setup(void)
{
    open_softirq(TIMER_SOFTIRQ, on_timer);
    open_softirq(SCHEDULE_SOFTIRQ, on_schedule);
    trace_len = 0;
    trace[0] = '\0';
    timer_runs = sched_runs = 0;
    raise_again = nest = false;
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        stub_cpu = cpu;
        do_softirq();                           /* drain leftovers */
    }
    stub_cpu = 0;
    trace_len = 0;
    trace[0] = '\0';
    timer_runs = sched_runs = 0;
}

TEST(nothing_pending_runs_nothing)
{
    setup();
    CHECK(!softirq_pending(0));
    do_softirq();
    CHECK_EQ(timer_runs + sched_runs, 0);
}

TEST(raised_softirqs_run_once_in_number_order)
{
    setup();
    raise_softirq(SCHEDULE_SOFTIRQ);
    raise_softirq(TIMER_SOFTIRQ);
    raise_softirq(TIMER_SOFTIRQ);               /* still once */
    CHECK(softirq_pending(0));
    do_softirq();
    CHECK_STR_EQ(trace, "TS");
    CHECK(!softirq_pending(0));
    do_softirq();
    CHECK_STR_EQ(trace, "TS");
}

TEST(work_raised_by_a_handler_runs_in_the_same_call)
{
    setup();
    raise_again = true;
    raise_softirq(SCHEDULE_SOFTIRQ);
    do_softirq();
    CHECK_STR_EQ(trace, "ST");
}

TEST(no_nested_runs)
{
    setup();
    nest = true;
    raise_softirq(TIMER_SOFTIRQ);
    do_softirq();
    CHECK_EQ(timer_runs, 1);
}

TEST(softirqs_are_per_cpu)
{
    setup();
    stub_cpu = 3;
    raise_softirq(TIMER_SOFTIRQ);
    CHECK(softirq_pending(3));
    CHECK(!softirq_pending(0));
    stub_cpu = 0;
    do_softirq();
    CHECK_EQ(timer_runs, 0);
    stub_cpu = 3;
    do_softirq();
    CHECK_EQ(timer_runs, 1);
}

TEST(remote_raise_sends_one_ipi)
{
    setup();
    cpu_raise_softirq(0, TIMER_SOFTIRQ);        /* ourselves: no IPI */
    CHECK_EQ(stub_ipis[0], 0);
    cpu_raise_softirq(5, TIMER_SOFTIRQ);
    CHECK_EQ(stub_ipis[5], 1);
    cpu_raise_softirq(5, TIMER_SOFTIRQ);        /* already pending */
    CHECK_EQ(stub_ipis[5], 1);
    cpu_raise_softirq(5, SCHEDULE_SOFTIRQ);     /* another bit: new IPI */
    CHECK_EQ(stub_ipis[5], 2);
    stub_cpu = 5;
    do_softirq();
    CHECK_STR_EQ(trace, "TS");
    stub_cpu = 0;
    cpu_raise_softirq(5, TIMER_SOFTIRQ);
    CHECK_EQ(stub_ipis[5], 3);
    stub_cpu = 5;
    do_softirq();
}

TEST(bad_numbers_are_refused)
{
    EXPECT_PANIC(open_softirq(NR_SOFTIRQS, on_timer));
    if (XENO_DEBUG)
        EXPECT_PANIC(raise_softirq(NR_SOFTIRQS));
}
