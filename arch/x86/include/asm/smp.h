/* CPU numbering and per-CPU data. */
#ifndef ASM_SMP_H
#define ASM_SMP_H
#include <stdint.h>
#include <stdbool.h>

#define NR_CPUS 64

unsigned int smp_processor_id(void);
void arch_send_softirq_ipi(unsigned int cpu);

extern unsigned int nr_cpus_online;
void smp_boot_secondaries(void);
bool cpu_is_online(unsigned int cpu);
void smp_stop_others(void);
void start_secondary(void);
/* Run softirqs, sleep until the next interrupt, repeat. */
_Noreturn void cpu_idle_loop(void);
#endif
