/*
 * xen/sched_core.c and xen/sched_bvt.c: run queues and borrowed virtual
 * time.  A small simulator plays the hypervisor's part (slice timers,
 * kicks, vCPUs that spin or block and wake) in steps of one MCU, so the
 * tests can check what the policy promises over simulated seconds: CPU
 * shares follow weights within 5%, a warped vCPU wakes with lower latency,
 * a spinning vCPU cannot starve the others, sleepers bank no time, the
 * warp limit and the unwarp requirement hold, the context-switch allowance
 * sets the switch rate, and busy vCPUs spread over two CPUs.  Then the core
 * alone: wake/sleep/remove edge cases, yield, affinity and migration.
 */
#include <xeno/errno.h>
#include <xeno/sched_if.h>
#include <xeno/string.h>
#include "harness.h"

#define MS 1000000ULL
#define STEP BVT_MCU_NS
#define MAX_ENT 8
#define NEVER UINT64_MAX

/* ------------------------------------------------------------------------
 * The simulator.
 */

struct behaviour {
    uint64_t burst;             /* 0: always busy; else run this long, then block */
    uint64_t sleep;             /* how long it blocks */
};

static struct sim {
    struct scheduler s;
    unsigned int nr_cpus, n;
    struct sched_entity e[MAX_ENT];
    struct behaviour beh[MAX_ENT];
    uint64_t now;
    uint64_t slice_end[SCHED_MAX_CPUS];
    bool resched[SCHED_MAX_CPUS];
    uint64_t balance_every;     /* 0: only when a CPU idles */
    /* per entity */
    bool asleep[MAX_ENT];
    uint64_t wake_at[MAX_ENT], woke_at[MAX_ENT], burst_left[MAX_ENT];
    uint64_t ran[MAX_ENT];
    uint64_t lat_sum[MAX_ENT], lat_max[MAX_ENT], lat_n[MAX_ENT];
    unsigned long switches[SCHED_MAX_CPUS];
} sim;

static unsigned int idx(const struct sched_entity *e)
{
    return (unsigned int)(e - sim.e);
}

static void apply_kick(struct sched_kick k)
{
    if (k.cpu == SCHED_NO_CPU)
        return;
    CHECK(k.cpu >= 0 && (unsigned int)k.cpu < sim.nr_cpus);
    if (k.at <= sim.now)
        sim.resched[k.cpu] = true;
    else if (k.at < sim.slice_end[k.cpu])
        sim.slice_end[k.cpu] = k.at;
}

static void sim_init(unsigned int nr_cpus)
{
    memset(&sim, 0, sizeof(sim));
    sim.nr_cpus = nr_cpus;
    sched_core_init(&sim.s, &sched_bvt_ops, nr_cpus);
    for (unsigned int c = 0; c < SCHED_MAX_CPUS; c++)
        sim.slice_end[c] = NEVER;
}

/* A new entity, not yet runnable. */
static struct sched_entity *sim_add(uint32_t weight, struct behaviour beh)
{
    struct sched_entity *e = &sim.e[sim.n];
    struct bvt_params p = { .weight = weight };

    BUG_ON(sim.n == MAX_ENT);
    sched_core_init_entity(&sim.s, e, NULL);
    sim.beh[sim.n] = beh;
    sim.asleep[sim.n] = true;
    sim.wake_at[sim.n] = NEVER;
    sim.n++;
    sched_core_add(&sim.s, e, sim.now);
    CHECK_EQ(sched_bvt_set_params(&sim.s, e, &p), 0);
    return e;
}

static void sim_set_warp(struct sched_entity *e, uint64_t warp, uint64_t limit,
                         uint64_t unwarp)
{
    struct bvt_params p = { .weight = e->bvt.weight, .warp = warp,
                            .warp_limit_ns = limit, .unwarp_ns = unwarp };

    CHECK_EQ(sched_bvt_set_params(&sim.s, e, &p), 0);
}

static void sim_wake(struct sched_entity *e)
{
    unsigned int i = idx(e);

    sim.asleep[i] = false;
    sim.wake_at[i] = NEVER;
    sim.woke_at[i] = sim.now;
    sim.burst_left[i] = sim.beh[i].burst;
    apply_kick(sched_core_wake(&sim.s, e, sim.now));
}

static void sim_decide(unsigned int cpu)
{
    struct sched_rq *rq = &sim.s.rq[cpu];
    struct sched_entity *prev = rq->curr, *next;
    uint64_t slice;

    next = sched_core_schedule(&sim.s, cpu, sim.now, false, &slice);
    if (!next && sched_core_balance(&sim.s, cpu, sim.now))
        next = sched_core_schedule(&sim.s, cpu, sim.now, false, &slice);
    sim.resched[cpu] = false;
    sim.slice_end[cpu] = slice ? sim.now + slice : NEVER;
    if (next != prev)
        sim.switches[cpu]++;
    if (next && sim.woke_at[idx(next)] != NEVER) {
        unsigned int i = idx(next);
        uint64_t lat = sim.now - sim.woke_at[i];

        sim.lat_sum[i] += lat;
        sim.lat_n[i]++;
        if (lat > sim.lat_max[i])
            sim.lat_max[i] = lat;
        sim.woke_at[i] = NEVER;
    }
}

/* Run the simulation for len ns. */
static void sim_run(uint64_t len)
{
    uint64_t end = sim.now + len;

    while (sim.now < end) {
        for (unsigned int i = 0; i < sim.n; i++)
            if (sim.asleep[i] && sim.wake_at[i] <= sim.now)
                sim_wake(&sim.e[i]);
        for (unsigned int c = 0; c < sim.nr_cpus; c++) {
            if (sim.balance_every && sim.now % sim.balance_every == 0 &&
                sched_core_balance(&sim.s, c, sim.now))
                sim.resched[c] = true;
            if (sim.resched[c] || sim.now >= sim.slice_end[c])
                sim_decide(c);
        }
        for (unsigned int c = 0; c < sim.nr_cpus; c++) {
            struct sched_entity *e = sim.s.rq[c].curr;
            unsigned int i;

            if (!e)
                continue;
            i = idx(e);
            CHECK(e->running && e->runnable && e->cpu == c);
            sim.ran[i] += STEP;
            if (sim.beh[i].burst && (sim.burst_left[i] -= STEP) == 0) {
                CHECK(sched_core_sleep(&sim.s, e, sim.now + STEP));
                sim.asleep[i] = true;
                sim.wake_at[i] = sim.now + STEP + sim.beh[i].sleep;
                sim.resched[c] = true;
            }
        }
        sim.now += STEP;
    }
}

static void sim_reset_stats(void)
{
    memset(sim.ran, 0, sizeof(sim.ran));
    memset(sim.lat_sum, 0, sizeof(sim.lat_sum));
    memset(sim.lat_max, 0, sizeof(sim.lat_max));
    memset(sim.lat_n, 0, sizeof(sim.lat_n));
    memset(sim.switches, 0, sizeof(sim.switches));
}

static void sim_wake_all(void)
{
    for (unsigned int i = 0; i < sim.n; i++)
        sim_wake(&sim.e[i]);
}

static const struct behaviour BUSY = { 0, 0 };

/* Is got within pct percent of want? */
static bool within(uint64_t got, uint64_t want, unsigned int pct)
{
    uint64_t diff = got > want ? got - want : want - got;

    return diff * 100 <= want * pct;
}

#define CHECK_WITHIN(got, want, pct) do {                                     \
    if (!within((got), (want), (pct)))                                        \
        test_fail(__FILE__, __LINE__, "%s = %llu, not within %u%% of %llu",   \
                  #got, (unsigned long long)(got), (pct),                     \
                  (unsigned long long)(want));                                \
} while (0)

/* Four busy vCPUs on two CPUs: each gets half a CPU over window. */
static void check_half_each(uint64_t window)
{
    sim_reset_stats();
    sim_run(window);
    for (unsigned int i = 0; i < 4; i++)
        CHECK_WITHIN(sim.ran[i], window / 2, 5);
}

/* ------------------------------------------------------------------------
 * What the policy promises.
 */

TEST(shares_follow_weights_on_one_cpu)
{
    static const uint32_t weights[][3] = {
        { 256, 256, 256 }, { 100, 200, 300 }, { 128, 256, 512 }, { 1, 3, 12 },
        { 1000, 7, 300 },
    };

    for (unsigned int t = 0; t < ARRAY_SIZE(weights); t++) {
        uint64_t total = 0, window = 10000 * MS;

        sim_init(1);
        for (unsigned int i = 0; i < 3; i++) {
            sim_add(weights[t][i], BUSY);
            total += weights[t][i];
        }
        sim_wake_all();
        sim_run(window);
        for (unsigned int i = 0; i < 3; i++)
            CHECK_WITHIN(sim.ran[i], window * weights[t][i] / total, 5);
        CHECK_EQ(sim.ran[0] + sim.ran[1] + sim.ran[2], window);    /* never idle */
    }
}

TEST(shares_follow_weights_per_cpu_on_two_cpus)
{
    uint64_t window = 4000 * MS;

    sim_init(2);
    sim_add(256, BUSY);                             /* placed on CPU 0 */
    sim_add(256, BUSY);                             /* CPU 1 */
    sim_add(768, BUSY);                             /* CPU 0 */
    sim_add(768, BUSY);                             /* CPU 1 */
    for (unsigned int i = 0; i < 4; i++)
        CHECK_EQ(sim.e[i].cpu, i % 2);
    sim_wake_all();
    sim_run(window);
    CHECK_WITHIN(sim.ran[0], window / 4, 5);
    CHECK_WITHIN(sim.ran[1], window / 4, 5);
    CHECK_WITHIN(sim.ran[2], window * 3 / 4, 5);
    CHECK_WITHIN(sim.ran[3], window * 3 / 4, 5);
}

/* A busy vCPU and one that runs 1 ms every 10 ms: how long does the second
 * wait for its CPU after each wake-up? */
static void latency_case(bool warped, uint64_t *avg, uint64_t *max, uint64_t *ran)
{
    struct sched_entity *io;

    sim_init(1);
    sim_add(256, BUSY);
    io = sim_add(256, (struct behaviour){ .burst = 1 * MS, .sleep = 9 * MS });
    if (warped)
        sim_set_warp(io, 20 * MS, 5 * MS, 0);
    sim_wake_all();
    sim_run(200 * MS);                              /* settle */
    sim_reset_stats();
    sim_run(2000 * MS);
    CHECK(sim.lat_n[1] > 100);
    *avg = sim.lat_sum[1] / sim.lat_n[1];
    *max = sim.lat_max[1];
    *ran = sim.ran[1];
}

TEST(warped_vcpu_wakes_with_lower_latency)
{
    uint64_t avg_plain, max_plain, ran_plain, avg_warp, max_warp, ran_warp;

    latency_case(false, &avg_plain, &max_plain, &ran_plain);
    latency_case(true, &avg_warp, &max_warp, &ran_warp);
    CHECK(avg_warp < avg_plain);
    CHECK_EQ(max_warp, 0);                          /* preempts at once */
    CHECK(avg_plain >= BVT_DEFAULT_CTX_ALLOW_NS / 2);
    CHECK(max_plain <= BVT_DEFAULT_CTX_ALLOW_NS + STEP);
    /* Warped, it gets all it asks for (1 ms in every 10); unwarped, each
     * wait stretches its cycle. */
    CHECK_WITHIN(ran_warp, 200 * MS, 5);
    CHECK(ran_plain < ran_warp);
}

