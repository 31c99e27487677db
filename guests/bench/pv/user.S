/*
 * Guest user mode for the PV benchmark guest, the way a 64-bit PV kernel runs its
 * processes (docs/abi.md): user mode shares the kernel's L4 (NEW_USER_BASEPTR), the
 * kernel enters it with HYPERVISOR_iret (CS with RPL 3), and a `syscall` in user
 * mode arrives, through the hypervisor, at the syscall callback on the stack_switch
 * stack with the frame RCX, R11, RIP, CS, RFLAGS, RSP, SS.
 */
#include "bench.h"
#include "pvbench.h"

#define USER_RFLAGS 0x2         /* IF clear: events stay masked in user mode */

        .code64
        .text

/*
 * uint64_t pv_user_run(bench_loop loop, uint64_t iterations, uint64_t nr,
 *                      uint64_t arg, const void *entry)
 * Runs loop(iterations, nr, arg, entry) in guest user mode on pv_user_stack and
 * returns its result, which comes back with the BENCH_NR_EXIT system call.
 */
        .globl pv_user_run
        .type pv_user_run, @function
pv_user_run:
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, pv_kernel_rsp(%rip)
        mov     %rdi, %r12
        mov     %rsi, %rbx
        mov     %rdx, %r13
        mov     %rcx, %r14
        mov     %r8, %r15
        /* The iret frame: RAX, R11, RCX, FLAGS, RIP, CS, RFLAGS, RSP, SS. */
        pushq   $PVBENCH_USER_SS
        lea     pv_user_stack_top(%rip), %rax
        push    %rax
        pushq   $USER_RFLAGS
        pushq   $PVBENCH_USER_CS
        lea     bench_user_trampoline(%rip), %rax
        push    %rax
        pushq   $0
        pushq   $0
        pushq   $0
        pushq   $0
        mov     $PVBENCH_HYPERVISOR_IRET, %eax
        syscall
        ud2                             /* iret does not return here */
        .size pv_user_run, . - pv_user_run

/*
 * The syscall callback. A null system call goes straight back to user mode with
 * HYPERVISOR_iret and VGCF_in_syscall, as Linux's PV sysret path does; the exit
 * call resumes pv_user_run's caller in kernel mode with the result from rdi.
 */
        .globl pv_syscall_callback
        .type pv_syscall_callback, @function
pv_syscall_callback:
        cmp     $BENCH_NR_EXIT, %eax
        je      1f
        pop     %rcx
        pop     %r11
        pushq   $PVBENCH_VGCF_IN_SYSCALL
        push    %rcx
        push    %r11
        push    %rax
        mov     $PVBENCH_HYPERVISOR_IRET, %eax
        syscall
        ud2
1:      mov     %rdi, %rax
        mov     pv_kernel_rsp(%rip), %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size pv_syscall_callback, . - pv_syscall_callback

        .data
        .balign 8
pv_kernel_rsp:
        .quad 0

/* The user stack, and the kernel stack bounces from user mode land on. */
        .bss
        .balign 16
        .skip 16384
pv_user_stack_top:
        .globl pv_bounce_stack_top
        .skip 16384
pv_bounce_stack_top:
