/* The fatal path shared by panic() and unexpected traps. */
#ifndef ASM_PANIC_H
#define ASM_PANIC_H
#include <stdint.h>
#include <asm/traps.h>

/* Prints "PANIC on cpuN: what" and claims the console; returns only to the
 * first CPU to panic (others stop). */
void panic_begin(const char *what);
/* Backtrace: the frame at rip, then the frame-pointer chain from rbp. */
void print_backtrace(uint64_t rip, uint64_t rbp);
/* The same for a trap frame, including the caller of a frameless function. */
void print_backtrace_regs(const struct cpu_regs *regs);
void print_registers(const struct cpu_regs *regs);
#endif
