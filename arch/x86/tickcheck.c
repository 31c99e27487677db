/*
 * The timer check: every online CPU runs a periodic timer through the timer
 * heap (so the LAPIC one-shot, its calibration, the heap and the softirq path
 * are all exercised) while the BSP measures a window against the PIT, an
 * independent clock. Each CPU reports how many ticks fell in the window.
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

static unsigned long ticks_ms = 200;
CMDLINE_PARAM_UINT("ticks_ms", ticks_ms);

static volatile bool window_open;
/* Each CPU ticks from the moment it starts until the check is over. */
static volatile bool ticks_stopped;
static struct timer tick_timer[NR_CPUS];

static void tick_fn(void *data)
{
    struct timer *t = data;
    struct percpu *pc = this_cpu();

    if (window_open)
        pc->timer_ticks++;
    if (!ticks_stopped)
        /* From the last deadline, not from now, so a late tick does not drift. */
        set_timer(t, t->expires + TICK_NS);
}

/* Called by each CPU on its way into the idle loop. */
void tick_check_start_this_cpu(void)
{
    unsigned int cpu = smp_processor_id();
    init_timer(&tick_timer[cpu], tick_fn, &tick_timer[cpu], cpu);
    set_timer(&tick_timer[cpu], now_ns() + TICK_NS);
}

static void run_softirqs(void)
{
    do_softirq();
}

void tick_check_run(void)
{
    uint64_t expected = (uint64_t)ticks_ms * TICK_HZ / 1000;

    tick_check_start_this_cpu();
    local_irq_enable();
    pit_wait_ms_polling(10, run_softirqs);      /* let every CPU settle into its tick */
    window_open = true;
    pit_wait_ms_polling((unsigned int)ticks_ms, run_softirqs);
    window_open = false;
    ticks_stopped = true;

    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        if (cpu_is_online(cpu))
            printk("timer: cpu%u %lu ticks in %lu ms of PIT time at %u Hz (expected %lu)\n",
                   cpu, (unsigned long)percpu_of[cpu]->timer_ticks, ticks_ms, TICK_HZ,
                   (unsigned long)expected);
}
