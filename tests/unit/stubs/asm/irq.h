/*
 * Host stand-in for asm/irq.h: "interrupts" are a flag the tests can
 * inspect (stub_irqs_disabled), to check that every save is restored.
 */
#ifndef STUB_ASM_IRQ_H
#define STUB_ASM_IRQ_H

extern unsigned long stub_irqs_disabled;

static inline unsigned long local_irq_save(void)
{
    unsigned long old = stub_irqs_disabled;

    stub_irqs_disabled = 1;
    return old;
}

static inline void local_irq_restore(unsigned long flags)
{
    stub_irqs_disabled = flags;
}

#endif
