/*
 * Saving and restoring the fifteen general registers in struct cpu_regs order
 * (traps.h), for the guest runtime's trap entry and the native benchmark kernel's
 * syscall entry, which lay out the same frame; and the C ABI's callee-saved
 * registers. Assembly only.
 */
#ifndef XTEST_GPRS_ASM_H
#define XTEST_GPRS_ASM_H

/* Lowest address first: r15 at the stack pointer, rdi highest. */
.macro SAVE_GPRS
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
.endm

.macro RESTORE_GPRS
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rax
        pop     %rcx
        pop     %rdx
        pop     %rsi
        pop     %rdi
.endm

/* rbp, rbx, r12-r15 onto the stack and back, in this order. */
.macro PUSH_CALLEE_SAVED
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
.endm

.macro POP_CALLEE_SAVED
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
.endm

#endif
