/*
 * Ring 3 and back for the native benchmark kernel: native_user_run() enters ring 3
 * with SYSRET at the shared user trampoline (common/loops.S), and the two LSTAR
 * handlers below answer its system calls.
 *
 *  - native_syscall_bare: the floor. A null system call returns at once with
 *    SYSRETQ (after the two instructions that pick out the exit call).
 *  - native_syscall_kernel: what a kernel's system call entry does: swapgs, switch
 *    to the kernel stack, save every register in a frame, dispatch through a
 *    bounds-checked table to a C handler, restore, swapgs, SYSRETQ.
 *
 * Either way the BENCH_NR_EXIT call ends ring 3 and returns its rdi from
 * native_user_run().
 */
#include "bench.h"
#include "native.h"
#include "gprs_asm.h"

#define USER_RFLAGS 0x2                 /* interrupts stay off in ring 3 too */
#define NR_SYSCALLS 64
/* struct percpu (main.c): the kernel stack top, then a scratch word for the user rsp. */
#define PERCPU_KERNEL_SP 0
#define PERCPU_USER_SP 8

        .code64
        .text

/*
 * uint64_t native_user_run(bench_loop loop, uint64_t iterations, uint64_t nr,
 *                          uint64_t arg, const void *entry)
 */
        .globl native_user_run
        .type native_user_run, @function
native_user_run:
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, native_kernel_rsp(%rip)
        mov     %rdi, %r12
        mov     %rsi, %rbx
        mov     %rdx, %r13
        mov     %rcx, %r14
        mov     %r8, %r15
        lea     bench_user_trampoline(%rip), %rcx
        mov     $USER_RFLAGS, %r11d
        lea     native_user_stack_top(%rip), %rsp
        sysretq
        .size native_user_run, . - native_user_run

/* Back from ring 3 for good: return rdi from native_user_run(). */
        .globl native_exit_from_user
        .type native_exit_from_user, @function
native_exit_from_user:
        mov     %rdi, %rax
        mov     native_kernel_rsp(%rip), %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size native_exit_from_user, . - native_exit_from_user

        .globl native_syscall_bare
        .type native_syscall_bare, @function
native_syscall_bare:
        cmp     $BENCH_NR_EXIT, %eax
        je      native_exit_from_user
        sysretq
        .size native_syscall_bare, . - native_syscall_bare

/* The frame native_syscall_kernel saves (struct syscall_frame in main.c). */
        .globl native_syscall_kernel
        .type native_syscall_kernel, @function
native_syscall_kernel:
        swapgs
        mov     %rsp, %gs:PERCPU_USER_SP
        mov     %gs:PERCPU_KERNEL_SP, %rsp
        pushq   $USER_DS                        /* ss */
        pushq   %gs:PERCPU_USER_SP              /* rsp */
        push    %r11                            /* rflags */
        pushq   $USER_CS                        /* cs */
        push    %rcx                            /* rip */
        push    %rax                            /* the number */
        SAVE_GPRS
        mov     $-38, %rax                      /* -ENOSYS unless a handler answers */
        mov     15 * 8(%rsp), %rcx              /* the number */
        cmp     $NR_SYSCALLS, %rcx
        jae     1f
        mov     %rsp, %rdi
        call    *native_syscall_table(, %rcx, 8)
1:      mov     %rax, 10 * 8(%rsp)              /* the frame's rax: the result */
        RESTORE_GPRS
        add     $8, %rsp                        /* the number */
        pop     %rcx                            /* rip */
        add     $8, %rsp                        /* cs */
        pop     %r11                            /* rflags */
        pop     %rsp                            /* the user's rsp */
        swapgs
        sysretq
        .size native_syscall_kernel, . - native_syscall_kernel

/* The same bytes as a hypercall page entry (pv/domain_build.c), for the null system
 * call: what bench_loop_call calls natively. */
        .globl native_syscall_stub
        .type native_syscall_stub, @function
        .balign 32
native_syscall_stub:
        push    %rcx
        push    %r11
        mov     $BENCH_NR_NULL, %eax
        syscall
        pop     %r11
        pop     %rcx
        ret
        .size native_syscall_stub, . - native_syscall_stub

        .data
        .balign 8
native_kernel_rsp:
        .quad 0

        .bss
        .balign 16
        .skip 16384
native_user_stack_top:
