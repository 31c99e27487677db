/* Trap frames and their handling. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H
#include <stdint.h>
#include <stddef.h>

/* Laid out by trap_common in entry.S: lowest address first. */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;     /* pushed by the CPU */
};
_Static_assert(sizeof(struct cpu_regs) == 22 * 8, "trap frame layout");
/* The frame of an entry from a guest sits at the very top of the CPU's stack;
 * the hypervisor's own work starts below it (see percpu_work_stack). */
#define TRAP_FRAME_SIZE (22 * 8)
_Static_assert(offsetof(struct cpu_regs, vector) == 15 * 8, "entry.S pushes 15 registers");

void do_trap(struct cpu_regs *regs);
_Noreturn void switch_stack_and_call(uint64_t rsp, void (*fn)(void));
#endif