TEST(spinning_vcpu_cannot_starve_the_others)
{
    uint64_t window = 6000 * MS;
    struct sched_entity *spin;

    /* A spinner that warped when it started and never blocks: its warp
     * runs out after L, and then it is one of three. */
    sim_init(1);
    spin = sim_add(256, BUSY);
    sim_set_warp(spin, 1000 * MS, 10 * MS, 100 * MS);
    sim_add(256, BUSY);
    sim_add(256, BUSY);
    sim_wake_all();
    sim_run(window);
    CHECK(!spin->bvt.warped);
    for (unsigned int i = 0; i < 3; i++)
        CHECK_WITHIN(sim.ran[i], window / 3, 5);

    /* Nor the wake-ups of a vCPU that uses little: each waits at most C
     * once the spinner's warp is spent. */
    sim_init(1);
    spin = sim_add(256, BUSY);
    sim_set_warp(spin, 1000 * MS, 20 * MS, 0);
    sim_add(256, (struct behaviour){ .burst = 1 * MS, .sleep = 49 * MS });
    sim_wake_all();
    sim_run(100 * MS);
    CHECK(!spin->bvt.warped);
    sim_reset_stats();
    sim_run(3000 * MS);
    CHECK(sim.lat_n[1] > 50);
    CHECK(sim.lat_max[1] <= BVT_DEFAULT_CTX_ALLOW_NS + STEP);
    /* A warp without a limit would let a spinner that never blocks stay
     * ahead of everyone woken at SVT for ever: refused. */
    struct bvt_params p = { .weight = 256, .warp = 1 * MS, .warp_limit_ns = 0 };
    CHECK_EQ(sched_bvt_set_params(&sim.s, spin, &p), -EINVAL);
}

TEST(sleepers_bank_no_time)
{
    struct sched_entity *sleeper;

    sim_init(1);
    sim_add(256, BUSY);
    sleeper = sim_add(256, BUSY);
    sim_wake(&sim.e[0]);
    sim_run(3000 * MS);                             /* the sleeper sleeps */
    CHECK_EQ(sim.ran[1], 0);
    sim_reset_stats();
    sim_wake(sleeper);
    CHECK(sleeper->bvt.avt >= sim.s.rq[0].bvt.svt);
    sim_run(1000 * MS);
    CHECK_WITHIN(sim.ran[1], 500 * MS, 5);          /* not 3 s of catching up */
}

TEST(context_switch_allowance_sets_the_switch_rate)
{
    static const uint64_t allow[] = { BVT_DEFAULT_CTX_ALLOW_NS, 10 * MS, 1 * MS };

    for (unsigned int t = 0; t < ARRAY_SIZE(allow); t++) {
        sim_init(1);
        if (allow[t] != BVT_DEFAULT_CTX_ALLOW_NS)
            CHECK_EQ(sched_bvt_set_ctx_allow(&sim.s, allow[t]), 0);
        sim_add(256, BUSY);
        sim_add(256, BUSY);
        sim_wake_all();
        sim_run(100 * MS);
        sim_reset_stats();
        sim_run(1000 * MS);
        /* Each runs from C behind the other to C ahead: 2C a turn. */
        CHECK_WITHIN(sim.switches[0], 1000 * MS / (2 * allow[t]), 5);
    }
    CHECK_EQ(sched_bvt_set_ctx_allow(&sim.s, BVT_MCU_NS - 1), -EINVAL);
    CHECK_EQ(sched_bvt_set_ctx_allow(&sim.s, BVT_MCU_NS), 0);
}

