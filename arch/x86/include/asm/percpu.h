/* Per-CPU data, reached through the GS base so any code can find its own CPU. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H
#include <stdint.h>
#include <stddef.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/smp.h>

/* Each CPU's stack window: [guard][main stack][guard][#DF IST][guard][NMI IST][guard][#MC IST]. */
#define STACK_PAGES 4
#define STACK_WINDOW_PAGES 16

struct percpu {
    struct percpu *self;          /* at offset 0: %gs:0 yields this struct */
    unsigned int cpu_id;
    uint32_t apic_id;
    uint64_t stack_bottom;        /* lowest mapped byte of the main stack */
    uint64_t stack_top;
    uint64_t ist_top[3];          /* #DF, NMI, #MC */
    volatile uint64_t timer_ticks;
    volatile int online;
    struct tss64 tss __attribute__((aligned(64)));
    uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
};
_Static_assert(offsetof(struct percpu, self) == 0, "%gs:0 must be the self pointer");

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}

extern struct percpu *percpu_of[];

uint64_t stack_window_base(unsigned int cpu);
/* Map a CPU's stacks (with guard pages) and fill in its percpu fields. */
void percpu_init_stacks(struct percpu *pc);
/* Load this CPU's GDT, TSS and IDT, and point GS at pc. */
void percpu_load(struct percpu *pc);
#endif
