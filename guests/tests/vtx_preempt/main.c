/*
 * Preemption of a vCPU that never exits (issue 6). The peers of this test are
 * domains pinned to one CPU (the manifest's cpus). Each spins for WINDOW_NS of
 * system time in a loop that reads only memory and the TSC (the pvclock): in
 * a VT-x container nothing in it makes a VM exit, so the CPU can change hands
 * only if the scheduler takes it back, through a host interrupt, while the
 * container runs. Its runstate must then show time runnable (waiting while
 * the other ran) and time running (it got the CPU back) within the window,
 * and its clock must have jumped (a stint off the CPU) at least twice.
 *
 * Peer 0 spins with events unmasked (pvh64: RFLAGS.IF set; nothing is bound,
 * so nothing is delivered), peer 1 with them masked (IF clear). External-
 * interrupt exiting takes either out of the container (SDM 25.2), but Bochs
 * 2.7 keeps the host's interrupts masked in a guest entered with IF clear (it
 * re-evaluates the mask only when VM entry changes IF): there only the
 * hypervisor's VMX-preemption-timer backstop (docs/hvm.md) gets peer 1 out.
 *
 * vtx_preempt_mixed builds this file too, with a PV domain as the rival.
 */
#include "xtest.h"
#include "events.h"
#include "peers.h"
#include "runstate.h"
#include <public/sched.h>

#define MS 1000000UL
#define US 1000UL
#define WINDOW_NS (200 * MS)
/* Each side gets half the CPU, switched every few ms (docs/scheduler.md: BVT
 * alternates equal spinners every 2C, 10 ms): a tenth of the window is far
 * below what either should see. */
#define SHARE_MIN_NS (WINDOW_NS / 10)
/* A jump this long between two reads of the clock: the vCPU was off its CPU
 * (the host's own work at an interrupt takes microseconds). */
#define AWAY_NS (1 * MS)
/* The pvclock and the hypervisor's clock differ by the pvclock's rounding. */
#define ROUNDING_NS (1 * MS)
/* After its window a peer sleeps this long, so that its end, and its
 * destruction on CPU 0 (one step of up to 150 ms under Bochs, charged to
 * whichever vCPU is there), fall after the other's window: the peers start
 * their windows a slice or two apart. It sleeps rather than yields: under
 * Bochs, a vCPU picked after a yield gets little more than the switch to it
 * before the yielder is picked again. */
#define LINGER_NS (100 * MS)

struct stints {
    uint64_t count;             /* jumps of AWAY_NS or more */
    uint64_t longest;
};

/* Spin until system time END; the stints off the CPU it saw on the way. */
static struct stints spin_until(uint64_t start, uint64_t end)
{
    struct stints away = { 0, 0 };
    uint64_t last = start, now;

    while ((now = pvclock_now_ns()) < end) {
        if (now - last >= AWAY_NS) {
            away.count++;
            away.longest = now - last > away.longest ? now - last : away.longest;
        }
        last = now;
    }
    return away;
}

/* SCHEDOP_poll on no port: a sleep until the timeout (or, as the ABI allows,
 * an earlier wake-up, after which it sleeps again). */
static void linger_until(uint64_t t)
{
    struct sched_poll poll = { .nr_ports = 0, .timeout = t };

    while (pvclock_now_ns() < t)
        if (hc_sched_op(SCHEDOP_poll, &poll))
            xtest_abort("SCHEDOP_poll with a timeout failed");
}

void test_main(void)
{
    const struct peers *p = peers_get();
    struct runstate_sample s0, s1;
    uint64_t running, runnable, span;
    struct stints away;

    if (runstate_register())
        xtest_abort("cannot register the runstate area");
    if (p->self == 0)
        events_unmask();
    s0 = runstate_sample();
    away = spin_until(s0.now, s0.now + WINDOW_NS);
    s1 = runstate_sample();
    events_mask();
    linger_until(s1.now + LINGER_NS);
    running = s1.time[RUNSTATE_running] - s0.time[RUNSTATE_running];
    runnable = s1.time[RUNSTATE_runnable] - s0.time[RUNSTATE_runnable];
    span = s1.now - s0.now;
    printf("peer %u (%s, events %s) spun %lu ms: running %lu us, runnable %lu us; off its "
           "CPU %lu times, at most %lu us\n", p->self, xtest_manifest.environment,
           p->self == 0 ? "unmasked" : "masked", span / MS,
           running / US, runnable / US, away.count, away.longest / US);
    xtest_check(runnable >= SHARE_MIN_NS, "runnable %lu us of %lu ms spinning beside another "
                "spinner on its CPU: the CPU was not taken back from it", runnable / US,
                span / MS);
    xtest_check(running >= SHARE_MIN_NS, "running %lu us of %lu ms spinning: it did not get "
                "its share of the CPU", running / US, span / MS);
    xtest_check(away.count >= 2, "its clock jumped %lu times while spinning: it did not go "
                "off its CPU and come back twice", away.count);
    /* Spinning, it was running or waiting for its CPU, nothing else. */
    xtest_check(s1.time[RUNSTATE_blocked] == s0.time[RUNSTATE_blocked] &&
                s1.time[RUNSTATE_offline] == s0.time[RUNSTATE_offline],
                "blocked or offline while spinning");
    xtest_check(running + runnable <= span + ROUNDING_NS &&
                running + runnable + ROUNDING_NS >= span,
                "running %lu + runnable %lu ns over %lu ns of spinning", running, runnable, span);
}
