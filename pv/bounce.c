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

/* What a bounce is for, in a crash report: WHAT, or for a trap (WHAT NULL) its
 * vector. Formatted only when a report needs it: every exception bounces. */
struct bounce_kind {
    const char *what;
    unsigned int vector;
};

static const char *bounce_name(struct bounce_kind k, char *buf, size_t size)
{
    if (k.what)
        return k.what;
    snprintf(buf, size, "vector %u", k.vector);
    return buf;
}

static bool bounce(struct vcpu *v, struct cpu_regs *regs, uint64_t handler, bool has_error,
                   uint64_t error, bool mask_events, struct bounce_kind kind)
{
    struct vcpu_info *vi = v->vcpu_info;
    uint8_t saved_mask = vi->evtchn_upcall_mask;
    bool was_kernel = v->pv.kernel_mode;
    uint64_t frame[8], *f = frame, rsp;
    char why[96], name[32];

    if (!handler) {
        snprintf(why, sizeof(why), "no guest handler for %s", bounce_name(kind, name, sizeof(name)));
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
        pv_bounce_unwritable(v, bounce_name(kind, name, sizeof(name)), rsp);
        return false;
    }
    regs->rsp = rsp;
    regs->rip = handler;
    regs->cs = GUEST_CS64;
    regs->ss = GUEST_DS;
    regs->rflags = (regs->rflags & ~PV_RFLAGS_CLEAR_ON_TRAP) | RFLAGS_IF;
    if (mask_events)
        vi->evtchn_upcall_mask = 1;
    return true;
}

bool pv_bounce(struct vcpu *v, struct cpu_regs *regs, uint64_t handler,
               bool has_error, uint64_t error, bool mask_events, const char *what)
{
    return bounce(v, regs, handler, has_error, error, mask_events,
                  (struct bounce_kind){ .what = what });
}

void pv_bounce_unwritable(struct vcpu *v, const char *what, uint64_t rsp)
{
    char why[96];

    snprintf(why, sizeof(why), "cannot write the %s frame at %#lx", what, rsp);
    domain_crash(v->domain, why);
}

bool pv_bounce_trap(struct vcpu *v, struct cpu_regs *regs, unsigned int vector,
                    bool has_error, uint64_t error)
{
    const struct pv_trap *t = &v->pv.traps[vector & 0xff];

    return bounce(v, regs, t->address, has_error, error, (t->flags & 4) != 0,
                  (struct bounce_kind){ .vector = vector });
}

/*
 * The failsafe callback: the guest's segment selectors could not be reloaded
 * (it changed a descriptor they use), so it gets them back in a frame of its
 * own, RCX, R11, DS, ES, FS, GS, RIP, CS, RFLAGS, RSP, SS (lowest first), with
 * events masked, and the selectors loaded as null meanwhile (Xen's rules).
 */
void pv_failsafe_bounce(struct vcpu *v, struct cpu_regs *regs)
{
    const struct pv_callback *cb = &v->pv.callbacks[PV_CB_FAILSAFE];
    struct vcpu_info *vi = v->vcpu_info;
    uint8_t saved_mask = vi->evtchn_upcall_mask;
    uint64_t frame[11], rsp;

    if (!cb->address) {
        domain_crash(v->domain, "segment selectors could not be reloaded and there is no "
                     "failsafe callback");
        return;
    }
    bool was_kernel = v->pv.kernel_mode;
    if (!was_kernel)
        pv_toggle_mode(v);
    rsp = (was_kernel ? regs->rsp : v->pv.kernel_sp) & ~15UL;
    frame[0] = regs->rcx;
    frame[1] = regs->r11;
    frame[2] = v->pv.ds;
    frame[3] = v->pv.es;
    frame[4] = v->pv.fs;
    frame[5] = v->pv.gs;
    frame[6] = regs->rip;
    frame[7] = ((uint64_t)saved_mask << 32) | (was_kernel ? (regs->cs & ~3UL) : regs->cs);
    frame[8] = (regs->rflags & ~RFLAGS_IF) | (saved_mask ? 0 : RFLAGS_IF);
    frame[9] = regs->rsp;
    frame[10] = regs->ss;
    rsp -= sizeof(frame);
    if (copy_to_guest(rsp, frame, sizeof(frame))) {
        domain_crash(v->domain, "cannot write the failsafe frame");
        return;
    }
    v->pv.ds = v->pv.es = v->pv.fs = v->pv.gs = 0;
    regs->rsp = rsp;
    regs->rip = cb->address;
    regs->cs = GUEST_CS64;
    regs->ss = GUEST_DS;
    regs->rflags = (regs->rflags & ~PV_RFLAGS_CLEAR_ON_TRAP) | RFLAGS_IF;
    vi->evtchn_upcall_mask = 1;
}
