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
/* A bounce frame for WHAT could not be written at rsp: the domain crashes. */
void pv_bounce_unwritable(struct vcpu *v, const char *what, uint64_t rsp);
/* The guest's selectors failed to reload: enter its failsafe callback. */
void pv_failsafe_bounce(struct vcpu *v, struct cpu_regs *regs);

/* set_gdt's two halves (pv/descriptor.c): validated shadow copies of the
 * guest's descriptor frames (entries descriptors; -EINVAL if a frame is not
 * d's or a descriptor is refused, -ENOMEM; nothing kept on failure), and
 * making them v's GDT, freeing the old shadows. */
int pv_gdt_shadow(struct domain *d, const uint64_t *guest_mfns, uint64_t entries,
                  uint64_t *shadows);
void pv_gdt_install(struct vcpu *v, const uint64_t *guest_mfns, const uint64_t *shadows,
                    uint64_t entries);
/* Give back shadows pv_gdt_shadow made that were never installed. */
void pv_gdt_free_shadows(uint64_t *shadows, uint64_t entries);

/* VCPUOP_initialise (pv/vcpu_context.c): check the whole context of a vCPU
 * that has never run and install it (0), or change nothing (-EINVAL for any
 * refused part, -ENOMEM). c is the hypervisor's copy; it is modified. */
struct vcpu_guest_context;
int pv_vcpu_initialise(struct vcpu *v, struct vcpu_guest_context *c);

/* Flags a trap entry clears: TF, NT, RF, VM, AC (entry_syscall.S's CLEAR_ON_TRAP too). */
#define PV_RFLAGS_CLEAR_ON_TRAP ((1UL << 8) | (1UL << 14) | (1UL << 16) | (1UL << 17) | (1UL << 18))

/* The RFLAGS a guest may run with, from the value it asked for: its
 * arithmetic flags, TF, DF, NT, RF, AC, VIF, VIP and ID; IF always on in
 * hardware (its wish is the event mask), IOPL 0 (its IOPL is virtual), no VM. */
#define PV_RFLAGS_GUEST_SETTABLE 0x3d4fd5UL
static inline uint64_t pv_guest_rflags(uint64_t asked)
{
    return (asked & PV_RFLAGS_GUEST_SETTABLE) | (1UL << 9) | (1UL << 1);
}

/* Is a a canonical guest address a handler may live at (pv/callbacks.c)? */
bool pv_guest_code_address_ok(uint64_t a);
/* set_debugreg's rules for DR0-3, 6 and 7: 0 with *value made what the vCPU
 * keeps (fixed bits set), -EPERM for a value not allowed, -EINVAL for no such
 * register. */
int pv_debugreg_check(unsigned int reg, uint64_t *value);

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
