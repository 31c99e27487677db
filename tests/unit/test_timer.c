/*
 * xen/timer.c: per-CPU timer heaps: many timers fire in deadline order,
 * re-arming moves a timer, stop removes it, past deadlines fire at the
 * next softirq, callbacks may re-arm and stop timers, the hardware timer
 * is programmed with the earliest deadline, and remote CPUs are poked.
 */
#include <xeno/softirq.h>
#include <xeno/timer.h>
#include "harness.h"
#include "mm_fixture.h"

#define MANY 1000

static struct timer timers[MANY];
static uint64_t fired_at[MANY];
static unsigned int fired[MANY];
static unsigned int fire_order[MANY * 2];
static unsigned int nr_fired;

static void record(void *data)
{
    unsigned int i = (unsigned int)(uintptr_t)data;

    fired[i]++;
    fired_at[i] = stub_now_ns;
    if (nr_fired < MANY * 2)
        fire_order[nr_fired++] = i;
}

static struct timer periodic;
static unsigned int periodic_runs;

/*
 * Timers armed by an earlier test are stopped before being set up again
 * (init_timer on an armed timer would corrupt its heap).  The memory is
 * set up once: grown heaps live in it from test to test.
 */
static void setup(void)
{
    static bool initialised;

    if (!initialised) {
        mm_setup(1024, 0, 1024);
        timers_init();
        initialised = true;
    }
    for (unsigned int i = 0; i < MANY; i++) {
        if (timers[i].fn)
            stop_timer(&timers[i]);
        init_timer(&timers[i], record, (void *)(uintptr_t)i, 0);
        fired[i] = 0;
    }
    if (periodic.fn)
        stop_timer(&periodic);
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        stub_cpu = cpu;
        do_softirq();                           /* drain leftovers */
    }
    stub_reset();
    nr_fired = 0;
    periodic_runs = 0;
}

static uint64_t earliest_unfired(void)
{
    uint64_t earliest = 0;

    for (unsigned int i = 0; i < MANY; i++) {
        if (timer_is_active(&timers[i]) &&
            (!earliest || timers[i].expires < earliest))
            earliest = timers[i].expires;
    }
    return earliest;
}

/* Move the fake clock and run softirqs there, as a timer interrupt would. */
static void run_at(uint64_t now)
{
    stub_now_ns = now;
    timer_interrupt();
    do_softirq();
}

static void stop_all(void)
{
    for (unsigned int i = 0; i < MANY; i++)
        stop_timer(&timers[i]);
}

TEST(one_timer)
{
    setup();
    stub_now_ns = 100;
    set_timer(&timers[0], 500);
    CHECK(timer_is_active(&timers[0]));
    CHECK_EQ(stub_timer_deadline[0], 500);
    run_at(499);
    CHECK_EQ(fired[0], 0);
    run_at(500);
    CHECK_EQ(fired[0], 1);
    CHECK(!timer_is_active(&timers[0]));
    CHECK_EQ(stub_timer_deadline[0], 0);        /* nothing left: cancelled */
    run_at(10000);
    CHECK_EQ(fired[0], 1);                      /* one-shot */
}

TEST(many_timers_fire_in_deadline_order)
{
    uint64_t earliest = ~0ULL;

    setup();
    stub_now_ns = 1;
    for (unsigned int i = 0; i < MANY; i++) {
        uint64_t when = 1000 + test_rand() % 1000000;

        set_timer(&timers[i], when);
        if (when < earliest)
            earliest = when;
        CHECK_EQ(stub_timer_deadline[0], earliest);
    }
    /* Walk time forward in steps; each step fires what is due, in order. */
    for (uint64_t now = 0; now <= 1001000; now += 7919) {
        run_at(now);
        for (unsigned int i = 0; i < MANY; i++) {
            if (timers[i].expires <= now)
                CHECK_EQ(fired[i], 1);
            else
                CHECK_EQ(fired[i], 0);
        }
        CHECK_EQ(stub_timer_deadline[0], earliest_unfired());
    }
    run_at(2000000);
    CHECK_EQ(nr_fired, MANY);
    CHECK_EQ(stub_timer_deadline[0], 0);
    for (unsigned int k = 1; k < nr_fired; k++)
        CHECK(timers[fire_order[k - 1]].expires <= timers[fire_order[k]].expires);
}

TEST(hardware_gets_the_earliest_pending_deadline)
{
    setup();
    stub_now_ns = 10;
    set_timer(&timers[0], 300);
    set_timer(&timers[1], 200);
    set_timer(&timers[2], 400);
    CHECK_EQ(stub_timer_deadline[0], 200);
    run_at(250);                                /* fires timer 1 */
    CHECK_EQ(fired[1], 1);
    CHECK_EQ(stub_timer_deadline[0], 300);
    stop_timer(&timers[0]);
    run_at(260);                                /* spurious: reprograms */
    CHECK_EQ(stub_timer_deadline[0], 400);
    stop_all();
}