TEST(woken_vcpu_preempts_only_past_the_allowance)
{
    struct sched_entity *busy, *waker;
    struct sched_kick k;
    uint64_t slice;

    sim_init(1);
    busy = sim_add(256, BUSY);
    waker = sim_add(256, BUSY);
    sim_wake(busy);
    sim_run(50 * MS);
    CHECK(sim.s.rq[0].curr == busy);
    /* Unwarped, level with the running one: it gets the CPU after C. */
    k = sched_core_wake(&sim.s, waker, sim.now);
    CHECK_EQ(k.cpu, 0);
    CHECK(k.at > sim.now);
    CHECK(k.at <= sim.now + BVT_DEFAULT_CTX_ALLOW_NS + STEP);
    CHECK(sched_core_schedule(&sim.s, 0, sim.now, false, &slice) == busy);
    CHECK(slice <= BVT_DEFAULT_CTX_ALLOW_NS + STEP);
    CHECK(sched_core_schedule(&sim.s, 0, k.at, false, &slice) == waker);
    /* Warped, it gets it at once. */
    sim_init(1);
    busy = sim_add(256, BUSY);
    waker = sim_add(256, BUSY);
    sim_set_warp(waker, 10 * MS, 5 * MS, 0);
    sim_wake(busy);
    sim_run(50 * MS);
    k = sched_core_wake(&sim.s, waker, sim.now);
    CHECK_EQ(k.cpu, 0);
    CHECK(k.at <= sim.now);
    CHECK(sched_core_schedule(&sim.s, 0, sim.now, false, &slice) == waker);
}

TEST(warp_limit_ends_the_warp)
{
    struct sched_entity *w;
    uint64_t slice;

    sim_init(1);
    sim_add(256, BUSY);
    w = sim_add(256, BUSY);
    sim_set_warp(w, 50 * MS, 3 * MS, 0);
    sim_wake(&sim.e[0]);
    sim_run(20 * MS);
    sim_wake(w);
    CHECK(w->bvt.warped);
    CHECK_EQ(w->bvt.evt, (int64_t)w->bvt.avt - (int64_t)(50 * MS));
    CHECK(sched_core_schedule(&sim.s, 0, sim.now, false, &slice) == w);
    CHECK_EQ(slice, 3 * MS);                        /* no longer than L */
    sim.resched[0] = false;
    sim.slice_end[0] = sim.now + slice;
    sim_run(2 * MS);
    CHECK(w->bvt.warped);                           /* charged only at decisions */
    sim_run(1 * MS + STEP);
    CHECK(!w->bvt.warped);
    CHECK_EQ(w->bvt.evt, (int64_t)w->bvt.avt);
    /* Unwarped it is 3 ms ahead of the other: it may go on until C ahead. */
    CHECK(sim.s.rq[0].curr == w);
    CHECK_EQ(sim.slice_end[0], sim.now - STEP + BVT_DEFAULT_CTX_ALLOW_NS - 3 * MS);
    sim_run(2 * MS);
    CHECK(sim.s.rq[0].curr == &sim.e[0]);
}

TEST(unwarp_requirement_spaces_warps)
{
    struct sched_entity *w;
    uint64_t t0 = 1000 * MS, slice;

    sim_init(1);
    sim.now = t0;
    w = sim_add(256, BUSY);
    sim_set_warp(w, 5 * MS, 10 * MS, 50 * MS);
    CHECK(sched_core_wake(&sim.s, w, t0).cpu == 0);
    CHECK(w->bvt.warped);
    CHECK(sched_core_schedule(&sim.s, 0, t0, false, &slice) == w);
    CHECK(sched_core_sleep(&sim.s, w, t0 + 1 * MS));        /* blocks: warp ends */
    CHECK(!w->bvt.warped);
    CHECK(sched_core_schedule(&sim.s, 0, t0 + 1 * MS, false, &slice) == NULL);
    CHECK_EQ(slice, 0);
    sched_core_wake(&sim.s, w, t0 + 20 * MS);               /* too soon */
    CHECK(!w->bvt.warped);
    CHECK_EQ(w->bvt.evt, (int64_t)w->bvt.avt);
    CHECK(sched_core_schedule(&sim.s, 0, t0 + 20 * MS, false, &slice) == w);
    CHECK(sched_core_sleep(&sim.s, w, t0 + 21 * MS));       /* not warped: clock unchanged */
    CHECK(sched_core_schedule(&sim.s, 0, t0 + 21 * MS, false, &slice) == NULL);
    sched_core_wake(&sim.s, w, t0 + 51 * MS - 1);
    CHECK(!w->bvt.warped);
    CHECK(sched_core_schedule(&sim.s, 0, t0 + 51 * MS, false, &slice) == w);
    CHECK(sched_core_sleep(&sim.s, w, t0 + 51 * MS));
    CHECK(sched_core_schedule(&sim.s, 0, t0 + 51 * MS, false, &slice) == NULL);
    sched_core_wake(&sim.s, w, t0 + 51 * MS);               /* U after the warp ended */
    CHECK(w->bvt.warped);
}

