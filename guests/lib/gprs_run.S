/*
 * void gprs_run(const struct gprs *in, struct gprs *out, const void *code)
 *
 * Loads every general register but rsp from IN, calls CODE, and stores every
 * register into OUT, with OUT->rsp = rsp as CODE found it and OUT->rsp_delta = how
 * far rsp moved across the call (gprs.h). CODE: gprs_hypercall, gprs_syscall,
 * gprs_int3, or a hypercall page entry.
 */
#include "gprs_asm.h"
#include "xtest_env.h"

        .code64
        .text
        .globl gprs_run
        .type gprs_run, @function
gprs_run:
        PUSH_CALLEE_SAVED
        push    %rsi                    /* out */
        mov     %rdx, code(%rip)
        mov     %rsp, rsp_before(%rip)
        mov     0(%rdi), %rax
        mov     8(%rdi), %rbx
        mov     16(%rdi), %rcx
        mov     24(%rdi), %rdx
        mov     32(%rdi), %rsi
        mov     48(%rdi), %rbp
        mov     56(%rdi), %r8
        mov     64(%rdi), %r9
        mov     72(%rdi), %r10
        mov     80(%rdi), %r11
        mov     88(%rdi), %r12
        mov     96(%rdi), %r13
        mov     104(%rdi), %r14
        mov     112(%rdi), %r15
        mov     40(%rdi), %rdi
        call    *code(%rip)
        mov     %rsp, rsp_after(%rip)
        push    %rax
        mov     8(%rsp), %rax           /* out */
        mov     %rbx, 8(%rax)
        mov     %rcx, 16(%rax)
        mov     %rdx, 24(%rax)
        mov     %rsi, 32(%rax)
        mov     %rdi, 40(%rax)
        mov     %rbp, 48(%rax)
        mov     %r8, 56(%rax)
        mov     %r9, 64(%rax)
        mov     %r10, 72(%rax)
        mov     %r11, 80(%rax)
        mov     %r12, 88(%rax)
        mov     %r13, 96(%rax)
        mov     %r14, 104(%rax)
        mov     %r15, 112(%rax)
        pop     %rbx                    /* rax after CODE */
        mov     %rbx, 0(%rax)
        mov     rsp_before(%rip), %rbx
        sub     $8, %rbx                /* the return address of the call */
        mov     %rbx, 120(%rax)
        mov     rsp_after(%rip), %rbx
        sub     rsp_before(%rip), %rbx
        mov     %rbx, 128(%rax)
        pop     %rsi
        POP_CALLEE_SAVED
        ret
        .size gprs_run, . - gprs_run

/* A raw hypercall with the environment's instruction: rax = number, arguments as
 * loaded. */
        .globl gprs_hypercall
        .type gprs_hypercall, @function
gprs_hypercall:
        XTEST_HYPERCALL_INSN
        ret
        .size gprs_hypercall, . - gprs_hypercall

/* A bare `syscall` (pv64: a hypercall from guest kernel mode, a system call from
 * guest user mode). */
        .globl gprs_syscall
        .type gprs_syscall, @function
gprs_syscall:
        syscall
        ret
        .size gprs_syscall, . - gprs_syscall

/* A breakpoint the exception handler resumes from (the fixup table). */
        .globl gprs_int3
        .type gprs_int3, @function
gprs_int3:
        int3
1:      ret
        .pushsection .ex_table, "a"
        .balign 8
        .quad 1b, 1b
        .popsection
        .size gprs_int3, . - gprs_int3

        .bss
        .balign 8
code:   .quad 0
rsp_before:
        .quad 0
rsp_after:
        .quad 0