TEST(rearming_moves_a_timer)
{
    setup();
    stub_now_ns = 0;
    set_timer(&timers[0], 100);
    set_timer(&timers[1], 200);
    set_timer(&timers[0], 300);                 /* later: 1 now first */
    run_at(250);
    CHECK_EQ(fired[1], 1);
    CHECK_EQ(fired[0], 0);
    set_timer(&timers[2], 1000);
    set_timer(&timers[2], 280);                 /* earlier */
    CHECK_EQ(stub_timer_deadline[0], 280);
    run_at(300);
    CHECK_EQ(fired[2], 1);
    CHECK_EQ(fired[0], 1);
    CHECK_EQ(fire_order[1], 2);
    CHECK_EQ(fire_order[2], 0);
}

TEST(stop_removes_and_is_idempotent)
{
    setup();
    for (unsigned int i = 0; i < 50; i++)
        set_timer(&timers[i], 100 + i);
    for (unsigned int i = 0; i < 50; i += 3)
        stop_timer(&timers[i]);
    stop_timer(&timers[0]);                     /* already stopped */
    stop_timer(&timers[60]);                    /* never armed */
    run_at(1000);
    for (unsigned int i = 0; i < 50; i++)
        CHECK_EQ(fired[i], i % 3 ? 1u : 0u);
}

TEST(past_deadlines_fire_at_the_next_softirq)
{
    setup();
    stub_now_ns = 5000;
    set_timer(&timers[0], 4000);
    CHECK(softirq_pending(0));
    CHECK_EQ(stub_timer_programs[0], 0);        /* no past deadline programmed */
    do_softirq();                               /* clock unchanged */
    CHECK_EQ(fired[0], 1);
    CHECK_EQ(fired_at[0], 5000);
    set_timer(&timers[1], 5000);                /* "now" counts as past */
    do_softirq();
    CHECK_EQ(fired[1], 1);
}

static void tick(void *data)
{
    (void)data;
    periodic_runs++;
    if (periodic_runs < 5)
        set_timer(&periodic, periodic.expires + 100);
}

TEST(callbacks_can_rearm_themselves)
{
    setup();
    init_timer(&periodic, tick, NULL, 0);
    stub_now_ns = 0;
    set_timer(&periodic, 100);
    for (uint64_t now = 50; now <= 1000; now += 50)
        run_at(now);
    CHECK_EQ(periodic_runs, 5);
    CHECK(!timer_is_active(&periodic));
}

static void rearm_in_the_past(void *data)
{
    (void)data;
    periodic_runs++;
    if (periodic_runs < 3)
        set_timer(&periodic, 0);                /* due again at once */
}

TEST(rearming_in_the_past_cannot_hang_the_softirq)
{
    setup();
    init_timer(&periodic, rearm_in_the_past, NULL, 0);
    stub_now_ns = 10;
    set_timer(&periodic, 5);
    do_softirq();                               /* ends: runs 3 times */
    CHECK_EQ(periodic_runs, 3);
}

static void stop_the_next(void *data)
{
    unsigned int i = (unsigned int)(uintptr_t)data;

    fired[i]++;
    stop_timer(&timers[i + 1]);
}

TEST(callbacks_can_stop_other_due_timers)
{
    setup();
    init_timer(&timers[0], stop_the_next, (void *)(uintptr_t)0, 0);
    set_timer(&timers[0], 10);
    set_timer(&timers[1], 20);
    run_at(100);                                /* both due; 0 stops 1 */
    CHECK_EQ(fired[0], 1);
    CHECK_EQ(fired[1], 0);
}

TEST(timers_run_on_their_own_cpu)
{
    setup();
    init_timer(&timers[7], record, (void *)(uintptr_t)7, 3);
    stub_cpu = 0;
    stub_now_ns = 0;
    set_timer(&timers[7], 50);                  /* from cpu0, for cpu3 */
    CHECK_EQ(stub_ipis[3], 1);                  /* cpu3 told to reprogram */
    CHECK_EQ(stub_timer_programs[0], 0);        /* cpu0's timer untouched */
    stub_cpu = 3;
    do_softirq();
    CHECK_EQ(stub_timer_deadline[3], 50);
    stub_cpu = 0;
    run_at(100);
    CHECK_EQ(fired[7], 0);                      /* cpu0 does not run it */
    stub_cpu = 3;
    run_at(100);
    CHECK_EQ(fired[7], 1);
    stub_cpu = 0;
}

TEST(heap_grows_past_its_static_room)
{
    setup();
    stub_now_ns = 0;
    for (unsigned int i = 0; i < MANY; i++)
        set_timer(&timers[i], (uint64_t)(MANY - i) * 10);
    CHECK_EQ(stub_timer_deadline[0], 10);
    for (unsigned int i = 0; i < MANY; i += 2)
        stop_timer(&timers[i]);
    run_at(MANY * 10);
    for (unsigned int i = 0; i < MANY; i++)
        CHECK_EQ(fired[i], i % 2);
    /* The fired order is by deadline: highest index first. */
    for (unsigned int k = 1; k < nr_fired; k++)
        CHECK(fire_order[k - 1] > fire_order[k]);
}
