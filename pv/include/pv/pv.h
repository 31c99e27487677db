/* The PV execution model's entry points (pv/). */
#ifndef PV_PV_H
#define PV_PV_H
#include <stdbool.h>
#include <stdint.h>
#include <asm/traps.h>

struct vcpu;
struct domain;

/* Context switch (pv/context.c). */
void pv_vcpu_save(struct vcpu *v, const struct cpu_regs *frame);
void pv_vcpu_load(struct vcpu *v, struct cpu_regs *frame);
/* Leave the idle loop for v: load it into this CPU's trap frame and iretq. */
_Noreturn void pv_enter_from_idle(struct vcpu *v);
/* Flip between guest kernel and guest user mode (CR3 and GS bases). */
void pv_toggle_mode(struct vcpu *v);
/* Put v's validated DR0-3/DR7 into the hardware (v runs on this CPU). */
void pv_load_debugregs(struct vcpu *v);

/* The way back to the guest after any entry (pv/return.c): run softirqs,
 * switch vCPUs if asked, then return so trap_common can iretq. */
void pv_return_to_guest(struct cpu_regs *regs);
/* If v has events pending and unmasked, bounce it into its event callback. */
void pv_deliver_pending_upcall(struct vcpu *v, struct cpu_regs *regs);

/* SYSCALL from the guest: a hypercall in kernel mode, a system call bounced to
 * the guest kernel in user mode (pv/syscall.c). */
void pv_syscall(struct cpu_regs *regs);
/* An exception taken while the guest ran (pv/traps.c). */
void pv_exception(struct cpu_regs *regs);

/* Deliver a trap to the guest kernel's handler (pv/bounce.c). Returns false and
 * crashes the domain when it cannot (no handler, unwritable stack). */
bool pv_bounce(struct vcpu *v, struct cpu_regs *regs, uint64_t handler,
               bool has_error, uint64_t error, bool mask_events, const char *what);
bool pv_bounce_trap(struct vcpu *v, struct cpu_regs *regs, unsigned int vector,
                    bool has_error, uint64_t error);
/* The guest's selectors failed to reload: enter its failsafe callback. */
void pv_failsafe_bounce(struct vcpu *v, struct cpu_regs *regs);

/* General register n (ModRM numbering, 0 = rax .. 15 = r15) in a trap frame. */
uint64_t *pv_gpr(struct cpu_regs *r, unsigned int n);
/* A guest kernel's write to one of its own L1 tables (pv/ptwr.c): true if it
 * was emulated and the guest may go on. */
bool pv_ptwr_emulate(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2, uint64_t error);

/* Privileged-instruction emulation for #GP/#UD (pv/emulate.c): true if done. */
bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs);
bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_regs *regs);
/* The CR4 a new PV vCPU reads: the hypervisor's bits it may see. */
uint64_t pv_initial_cr4(void);
/* The CPUID values PV guests see, Xen leaves 0x40000000+ included. */
struct cpuid_regs;
void pv_cpuid_policy(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out);

#endif
