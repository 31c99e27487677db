/*
 * Delivering a trap, an exception or a system call to the PV guest kernel: a
 * bounce frame on the guest kernel's stack, as the ABI lays it out (lowest
 * address first): RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS. The CS
 * slot carries the saved event mask in bits 32-39 and RPL 0 if the guest was
 * in kernel mode; the RFLAGS slot's IF is the inverse of that mask. The frame
 * is written through copy_to_guest, so a bad guest stack crashes only the
 * guest, never the hypervisor.
 */
#include <public/xen.h>
#include <asm/desc.h>
#include <asm/guest_access.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/printk.h>
#include <xeno/vsnprintf.h>

#define RFLAGS_IF (1UL << 9)
/* Flags a trap entry clears: TF, NT, RF, VM, AC. */
#define RFLAGS_CLEAR_ON_TRAP ((1UL << 8) | (1UL << 14) | (1UL << 16) | (1UL << 17) | (1UL << 18))

bool pv_bounce(struct vcpu *v, struct cpu_regs *regs, uint64_t handler,
               bool has_error, uint64_t error, bool mask_events, const char *what)
{
    struct vcpu_info *vi = v->vcpu_info;
    uint8_t saved_mask = vi->evtchn_upcall_mask;
    bool was_kernel = v->pv.kernel_mode;
    uint64_t frame[8], *f = frame, rsp;
    char why[96];

    if (!handler) {
        snprintf(why, sizeof(why), "no guest handler for %s", what);
        domain_crash(v->domain, why);
        return false;
    }
    if (!was_kernel) {
        pv_toggle_mode(v);
        rsp = v->pv.kernel_sp;
    } else {
        rsp = regs->rsp;
    }
    rsp &= ~15UL;

    *f++ = regs->rcx;
    *f++ = regs->r11;
    if (has_error)
        *f++ = error;
    *f++ = regs->rip;
    *f++ = ((uint64_t)saved_mask << 32) | (was_kernel ? (regs->cs & ~3UL) : regs->cs);
    *f++ = (regs->rflags & ~RFLAGS_IF) | (saved_mask ? 0 : RFLAGS_IF);
    *f++ = regs->rsp;
    *f++ = regs->ss;
    size_t len = (size_t)(f - frame) * sizeof(uint64_t);
    rsp -= len;
    if (copy_to_guest(rsp, frame, len)) {
        snprintf(why, sizeof(why), "cannot write the %s frame at %#lx", what, rsp);
        domain_crash(v->domain, why);
        return false;
    }
    regs->rsp = rsp;
    regs->rip = handler;
    regs->cs = GUEST_CS64;
    regs->ss = GUEST_DS;
    regs->rflags = (regs->rflags & ~RFLAGS_CLEAR_ON_TRAP) | RFLAGS_IF;
    if (mask_events)
        vi->evtchn_upcall_mask = 1;
    return true;
}

bool pv_bounce_trap(struct vcpu *v, struct cpu_regs *regs, unsigned int vector,
                    bool has_error, uint64_t error)
{
    const struct pv_trap *t = &v->pv.traps[vector & 0xff];
    char what[32];

    snprintf(what, sizeof(what), "vector %u", vector);
    return pv_bounce(v, regs, t->address, has_error, error, (t->flags & 4) != 0, what);
}
