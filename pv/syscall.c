/*
 * SYSCALL from a PV guest. In guest kernel mode it is a hypercall: rax is the
 * number, rdi, rsi, rdx, r10, r8, r9 the arguments, rax the result; rcx and
 * r11 are lost, as the instruction itself clobbers them. In guest user mode it
 * is a system call for the guest kernel: bounced to its syscall callback.
 */
#include <asm/entry_offsets.h>
#include <asm/percpu.h>
#include <asm/syscall.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>

#define SYSCALL_INSN_LEN 2
#define X86_EFLAGS_DF (1UL << 10)

/* What the fast path in entry.S (syscall_entry64) reads. */
_Static_assert(offsetof(struct vcpu, domain) == VCPU_DOMAIN, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu, state) == VCPU_STATE &&
               sizeof(((struct vcpu *)0)->state) == 4, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu, pause_count) == VCPU_PAUSE_COUNT &&
               sizeof(((struct vcpu *)0)->pause_count) == 4, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu, vcpu_info) == VCPU_VCPU_INFO, "entry_offsets.h");
_Static_assert(offsetof(struct vcpu, pv.kernel_mode) == VCPU_PV_KERNEL_MODE &&
               sizeof(((struct vcpu *)0)->pv.kernel_mode) == 1, "entry_offsets.h");
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
 * From the fast path (entry.S, syscall_entry64): a handler from
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
    /* The frame keeps the user's flags; the callback starts with DF clear. */
    if (pv_bounce(v, regs, cb->address, false, 0, cb->mask_events, "syscall"))
        regs->rflags &= ~X86_EFLAGS_DF;
}
