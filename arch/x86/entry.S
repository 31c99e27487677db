/*
 * One stub per vector (all 256, so even an unexpected vector is reported, not
 * a triple fault). Each stub makes the frame uniform (a zero error code where
 * the CPU pushes none; Intel SDM Vol. 3, 6.13), pushes its vector and joins
 * trap_common, which saves the general registers as a struct cpu_regs.
 */
#include <asm/desc.h>
#include <asm/percpu_offsets.h>
#include <asm/syscall.h>

#define TRAP_FRAME_RIP_OFFSET (17 * 8)          /* offsetof(struct cpu_regs, rip) */

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

/* In the page of entry_syscall.S (.text.entry, see there): its general paths
 * and its iretq return through restore_frame. */
        .section .text.entry, "ax"
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
/* Pop a whole frame (struct cpu_regs) at rsp and return to it: trap_common's
 * return, and the general paths of entry_syscall.S. */
        .globl restore_frame
restore_frame:
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
        .globl restore_iretq
restore_iretq:
        iretq
        .size trap_common, . - trap_common

/*
 * The iretq above faults (#GP, #NP or #SS, in the hypervisor) when the CS or SS
 * it returns to no longer names a usable descriptor: a guest changed its GDT
 * with update_descriptor while a vCPU of its had that selector loaded, and
 * that vCPU is now being resumed. The fault's own return lands here, with rsp
 * where the iretq left it: at the RIP slot of the frame it was popping.
 * pv_return_faulted() crashes that domain (only it) and runs something else.
 */
        .section .ex_table, "a"
        .quad restore_iretq, restore_iretq_fault
        .previous
        .type restore_iretq_fault, @function
restore_iretq_fault:
        sub $TRAP_FRAME_RIP_OFFSET, %rsp        /* back to the whole frame */
        mov %rsp, %rdi
        call pv_return_faulted
        ud2
        .size restore_iretq_fault, . - restore_iretq_fault
        .text

/*
 * SYSCALL from a PV guest at CPL3: RCX = its RIP, R11 = its RFLAGS, RSP still
 * its own. swapgs reaches this CPU's percpu (MSR_KERNEL_GS_BASE) just long
 * enough to switch stacks, then gives the guest its GS base back, so the rest
 * of the hypervisor never depends on GS. The frame built is the same as an
 * interrupt from CPL3, so trap_common and the return path serve both.
 * (syscall_entry64, with its fast paths, is in entry_syscall.S.)
 */
        .macro syscall_entry name, vector, guest_cs
        .globl \name
        .type \name, @function
\name:
        swapgs
        mov %rsp, %gs:PERCPU_SYSCALL_SCRATCH
        mov %gs:PERCPU_SYSCALL_STACK_TOP, %rsp
        pushq $GUEST_DS                         /* ss */
        pushq %gs:PERCPU_SYSCALL_SCRATCH        /* rsp */
        swapgs
        push %r11                               /* rflags */
        pushq $\guest_cs                        /* cs */
        push %rcx                               /* rip */
        pushq $0                                /* error code */
        pushq $\vector
        jmp trap_common
        .size \name, . - \name
        .endm

        syscall_entry syscall_entry32, VECTOR_SYSCALL32, GUEST_CS32

/* Resume whatever the trap frame at rdi describes (a guest, after a context
 * switch from the idle loop). */
        .globl return_to_guest_frame
        .type return_to_guest_frame, @function
return_to_guest_frame:
        mov %rdi, %rsp
        jmp restore_frame
        .size return_to_guest_frame, . - return_to_guest_frame

/* Switch to a new stack and call fn(); fn must not return. */
        .globl switch_stack_and_call
        .type switch_stack_and_call, @function
switch_stack_and_call:
        mov %rdi, %rsp
        xor %ebp, %ebp
        call *%rsi
        ud2
        .size switch_stack_and_call, . - switch_stack_and_call
