/*
 * SYSCALL from a PV guest. In guest kernel mode it is a hypercall: rax is the
 * number, rdi, rsi, rdx, r10, r8, r9 the arguments, rax the result; rcx and
 * r11 are lost, as the instruction itself clobbers them. In guest user mode it
 * is a system call for the guest kernel: bounced to its syscall callback.
 */
#include <asm/entry_offsets.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/syscall.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>

#define SYSCALL_INSN_LEN 2
#define X86_EFLAGS_DF (1UL << 10)

/* What the fast paths in entry_syscall.S read and write. */
_Static_assert(offsetof(struct vcpu, domain) == VCPU_DOMAIN, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu, state) == VCPU_STATE &&
               sizeof(((struct vcpu *)0)->state) == 4, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu, pause_count) == VCPU_PAUSE_COUNT &&
               sizeof(((struct vcpu *)0)->pause_count) == 4, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu, vcpu_info) == VCPU_VCPU_INFO, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu, pv.kernel_mode) == VCPU_PV_KERNEL_MODE &&
               sizeof(((struct vcpu *)0)->pv.kernel_mode) == 1, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu, pv.kernel_l4_mfn) == VCPU_PV_KERNEL_L4_MFN &&
               offsetof(struct vcpu, pv.user_l4_mfn) == VCPU_PV_USER_L4_MFN &&
               offsetof(struct vcpu, pv.kernel_sp) == VCPU_PV_KERNEL_SP &&
               offsetof(struct vcpu, pv.gs_base_kernel) == VCPU_PV_GS_BASE_KERNEL &&
               offsetof(struct vcpu, pv.gs_base_user) == VCPU_PV_GS_BASE_USER, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu, pv.callbacks[PV_CB_SYSCALL].address) == VCPU_PV_SYSCALL_CB &&
               offsetof(struct vcpu, pv.callbacks[PV_CB_SYSCALL].mask_events) ==
                   VCPU_PV_SYSCALL_CB_MASK &&
               sizeof(((struct pv_callback *)0)->mask_events) == 1, "entry_offsets.h");
/* The fields the fast paths use share the vCPU's first page (pv/vcpu.h). */
_Static_assert(VCPU_PV_GS_BASE_USER + 8 <= 4096 && VCPU_VCPU_INFO + 8 <= 4096,
               "pv/vcpu.h: the fast paths' fields left the first page");
_Static_assert(offsetof(struct domain, stats.fast_bounces) == DOMAIN_STATS_FAST_BOUNCES &&
               offsetof(struct domain, stats.fast_irets) == DOMAIN_STATS_FAST_IRETS &&
               offsetof(struct domain, stats.fast_iret_sysrets) ==
                   DOMAIN_STATS_FAST_IRET_SYSRETS, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_mask) == VCPU_INFO_UPCALL_MASK &&
               sizeof(((struct vcpu_info *)0)->evtchn_upcall_mask) == 1, "entry_offsets.h");
_Static_assert(offsetof(struct iret_context, rax) == IRET_RAX &&
               offsetof(struct iret_context, r11) == IRET_R11 &&
               offsetof(struct iret_context, rcx) == IRET_RCX &&
               offsetof(struct iret_context, flags) == IRET_FLAGS &&
               offsetof(struct iret_context, rip) == IRET_RIP &&
               offsetof(struct iret_context, cs) == IRET_CS &&
               offsetof(struct iret_context, rflags) == IRET_RFLAGS &&
               offsetof(struct iret_context, rsp) == IRET_RSP &&
               offsetof(struct iret_context, ss) == IRET_SS &&
               sizeof(struct iret_context) == IRET_CONTEXT_SIZE, "entry_offsets.h");
_Static_assert(__HYPERVISOR_iret == ENTRY_HYPERCALL_IRET && VGCF_in_syscall == ENTRY_VGCF_IN_SYSCALL,
               "entry_offsets.h");
_Static_assert(ENTRY_GUEST_LOW_END == 0x0000800000000000UL &&
               ENTRY_HYPERVISOR_VIRT_END == HYPERVISOR_VIRT_END, "entry_offsets.h: guest_range_ok");
_Static_assert(ENTRY_RFLAGS_GUEST_SETTABLE == PV_RFLAGS_GUEST_SETTABLE &&
               PV_RFLAGS_CLEAR_ON_TRAP == (ENTRY_EFLAGS_TF | ENTRY_EFLAGS_NT | ENTRY_EFLAGS_RF |
                                           ENTRY_EFLAGS_VM | ENTRY_EFLAGS_AC) &&
               ENTRY_EFLAGS_IF == (1UL << 9) && ENTRY_EFLAGS_DF == X86_EFLAGS_DF &&
               ENTRY_EFLAGS_FIXED == (1UL << 1), "entry_offsets.h");
_Static_assert(ENTRY_PAGE_SHIFT == PAGE_SHIFT && ENTRY_MSR_GS_BASE == MSR_GS_BASE,
               "entry_offsets.h");
_Static_assert(offsetof(struct domain, state) == DOMAIN_STATE &&
               sizeof(((struct domain *)0)->state) == 4, "entry_offsets.h");
_Static_assert(offsetof(struct domain, stats.hypercalls) == DOMAIN_STATS_HYPERCALLS &&
               sizeof(((struct domain *)0)->stats.hypercalls) == 8, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_pending) == VCPU_INFO_UPCALL_PENDING &&
               sizeof(((struct vcpu_info *)0)->evtchn_upcall_pending) == 1, "entry_offsets.h");
