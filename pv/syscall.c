/*
 * SYSCALL from a PV guest. In guest kernel mode it is a hypercall: rax is the
 * number, rdi, rsi, rdx, r10, r8, r9 the arguments, rax the result; rcx and
 * r11 are lost, as the instruction itself clobbers them. In guest user mode it
 * is a system call for the guest kernel: bounced to its syscall callback.
 */
#include <asm/syscall.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>

#define SYSCALL_INSN_LEN 2
#define X86_EFLAGS_DF (1UL << 10)

static void hypercall(struct vcpu *v, struct cpu_regs *regs)
{
    uint64_t nr = regs->rax;
    uint64_t args[6] = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9 };
    long rc = hypercall_dispatch(v, nr, args, false);

    if (rc == -ERESTART) {
        /* Preempted: run the same call again, with the arguments the handler
         * left in the frame, once the guest is next scheduled. */
        regs->rax = nr;
        regs->rip -= SYSCALL_INSN_LEN;
        return;
    }
    regs->rax = (uint64_t)rc;
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
