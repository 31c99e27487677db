/*
 * Controls and records of the host stubs that stand in for the
 * architecture in unit tests (the headers in stubs/asm/ and the C files in stubs/).
 */
#ifndef STUB_H
#define STUB_H

#include <stddef.h>
#include <stdint.h>
#include <asm/smp.h>

/* Map a fresh arena of nr_frames zeroed pages as machine frames 0..nr-1. */
void *stub_arena_init(unsigned long nr_frames);
void *stub_arena_base(void);

/* CPU, clock, interrupts. */
extern unsigned int stub_cpu;
extern uint64_t stub_now_ns;
extern unsigned long stub_irqs_disabled;

/* Hardware timer: last deadline programmed per CPU, and how often. */
extern uint64_t stub_timer_deadline[NR_CPUS];
extern unsigned long stub_timer_programs[NR_CPUS];

/* Softirq IPIs sent to each CPU. */
extern unsigned long stub_ipis[NR_CPUS];

/* Everything arch_console_write was given since the last reset (NUL-terminated). */
const char *stub_console_output(void);
size_t stub_console_length(void);
void stub_console_reset(void);

/* The message of the last panic, and how many there were. */
extern char stub_panic_message[1024];
extern unsigned long stub_panic_count;

/* Put the CPU, clock, timer, IPI and console records back to their start. */
void stub_reset(void);

#endif
