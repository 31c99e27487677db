/*
 * HYPERVISOR_iret: how a PV kernel returns from a bounce frame, to itself or
 * to user mode. The guest pushed an iret_context (RAX, R11, RCX, FLAGS, RIP,
 * CS, RFLAGS, RSP, SS, lowest first) and its rsp points at it. What it asks
 * for is clamped: CPL3, interrupts on in hardware, IOPL 0; its wish for
 * events becomes the vcpu_info event mask. The fast path in entry_syscall.S
 * serves every frame this function would accept, by the same rules, unless
 * something is pending for the vCPU or the call came with TF or RF set; what
 * comes here is those, and every frame it would refuse (refused here, with
 * these words).
 */
#include <asm/desc.h>
#include <asm/entry_offsets.h>
#include <asm/guest_access.h>
#include <public/xen.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>

#define RFLAGS_IF (1UL << 9)
/* LAR's access-rights bits: present, DPL 3, a code or data segment, executable,
 * writable (data), 64-bit (code). */
#define AR_PRESENT (1U << 15)
#define AR_DPL3 (3U << 13)
#define AR_S (1U << 12)
#define AR_CODE (1U << 11)
#define AR_WRITABLE (1U << 9)
_Static_assert(AR_PRESENT == ENTRY_AR_PRESENT && AR_DPL3 == ENTRY_AR_DPL3 && AR_S == ENTRY_AR_S &&
               AR_CODE == ENTRY_AR_CODE && AR_WRITABLE == ENTRY_AR_WRITABLE,
               "entry_syscall.S checks selectors as refused_return() does");

/* The access rights of selector sel as the CPU sees them now, or 0 when it names
 * no descriptor a CPL3 selector may use. */
static uint32_t access_rights(uint16_t sel)
{
    uint32_t ar = 0;

    __asm__ volatile("lar %1, %0; jz 1f; xor %0, %0; 1:" : "+r"(ar) : "r"((uint32_t)sel) : "cc");
    return ar;
}

/* The hypervisor returns to the frame with iretq, at CPL0: a RIP, CS or SS the
 * CPU would refuse faults in the hypervisor, not in the guest. So each is checked
 * first, against the descriptors in force (the guest's GDT included). */
static const char *refused_return(const struct iret_context *ctx)
{
    uint32_t cs = access_rights((uint16_t)(ctx->cs | 3));
    uint32_t ss = access_rights((uint16_t)(ctx->ss | 3));

    if (!is_canonical(ctx->rip))
        return "iret to a non-canonical RIP";
    if ((cs & (AR_PRESENT | AR_DPL3 | AR_S | AR_CODE)) != (AR_PRESENT | AR_DPL3 | AR_S | AR_CODE))
        return "iret with a CS that is not a present DPL3 code segment";
    if ((ss & (AR_PRESENT | AR_DPL3 | AR_S | AR_CODE | AR_WRITABLE)) !=
        (AR_PRESENT | AR_DPL3 | AR_S | AR_WRITABLE))
        return "iret with an SS that is not a present DPL3 writable data segment";
    return NULL;
}

long do_iret(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    struct cpu_regs *regs = guest_regs();
    struct iret_context ctx;
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5; (void)a6;

    if (copy_from_guest(&ctx, regs->rsp, sizeof(ctx))) {
        domain_crash(v->domain, "iret with an unreadable frame");
        return -EFAULT;
    }
    const char *refused = refused_return(&ctx);
    if (refused) {
        domain_crash(v->domain, refused);
        return -EINVAL;
    }
    if ((ctx.cs & 3) == 3 && v->pv.kernel_mode) {
        if (!v->pv.user_l4_mfn) {
            domain_crash(v->domain, "iret to user mode without a user page table");
            return -EINVAL;
        }
        pv_toggle_mode(v);
    }
    regs->rip = ctx.rip;
    regs->cs = ctx.cs | 3;
    regs->rflags = pv_guest_rflags(ctx.rflags);
    regs->rsp = ctx.rsp;
    regs->ss = ctx.ss | 3;
    if (ctx.flags & VGCF_in_syscall) {
        /* A return from a system call: RCX and R11 as SYSRET leaves them (Xen
         * returns by sysretq here, and so does entry_syscall.S's fast path). */
        regs->rcx = regs->rip;
        regs->r11 = regs->rflags;
    } else {
        regs->r11 = ctx.r11;
        regs->rcx = ctx.rcx;
    }
    v->vcpu_info->evtchn_upcall_mask = !(ctx.rflags & RFLAGS_IF);
    return (long)ctx.rax;       /* the dispatcher puts this in rax */
}
