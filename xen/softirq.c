/*
 * Per-CPU softirq masks and the loop that runs them (xeno/softirq.h).
 * The pending mask is updated with atomics so any CPU or interrupt
 * handler may raise a softirq without a lock.
 */
#include <asm/smp.h>
#include <xeno/bitops.h>
#include <xeno/lib.h>
#include <xeno/softirq.h>

BUILD_BUG_ON(NR_SOFTIRQS > BITS_PER_LONG);

struct softirq_cpu {
    unsigned long pending;
    bool running;
} __attribute__((aligned(64)));

static struct softirq_cpu softirq_cpus[NR_CPUS];
static softirq_handler handlers[NR_SOFTIRQS];

void open_softirq(unsigned int nr, softirq_handler fn)
{
    BUG_ON(nr >= NR_SOFTIRQS);
    handlers[nr] = fn;
}

void raise_softirq(unsigned int nr)
{
    ASSERT(nr < NR_SOFTIRQS);
    set_bit_atomic(nr, &softirq_cpus[smp_processor_id()].pending);
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    ASSERT(nr < NR_SOFTIRQS && cpu < NR_CPUS);
    /* Already pending: the target will see this one too, no IPI needed. */
    if (test_and_set_bit_atomic(nr, &softirq_cpus[cpu].pending))
        return;
    if (cpu != smp_processor_id())
        arch_send_softirq_ipi(cpu);
}

bool softirq_pending(unsigned int cpu)
{
    return __atomic_load_n(&softirq_cpus[cpu].pending, __ATOMIC_RELAXED) != 0;
}

const volatile unsigned long *softirq_pending_word(unsigned int cpu)
{
    ASSERT(cpu < NR_CPUS);
    return &softirq_cpus[cpu].pending;
}

void do_softirq(void)
{
    struct softirq_cpu *sc = &softirq_cpus[smp_processor_id()];
    unsigned long pending;

    if (sc->running)
        return;
    sc->running = true;
    while ((pending = __atomic_exchange_n(&sc->pending, 0,
                                          __ATOMIC_ACQ_REL)) != 0) {
        while (pending) {
            unsigned int nr = lowest_bit(pending);

            pending &= pending - 1;
            if (handlers[nr])
                handlers[nr]();
        }
    }
    sc->running = false;
}
