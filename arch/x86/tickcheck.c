/*
 * The timer check: every online CPU runs a periodic timer through the timer
 * heap (so the LAPIC one-shot, the heap and the softirq path are all
 * exercised) while the BSP measures a window against the PIT, an independent
 * clock. Each CPU then reports how many of its ticks fell in the window.
 *
 * A tick is counted by its deadline, not by when it was handled: under an
 * emulator a vCPU may be descheduled by the host for many milliseconds and
 * handle several ticks late, back to back. Counting by deadline (and waiting
 * until each CPU's ticks have passed the end of the window) measures the rate
 * the timer keeps, which is what the check is for; a CPU whose timer stops
 * firing still shows, after a bounded wait.
 */
#include <asm/irq.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/tickcheck.h>
#include <asm/time.h>
#include <xeno/cmdline.h>
#include <xeno/printk.h>
#include <xeno/softirq.h>
#include <xeno/timer.h>

#define TICK_HZ 1000U
#define TICK_NS (1000000000UL / TICK_HZ)
#define SETTLE_MS 10
#define DRAIN_STEP_MS 10
#define DRAIN_LIMIT_MS 2000

static unsigned long ticks_ms = 200;
CMDLINE_PARAM_UINT("ticks_ms", ticks_ms);

/* The window in system time; end is 0 until the BSP closes it. */
static volatile uint64_t window_start_ns, window_end_ns;
/* Each CPU ticks from the moment it starts until its deadlines pass the end of
 * the window; then it is done and stops. */
static volatile bool ticks_stopped;
static volatile bool tick_done[NR_CPUS];
static struct timer tick_timer[NR_CPUS];

static bool deadline_in_window(uint64_t deadline)
{
    uint64_t start = window_start_ns, end = window_end_ns;
    return start && deadline >= start && (end == 0 || deadline < end);
}

static void tick_fn(void *data)
{
    struct timer *t = data;

    if (deadline_in_window(t->expires))
        this_cpu()->timer_ticks++;
    if (window_end_ns && t->expires >= window_end_ns) {
        tick_done[smp_processor_id()] = true;      /* every tick of the window is counted */
        return;
    }
    if (!ticks_stopped)
        /* From the last deadline, not from now, so a late tick does not drift. */
        set_timer(t, t->expires + TICK_NS);
}

/* Called by each CPU on its way into the idle loop. */
void tick_check_start_this_cpu(void)
{
    unsigned int cpu = smp_processor_id();

    /* Once the check is over (the boot CPU idles after it) nothing ticks; and
     * a timer that may still be armed must never be initialised again. */
    if (ticks_stopped)
        return;
    init_timer(&tick_timer[cpu], tick_fn, &tick_timer[cpu], cpu);
    set_timer(&tick_timer[cpu], now_ns() + TICK_NS);
}

static bool all_cpus_done(void)
{
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        if (cpu_is_online(cpu) && !tick_done[cpu])
            return false;
    return true;
}

static void run_softirqs(void)
{
    do_softirq();
}

/* Returns false if some CPU's timer never fired in the window. */
#define WINDOW_TRIES 3

static void reset_counts(void)
{
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        if (cpu_is_online(cpu))
            percpu_of[cpu]->timer_ticks = 0;
}

bool tick_check_run(void)
{
    uint64_t window_us = 0, expected;
    bool all_ticked = true, reliable = false;

    tick_check_start_this_cpu();
    local_irq_enable();
    pit_wait_ms_polling(SETTLE_MS, run_softirqs);
    /* The window is as long as the PIT says it really was: a boot vCPU the host
     * descheduled notices the end late, and that time counts too. If it was so
     * late that the PIT count wrapped, the window is measured again. */
    for (unsigned int try = 0; try < WINDOW_TRIES && !reliable; try++) {
        reset_counts();
        window_start_ns = now_ns();
        window_us = pit_ticks_to_us(pit_wait_ms_measured((unsigned int)ticks_ms, run_softirqs,
                                                         &reliable));
        if (!reliable)
            printk(LOG_DEBUG "timer: window %u ran too late to measure, again\n", try);
    }
    window_end_ns = window_start_ns + window_us * 1000;
    expected = (window_us * TICK_HZ + 500000) / 1000000;
    /* A vCPU the host descheduled handles its ticks late, back to back: wait
     * (boundedly) until every CPU has passed the end of the window. */
    for (unsigned int waited = 0; waited < DRAIN_LIMIT_MS && !all_cpus_done(); waited += DRAIN_STEP_MS)
        pit_wait_ms_polling(DRAIN_STEP_MS, run_softirqs);
    ticks_stopped = true;

    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
        if (!cpu_is_online(cpu))
            continue;
        uint64_t ticks = percpu_of[cpu]->timer_ticks;
        printk("timer: cpu%u %lu ticks in %lu ms of PIT time at %u Hz (expected %lu)\n",
               cpu, (unsigned long)ticks, (unsigned long)((window_us + 500) / 1000), TICK_HZ,
               (unsigned long)expected);
        if (ticks == 0)
            all_ticked = false;
    }
    return all_ticked;
}
