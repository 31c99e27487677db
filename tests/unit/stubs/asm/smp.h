/* Host stand-in for asm/smp.h: the current CPU is a settable number. */
#ifndef STUB_ASM_SMP_H
#define STUB_ASM_SMP_H

#define NR_CPUS 64

unsigned int smp_processor_id(void);
void arch_send_softirq_ipi(unsigned int cpu);

#endif
