/*
 * SYSCALL MSRs (Intel SDM Vol. 3, 5.8.8). A PV guest kernel runs at CPL3, so
 * its hypercalls and its user processes' system calls both arrive here;
 * pv_syscall() tells them apart by the guest's mode.
 */
#include <asm/desc.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/syscall.h>
#include <xeno/sched.h>
#include <xeno/softirq.h>

#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE (1UL << 0)
/* Entered with IF, TF, DF, AC, NT and IOPL clear: the hypervisor runs with
 * interrupts off until it returns to the guest. */
#define SYSCALL_RFLAGS_MASK 0x47700UL

extern const char syscall_entry64[], syscall_entry32[];

void syscall_init_cpu(struct percpu *pc)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    wrmsr(MSR_STAR, ((uint64_t)GUEST_CS32 << 48) | ((uint64_t)HYPERVISOR_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry64);
    wrmsr(MSR_CSTAR, (uint64_t)syscall_entry32);
    wrmsr(MSR_SFMASK, SYSCALL_RFLAGS_MASK);
    /* Only the SYSCALL entry uses GS (with swapgs), to find its stack. */
    wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)pc);
    /* What the hypercall fast path's return check reads (entry.S). */
    pc->softirq_pending = softirq_pending_word(pc->cpu_id);
    pc->sched_requested = sched_request_flag(pc->cpu_id);
}
