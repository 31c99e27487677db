/*
 * Event delivery into a running VT-x container (issue 6). A vCPU that spins in
 * a loop without VM exits (spin.S) gives the hypervisor no exit of its own to
 * deliver an event on: the event can only get in if a host interrupt (the
 * timer's, or a kick) takes the CPU out of the guest and the upcall vector is
 * injected on the way back in. Each round arms a one-shot timer with
 * set_timer_op, unmasks events (sti) and spins until the upcall handler has
 * counted the upcall (upcall_count, lib/pvh64/upcall.S), which must come
 * inside the loop, after at least one spin, not before the deadline and
 * within SLACK_NS of it.
 *
 * The spin has a budget: as many iterations as take BUDGET_NS by a
 * calibration run with events masked. A lost upcall thus fails the test with a
 * reason instead of spinning until the suite's timeout.
 */
#include "xtest.h"
#include "events.h"

#define MS 1000000UL
/* Far beyond every deadline and SLACK_NS, yet only seconds of Bochs time. */
#define BUDGET_NS (1000 * MS)
#define SLACK_NS (100 * MS)
/* About 15 ms under Bochs, well under 1 ms on hardware. */
#define CALIBRATION_SPINS (1UL << 16)

uint64_t spin_while_equal(const volatile uint64_t *flag, uint64_t old, uint64_t budget);
extern const char spin_loop[], spin_loop_end[];

static evtchn_port_t port;

/* Spins per BUDGET_NS, from a run that no upcall can end (events masked). */
static uint64_t calibrate(void)
{
    uint64_t t0, ns, spins;

    events_mask();
    t0 = pvclock_now_ns();
    spins = spin_while_equal(&upcall_count, upcall_count, CALIBRATION_SPINS);
    ns = pvclock_now_ns() - t0;
    if (spins != CALIBRATION_SPINS || !ns)
        xtest_abort("calibration: %lu of %lu spins in %lu ns", spins, CALIBRATION_SPINS, ns);
    printf("calibration: %lu spins in %lu us\n", spins, ns / 1000);
    return CALIBRATION_SPINS * (BUDGET_NS / ns);
}

static void spin_for_timer(uint64_t delay_ns, uint64_t budget)
{
    uint64_t before = upcall_count, deadline, spins, seen, rip;

    deadline = pvclock_now_ns() + delay_ns;
    if (hypercall6(__HYPERVISOR_set_timer_op, deadline, 0, 0, 0, 0, 0))
        xtest_abort("set_timer_op for %lu ms refused", delay_ns / MS);
    events_unmask();
    spins = spin_while_equal(&upcall_count, before, budget);
    events_mask();
    seen = pvclock_now_ns();
    if (upcall_count == before)
        xtest_abort("%lu ms timer: no upcall in %lu spins (%lu ms after arming it): no "
                    "event reached the spinning container", delay_ns / MS, spins,
                    (seen - deadline + delay_ns) / MS);
    events_clear_port(port);
    rip = upcall_frame[UPCALL_FRAME_RIP];
    printf("%lu ms timer: upcall after %lu spins at rip %#lx, seen %lu us after the deadline\n",
           delay_ns / MS, spins, rip, seen >= deadline ? (seen - deadline) / 1000 : 0);
    /* At spin 0 the event was there before the loop ran: taken at the sti,
     * not delivered into the spinning vCPU. */
    xtest_check(spins > 0, "%lu ms timer: the upcall came before the first spin", delay_ns / MS);
    xtest_check(rip >= (uint64_t)spin_loop && rip < (uint64_t)spin_loop_end,
                "%lu ms timer: the upcall interrupted rip %#lx, outside the loop %p-%p",
                delay_ns / MS, rip, spin_loop, spin_loop_end);
    xtest_check(upcall_count == before + 1, "%lu ms timer: %lu upcalls for one event",
                delay_ns / MS, upcall_count - before);
    xtest_check(seen >= deadline, "%lu ms timer: fired %lu ns early", delay_ns / MS,
                deadline - seen);
    xtest_check(seen < deadline + SLACK_NS, "%lu ms timer: upcall %lu ms late", delay_ns / MS,
                (seen - deadline) / MS);
}

void test_main(void)
{
    static const uint64_t delays_ms[] = { 2, 5, 10 };
    uint64_t budget;

    port = events_bind_timer();
    budget = calibrate();
    for (unsigned int i = 0; i < ARRAY_LEN(delays_ms); i++)
        spin_for_timer(delays_ms[i] * MS, budget);
}