TEST(busy_vcpus_spread_over_two_cpus)
{
    uint64_t window = 2000 * MS;

    /* By placement when they are created. */
    sim_init(2);
    for (unsigned int i = 0; i < 4; i++)
        sim_add(256, BUSY);
    CHECK_EQ(sim.s.rq[0].nr_added, 2);
    CHECK_EQ(sim.s.rq[1].nr_added, 2);
    sim_wake_all();
    check_half_each(window);

    /* By balancing, when all four started out on CPU 0. */
    sim_init(2);
    sim.balance_every = 10 * MS;
    for (unsigned int i = 0; i < 4; i++) {
        struct sched_entity *e = sim_add(256, BUSY);

        CHECK_EQ(sched_core_set_affinity(&sim.s, e, 1, 0), 0);
        CHECK_EQ(e->cpu, 0);
    }
    sim_wake_all();
    sim_run(100 * MS);
    CHECK_EQ(sim.ran[0] + sim.ran[1] + sim.ran[2] + sim.ran[3], 100 * MS);
    for (unsigned int i = 0; i < 4; i++)
        CHECK_EQ(sched_core_set_affinity(&sim.s, &sim.e[i], ~0ULL, sim.now), 0);
    sim_run(100 * MS);
    CHECK_EQ(sim.s.rq[0].nr_added, 2);
    CHECK_EQ(sim.s.rq[1].nr_added, 2);
    check_half_each(window);

    /* Pinned ones stay: three pinned to CPU 0, one free. */
    sim_init(2);
    sim.balance_every = 10 * MS;
    for (unsigned int i = 0; i < 4; i++) {
        struct sched_entity *e = sim_add(256, BUSY);

        if (i < 3)
            CHECK_EQ(sched_core_set_affinity(&sim.s, e, 1, 0), 0);
    }
    sim_wake_all();
    sim_run(window);
    for (unsigned int i = 0; i < 3; i++) {
        CHECK_EQ(sim.e[i].cpu, 0);
        CHECK_WITHIN(sim.ran[i], window / 3, 5);
    }
    CHECK_EQ(sim.e[3].cpu, 1);
    CHECK_EQ(sim.ran[3], window);
}

TEST(woken_vcpu_moves_to_an_idle_cpu)
{
    struct sched_entity *a, *b;
    uint64_t slice;

    sim_init(2);
    a = sim_add(256, BUSY);
    b = sim_add(256, BUSY);
    CHECK_EQ(sched_core_migrate(&sim.s, b, 0, 0), 0);
    sim_wake(a);
    sim_decide(0);
    CHECK(sim.s.rq[0].curr == a);
    sched_core_wake(&sim.s, b, 0);                  /* CPU 0 busy, CPU 1 idle */
    CHECK_EQ(b->cpu, 1);
    CHECK(sched_core_schedule(&sim.s, 1, 0, false, &slice) == b);
}

/* ------------------------------------------------------------------------
 * The core on its own.
 */

