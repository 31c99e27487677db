/* Interrupt flag control for spinlocks and the idle loop. */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H
#include <stdbool.h>

static inline unsigned long local_irq_save(void)
{
    unsigned long flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) :: "memory");
    return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
    __asm__ volatile("pushq %0; popfq" :: "r"(flags) : "memory", "cc");
}

static inline void local_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void local_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }

/* sti takes effect after the next instruction, so no interrupt is lost between
 * the two: the CPU either sleeps with interrupts on or takes the interrupt. */
static inline void safe_halt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

static inline bool local_irq_is_enabled(void)
{
    unsigned long flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags & (1UL << 9);
}

/* Interrupt vectors the hypervisor owns. */
#define VECTOR_TIMER 0xf0
#define VECTOR_SOFTIRQ_IPI 0xf1
#define VECTOR_STOP_IPI 0xf2
#define VECTOR_SPURIOUS 0xff
#endif
