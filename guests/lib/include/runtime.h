/*
 * Between the parts of the guest runtime; tests use xtest.h.
 */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include "xtest.h"

/* Called by the entry stub on the runtime's stack with what the start of day
 * gave (pv64: start_info from rsi; pvh64: hvm_start_info from ebx). */
_Noreturn void xtest_start(void *boot_info);
/* The environment's part, before anything is printed: record BOOT_INFO (sets
 * xtest_cmdline), the first mappings and exception handlers. */
void arch_start(void *boot_info);
/* Then the rest before test_main: shared_info, unmapped and read-only pages. */
void arch_setup(void);
/* Ends the domain without the hypervisor's help: a fault it cannot deliver. */
_Noreturn void xtest_crash_hard(void);

/* do_trap() (lib/do_trap.c), for every exception, calls the environment's hooks:
 * first arch_trap_enter() (pv64: the end of a user_call() does not return), then
 * arch_trap_frame() to check the frame's layout (aborts the test when wrong) and
 * to say what arrived. */
void arch_trap_enter(struct cpu_regs *regs);
struct exinfo arch_trap_frame(const struct cpu_regs *regs);
/* For arch_trap_frame(): the struct exinfo of REGS, whose frame started
 * FRAME_BELOW_RIP bytes below the RIP slot (not counting an error code); and the
 * abort for a CS slot that is neither selector (FRAME names the kind of frame). */
struct exinfo trap_exinfo(const struct cpu_regs *regs, unsigned int frame_below_rip);
void trap_check_cs(const struct cpu_regs *regs, const char *frame, uint16_t kernel_cs,
                   uint16_t user_cs);

/* pv64's part of arch_trap_enter() (lib/pv64/usermode.c). */
void usermode_trap(struct cpu_regs *regs);

/* The fixup table (lib/image.lds). */
extern const struct extable_entry __ex_table_start[], __ex_table_end[];
const struct extable_entry *extable_find(uint64_t rip);

/* probe() (lib/probe.S): runs fn(arg) with a recovery point at *resume_rsp. */
int probe_call(void (*fn)(void *), void *arg, uint64_t *resume_rsp);
extern char probe_resume[];

#endif /* GUEST_RUNTIME_H */