TEST(wake_and_sleep_edge_cases)
{
    struct sched_entity *e, *f;
    struct sched_kick k;
    uint64_t slice;

    sim_init(1);
    e = sim_add(256, BUSY);
    f = sim_add(256, BUSY);
    CHECK(!sched_core_sleep(&sim.s, e, 0));         /* not runnable: nothing */
    k = sched_core_wake(&sim.s, e, 0);
    CHECK_EQ(k.cpu, 0);                             /* idle CPU: at once */
    CHECK_EQ(k.at, 0);
    k = sched_core_wake(&sim.s, e, 0);              /* again: nothing */
    CHECK_EQ(k.cpu, SCHED_NO_CPU);
    CHECK_EQ(sim.s.rq[0].nr_queued, 1);
    CHECK(sched_core_schedule(&sim.s, 0, 0, false, &slice) == e);
    CHECK_EQ(slice, BVT_DEFAULT_CTX_ALLOW_NS * BVT_SOLO_SLICE_FACTOR);
    CHECK_EQ(sim.s.rq[0].nr_queued, 0);
    /* Sleeps and wakes again before its CPU decided: it keeps running. */
    CHECK(sched_core_sleep(&sim.s, e, 1 * MS));
    k = sched_core_wake(&sim.s, e, 1 * MS);
    CHECK_EQ(k.cpu, SCHED_NO_CPU);
    CHECK(sched_core_schedule(&sim.s, 0, 1 * MS, false, &slice) == e);
    CHECK_EQ(e->run_ns, 1 * MS);
    EXPECT_PANIC(sched_core_remove(&sim.s, e));     /* still running */
    spin_force_unlock(&sim.s.rq[0].lock);           /* the panic held it */
    local_irq_restore(0);
    CHECK(sched_core_sleep(&sim.s, e, 2 * MS));
    CHECK(sched_core_schedule(&sim.s, 0, 2 * MS, false, &slice) == NULL);
    CHECK_EQ(slice, 0);
    CHECK(!e->running);
    sched_core_remove(&sim.s, e);
    CHECK_EQ(sim.s.rq[0].nr_added, 1);
    /* A queued one can be removed too. */
    sched_core_wake(&sim.s, f, 3 * MS);
    sched_core_remove(&sim.s, f);
    CHECK_EQ(sim.s.rq[0].nr_queued, 0);
    CHECK(sched_core_schedule(&sim.s, 0, 3 * MS, false, &slice) == NULL);
    CHECK(!spin_is_locked(&sim.s.rq[0].lock));
}

TEST(yield_gives_way_once)
{
    struct sched_entity *a, *b;
    uint64_t slice;

    sim_init(1);
    a = sim_add(256, BUSY);
    b = sim_add(256, BUSY);
    sched_core_wake(&sim.s, a, 0);
    CHECK(sched_core_schedule(&sim.s, 0, 0, false, &slice) == a);
    CHECK(sched_core_schedule(&sim.s, 0, 1 * MS, true, &slice) == a);  /* alone */
    sched_core_wake(&sim.s, b, 1 * MS);
    CHECK(sched_core_schedule(&sim.s, 0, 1 * MS, false, &slice) == a); /* within C */
    CHECK(sched_core_schedule(&sim.s, 0, 1 * MS, true, &slice) == b);
    CHECK(a->runnable && !a->running);
    CHECK(sched_core_schedule(&sim.s, 0, 2 * MS, true, &slice) == a);
}

