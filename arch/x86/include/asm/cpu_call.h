/*
 * Running a function on other CPUs and waiting for it: the TLB shootdowns
 * (asm/flush.h) and VT-x's per-CPU work (VMXON everywhere, a VMCLEAR on the
 * CPU where a VMCS is still active) need it.
 *
 * A request sits in the target's percpu slot and an IPI tells it; the target
 * runs it from the IPI handler or, if its interrupts are off, from its spin
 * loops (cpu_relax). A requester waits in cpu_relax too, so two CPUs that ask
 * each other at once both make progress, even with locks held and interrupts
 * off. The function runs in interrupt context on the target: it must not
 * sleep, block, take a lock its target may hold, or call cpu_call itself.
 */
#ifndef ASM_CPU_CALL_H
#define ASM_CPU_CALL_H
#include <stdint.h>

typedef void (*cpu_call_fn)(void *arg);

/* Run fn(arg) on every online CPU in mask (bit n: CPU n; this CPU's bit runs it
 * here, first) and return once every one has. */
void cpu_call_mask(uint64_t mask, cpu_call_fn fn, void *arg);
/* The same for one CPU. */
void cpu_call_one(unsigned int cpu, cpu_call_fn fn, void *arg);
/* Serve this CPU's pending request, if any (the IPI handler and cpu_relax). */
void cpu_calls_serve(void);
/* Every online CPU's bit; this CPU's bit. */
uint64_t cpu_online_mask(void);
uint64_t cpu_this_mask(void);
#endif
