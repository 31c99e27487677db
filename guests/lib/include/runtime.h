/*
 * Between the parts of the guest runtime; tests use xtest.h.
 */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include "xtest.h"

/* Called by the entry stub on the runtime's stack with rsi from the entry state. */
_Noreturn void xtest_start(struct start_info *si);
/* The environment's setup: trap table, shared_info, unmapped pages. */
void arch_setup(void);
/* Ends the domain without the hypervisor's help: a fault it cannot deliver. */
_Noreturn void xtest_crash_hard(void);

/* Called first for every exception (lib/pv64/usermode.c): the end of a user_call()
 * does not return. */
void usermode_trap(struct cpu_regs *regs);

/* The fixup table (lib/pv64/pv64.lds). */
extern const struct extable_entry __ex_table_start[], __ex_table_end[];
const struct extable_entry *extable_find(uint64_t rip);

/* probe() (entry.S): runs fn(arg) with a recovery point at *resume_rsp. */
int probe_call(void (*fn)(void *), void *arg, uint64_t *resume_rsp);
extern char probe_resume[];

#endif /* GUEST_RUNTIME_H */