TEST(charges_whole_mcus_and_keeps_remainders)
{
    struct sched_entity *e;
    uint64_t slice, avt0;

    sim_init(1);
    e = sim_add(3, BUSY);
    sched_core_wake(&sim.s, e, 0);
    CHECK(sched_core_schedule(&sim.s, 0, 0, false, &slice) == e);
    avt0 = e->bvt.avt;
    CHECK(sched_core_schedule(&sim.s, 0, 1, false, &slice) == e);      /* 1 ns: 1 MCU */
    CHECK_EQ(e->bvt.avt - avt0, BVT_MCU_NS * BVT_DEFAULT_WEIGHT / 3);
    CHECK_EQ(e->bvt.vt_rem, BVT_MCU_NS * BVT_DEFAULT_WEIGHT % 3);
    CHECK(sched_core_schedule(&sim.s, 0, 1 + 2 * BVT_MCU_NS, false, &slice) == e);
    CHECK_EQ(e->bvt.avt - avt0, 3 * BVT_MCU_NS * BVT_DEFAULT_WEIGHT / 3);   /* exact */
    CHECK_EQ(e->bvt.vt_rem, 0);
}

TEST(bvt_params_are_checked)
{
    struct sched_entity *e;
    static const struct { uint32_t weight; int rc; } cases[] = {
        { 1, 0 }, { BVT_MAX_WEIGHT, 0 }, { 0, -EINVAL }, { BVT_MAX_WEIGHT + 1, -EINVAL },
    };

    sim_init(1);
    e = sim_add(256, BUSY);
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        struct bvt_params p = { .weight = cases[i].weight };

        CHECK_EQ(sched_bvt_set_params(&sim.s, e, &p), cases[i].rc);
    }
    CHECK_EQ(e->bvt.weight, BVT_MAX_WEIGHT);
    /* Turning warp off ends a warp in progress. */
    sim_set_warp(e, 5 * MS, 1 * MS, 0);
    sched_core_wake(&sim.s, e, 0);
    CHECK(e->bvt.warped);
    sim_set_warp(e, 0, 0, 0);
    CHECK(!e->bvt.warped);
    CHECK_EQ(e->bvt.evt, (int64_t)e->bvt.avt);
}

TEST(affinity_and_migration_rules)
{
    struct sched_entity *a, *b;
    uint64_t slice;

    sim_init(2);
    a = sim_add(256, BUSY);
    b = sim_add(256, BUSY);
    CHECK_EQ(a->cpu, 0);
    CHECK_EQ(b->cpu, 1);
    CHECK_EQ(sched_core_set_affinity(&sim.s, a, 0, 0), -EINVAL);
    CHECK_EQ(sched_core_set_affinity(&sim.s, a, 1ULL << 2, 0), -EINVAL);  /* no such CPU */
    CHECK_EQ(sched_core_set_affinity(&sim.s, a, 2, 0), 0);                /* moves */
    CHECK_EQ(a->cpu, 1);
    CHECK_EQ(sched_core_migrate(&sim.s, a, 0, 0), -EINVAL);               /* not allowed */
    CHECK_EQ(sched_core_migrate(&sim.s, a, 5, 0), -EINVAL);
    CHECK_EQ(sched_core_migrate(&sim.s, b, 0, 0), 0);
    CHECK_EQ(b->cpu, 0);
    CHECK_EQ(sim.s.rq[0].nr_added, 1);
    sched_core_wake(&sim.s, b, 0);
    CHECK(sched_core_schedule(&sim.s, 0, 0, false, &slice) == b);
    CHECK_EQ(sched_core_migrate(&sim.s, b, 1, 0), -EBUSY);                /* running */
    CHECK_EQ(sched_core_set_affinity(&sim.s, b, 2, 0), -EBUSY);
    CHECK_EQ(b->affinity, ~0ULL);
    CHECK_EQ(sched_core_set_affinity(&sim.s, b, 3, 0), 0);                /* keeps its CPU */
    CHECK_EQ(b->cpu, 0);
    /* A CPU gone offline takes no one. */
    sim.s.rq[1].online = false;
    CHECK_EQ(sched_core_set_affinity(&sim.s, a, 2, 0), -EINVAL);
    CHECK_EQ(sched_core_pick_cpu(&sim.s, b), 0);
    for (unsigned int cpu = 0; cpu < 2; cpu++)
        CHECK(!spin_is_locked(&sim.s.rq[cpu].lock));
}