_Static_assert(VCPU_RUNNABLE == ENTRY_VCPU_RUNNABLE && DOMAIN_ACTIVE == ENTRY_DOMAIN_ACTIVE,
               "entry_offsets.h");
_Static_assert(ERESTART == ENTRY_ERESTART && NR_HYPERCALLS == ENTRY_NR_HYPERCALLS,
               "entry_offsets.h");
_Static_assert(offsetof(struct cpu_regs, rax) == FRAME_RAX &&
               offsetof(struct cpu_regs, rbx) == FRAME_RBX &&
               offsetof(struct cpu_regs, rbp) == FRAME_RBP &&
               offsetof(struct cpu_regs, r12) == FRAME_R12 &&
               offsetof(struct cpu_regs, r13) == FRAME_R13 &&
               offsetof(struct cpu_regs, r14) == FRAME_R14 &&
               offsetof(struct cpu_regs, rsi) == FRAME_RSI &&
               offsetof(struct cpu_regs, r9) == FRAME_R9 &&
               offsetof(struct cpu_regs, cs) == FRAME_CS &&
               offsetof(struct cpu_regs, r15) == FRAME_R15 &&
               offsetof(struct cpu_regs, r11) == FRAME_R11 &&
               offsetof(struct cpu_regs, r10) == FRAME_R10 &&
               offsetof(struct cpu_regs, r8) == FRAME_R8 &&
               offsetof(struct cpu_regs, rdi) == FRAME_RDI &&
               offsetof(struct cpu_regs, rdx) == FRAME_RDX &&
               offsetof(struct cpu_regs, rcx) == FRAME_RCX &&
               offsetof(struct cpu_regs, vector) == FRAME_VECTOR &&
               offsetof(struct cpu_regs, error_code) == FRAME_ERROR_CODE &&
               offsetof(struct cpu_regs, rip) == FRAME_RIP &&
               offsetof(struct cpu_regs, rflags) == FRAME_RFLAGS &&
               offsetof(struct cpu_regs, rsp) == FRAME_RSP &&
               offsetof(struct cpu_regs, ss) == FRAME_SS, "entry_offsets.h");

/* The hypercall nr has returned rc: its result, or a continuation. */
static void hypercall_done(struct cpu_regs *regs, uint64_t nr, long rc)
{
    if (rc == -ERESTART) {
        /* Preempted: run the same call again, with the arguments the handler
         * left in the frame, once the guest is next scheduled. */
        regs->rax = nr;
        regs->rip -= SYSCALL_INSN_LEN;
        return;
    }
    regs->rax = (uint64_t)rc;
}

static void hypercall(struct vcpu *v, struct cpu_regs *regs)
{
    uint64_t nr = regs->rax;
    uint64_t args[6] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9 };

    hypercall_done(regs, nr, hypercall_dispatch(v, nr, args, false));
}

/*
 * From the fast path (entry_syscall.S, syscall_entry64): a handler from
 * hypercall_pv_fast_table has returned rc, with the call counted, and the
 * frame is whole again (rax still the number). Either the handler asked to be
 * continued or there is work before the return: both as the general path does.
 */
void pv_hypercall_exit(struct cpu_regs *regs, long rc);
void pv_hypercall_exit(struct cpu_regs *regs, long rc)
{
    if (rc == -ERESTART)
        current_vcpu()->domain->stats.continuations++;
    hypercall_done(regs, regs->rax, rc);
    pv_return_to_guest(regs);
}

void pv_syscall(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();

    if (v->pv.kernel_mode && regs->vector == VECTOR_SYSCALL64) {
        hypercall(v, regs);
        return;
    }
    /* A system call from guest user mode (or a 32-bit one): the guest kernel
     * handles it. RCX and R11 already hold the return RIP and RFLAGS, and the
     * bounce frame carries both. */
    enum pv_callback_kind kind = regs->vector == VECTOR_SYSCALL64 ? PV_CB_SYSCALL : PV_CB_SYSCALL32;
    const struct pv_callback *cb = &v->pv.callbacks[kind];
    if (!cb->address) {
        /* No callback: #UD at the syscall instruction, as hardware would. */
        regs->rip -= SYSCALL_INSN_LEN;
        pv_bounce_trap(v, regs, 6, false, 0);
        return;
    }
    /* The frame keeps the user's flags; the callback starts with DF clear, and
     * with RCX/R11 its own RIP/RFLAGS, as the fast path's sysretq (and Xen's)
     * leaves them: the user's are in the frame. */
    if (pv_bounce(v, regs, cb->address, false, 0, cb->mask_events, "syscall")) {
        regs->rflags &= ~X86_EFLAGS_DF;
        regs->rcx = regs->rip;
        regs->r11 = regs->rflags;
    }
}

/*
 * From the fast path's bounce (entry_syscall.S): writing the frame for the syscall
 * callback at rsp faulted, with the vCPU already in kernel mode and the frame whole
 * and unchanged, which is where pv_bounce stands when its copy fails. The same
 * report, and the same way on.
 */
void pv_syscall_bounce_unwritable(struct cpu_regs *regs, uint64_t rsp);
void pv_syscall_bounce_unwritable(struct cpu_regs *regs, uint64_t rsp)
{
    pv_bounce_unwritable(current_vcpu(), "syscall", rsp);
    pv_return_to_guest(regs);
}
