/*
 * Host CPU, clock, interrupt-flag, timer-hardware and IPI stand-ins:
 * plain variables that tests set and inspect.
 */
#include <string.h>
#include <asm/irq.h>
#include <asm/smp.h>
#include <asm/time.h>
#include "stub.h"

unsigned int stub_cpu;
uint64_t stub_now_ns;
unsigned long stub_irqs_disabled;
uint64_t stub_timer_deadline[NR_CPUS];
unsigned long stub_timer_programs[NR_CPUS];
unsigned long stub_ipis[NR_CPUS];

unsigned int smp_processor_id(void)
{
    return stub_cpu;
}

void arch_send_softirq_ipi(unsigned int cpu)
{
    stub_ipis[cpu]++;
}

uint64_t now_ns(void)
{
    return stub_now_ns;
}

void arch_timer_program(uint64_t deadline_ns)
{
    stub_timer_deadline[stub_cpu] = deadline_ns;
    stub_timer_programs[stub_cpu]++;
}

void stub_reset(void)
{
    stub_cpu = 0;
    stub_now_ns = 0;
    stub_irqs_disabled = 0;
    memset(stub_timer_deadline, 0, sizeof(stub_timer_deadline));
    memset(stub_timer_programs, 0, sizeof(stub_timer_programs));
    memset(stub_ipis, 0, sizeof(stub_ipis));
    stub_console_reset();
}
