/*
 * Host stand-in for asm/time.h: a fake clock the tests move, and a record
 * of what each CPU's one-shot timer was last programmed with.
 */
#ifndef STUB_ASM_TIME_H
#define STUB_ASM_TIME_H

#include <stdint.h>

uint64_t now_ns(void);
void arch_timer_program(uint64_t deadline_ns);

#endif
