/*
 * iret_to_landing and iret_landing (main.c): into the iret hypercall with every
 * register but rax, rcx, r11 and rsp loaded, and what the code the frame returns to
 * finds. Offsets: struct gprs (gprs.h) and struct landing (main.c).
 */
#include "pv64_asm.h"

#define LANDED_RSP 136
#define LANDED_RFLAGS 144
#define LANDED_CS 152
#define LANDED_SS 160

        .code64
        .text

/* void iret_to_landing(const struct iret_context *frame, const struct gprs *in) */
        .globl iret_to_landing
        .type iret_to_landing, @function
iret_to_landing:
        PUSH_CALLEE_SAVED
        mov     %rsp, caller_rsp(%rip)
        mov     %rsi, %rax
        mov     %rdi, %rsp              /* the frame the iret reads */
        mov     8(%rax), %rbx
        mov     24(%rax), %rdx
        mov     32(%rax), %rsi
        mov     40(%rax), %rdi
        mov     48(%rax), %rbp
        mov     56(%rax), %r8
        mov     64(%rax), %r9
        mov     72(%rax), %r10
        mov     88(%rax), %r12
        mov     96(%rax), %r13
        mov     104(%rax), %r14
        mov     112(%rax), %r15
        mov     $HYPERVISOR_IRET, %eax
        syscall
        ud2                             /* iret does not return here */
        .size iret_to_landing, . - iret_to_landing

/* Where the frames send the iret: record everything, then back to the caller. */
        .globl iret_landing
        .type iret_landing, @function
iret_landing:
        mov     %rsp, iret_landed+LANDED_RSP(%rip)
        pushfq
        popq    iret_landed+LANDED_RFLAGS(%rip)
        movw    %cs, iret_landed+LANDED_CS(%rip)
        movw    %ss, iret_landed+LANDED_SS(%rip)
        mov     %rax, iret_landed+0(%rip)
        mov     %rbx, iret_landed+8(%rip)
        mov     %rcx, iret_landed+16(%rip)
        mov     %rdx, iret_landed+24(%rip)
        mov     %rsi, iret_landed+32(%rip)
        mov     %rdi, iret_landed+40(%rip)
        mov     %rbp, iret_landed+48(%rip)
        mov     %r8, iret_landed+56(%rip)
        mov     %r9, iret_landed+64(%rip)
        mov     %r10, iret_landed+72(%rip)
        mov     %r11, iret_landed+80(%rip)
        mov     %r12, iret_landed+88(%rip)
        mov     %r13, iret_landed+96(%rip)
        mov     %r14, iret_landed+104(%rip)
        mov     %r15, iret_landed+112(%rip)
        mov     caller_rsp(%rip), %rsp
        pushq   $2                      /* plain flags for C again (DF, NT clear) */
        popfq
        POP_CALLEE_SAVED
        ret
        .size iret_landing, . - iret_landing

        .bss
        .balign 8
caller_rsp:
        .quad 0
