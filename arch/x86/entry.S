/*
 * One stub per vector (all 256, so even an unexpected vector is reported, not
 * a triple fault). Each stub makes the frame uniform (a zero error code where
 * the CPU pushes none; Intel SDM Vol. 3, 6.13), pushes its vector and joins
 * trap_common, which saves the general registers as a struct cpu_regs.
 */
        .text
        .altmacro
        .macro trap_stub vec
        .balign 16
        .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
        /* the CPU pushed an error code */
        .else
        pushq $0
        .endif
        pushq $\vec
        jmp trap_common
        .endm

        .balign 16
        .globl trap_stubs
trap_stubs:
        .set vec, 0
        .rept 256
        trap_stub %vec
        .set vec, vec + 1
        .endr

        .type trap_common, @function
trap_common:
        cld
        push %rax
        push %rbx
        push %rcx
        push %rdx
        push %rsi
        push %rdi
        push %rbp
        push %r8
        push %r9
        push %r10
        push %r11
        push %r12
        push %r13
        push %r14
        push %r15
        mov %rsp, %rdi
        call do_trap
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %r11
        pop %r10
        pop %r9
        pop %r8
        pop %rbp
        pop %rdi
        pop %rsi
        pop %rdx
        pop %rcx
        pop %rbx
        pop %rax
        add $16, %rsp                   /* vector and error code */
        iretq
        .size trap_common, . - trap_common

/* Switch to a new stack and call fn(); fn must not return. */
        .globl switch_stack_and_call
        .type switch_stack_and_call, @function
switch_stack_and_call:
        mov %rdi, %rsp
        xor %ebp, %ebp
        call *%rsi
        ud2
        .size switch_stack_and_call, . - switch_stack_and_call
