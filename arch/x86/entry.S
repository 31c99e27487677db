/*
 * One stub per vector (all 256, so even an unexpected vector is reported, not
 * a triple fault). Each stub makes the frame uniform (a zero error code where
 * the CPU pushes none; Intel SDM Vol. 3, 6.13), pushes its vector and joins
 * trap_common, which saves the general registers as a struct cpu_regs.
 */
#include <asm/desc.h>
#include <asm/percpu_offsets.h>
#include <asm/syscall.h>
#include <asm/entry_offsets.h>

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

/*
 * SYSCALL from a PV guest at CPL3: RCX = its RIP, R11 = its RFLAGS, RSP still
 * its own. swapgs reaches this CPU's percpu (MSR_KERNEL_GS_BASE) just long
 * enough to switch stacks, then gives the guest its GS base back, so the rest
 * of the hypervisor never depends on GS. The frame built is the same as an
 * interrupt from CPL3, so trap_common and the return path serve both.
 * (syscall_entry64, below, builds it in two steps.)
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

/*
 * 64-bit SYSCALL, with the hypercall fast path. A hypercall from guest kernel
 * mode whose handler is in hypercall_pv_fast_table runs with only the
 * registers the C calling convention lets it clobber saved (rax and the six
 * arguments; rbx, rbp and r12-r15 stay in the CPU, preserved by the handler),
 * calls the handler straight from the table with the guest's own argument
 * registers (r10 becomes rcx), and returns by sysretq when pv_return_to_guest
 * would have nothing to do. Everything else completes the frame (SAVE_REST)
 * and joins the general path: do_trap and pv_return_to_guest, then iretq.
 *
 * sysretq is taken only where it returns exactly what iretq would:
 *  - the RIP the guest returns to (RCX at entry, unchanged: no handler in the
 *    table writes the frame) is canonical. On Intel CPUs sysretq to a
 *    non-canonical RCX raises #GP in ring 0 on the guest's stack; a guest can
 *    arrange one by ending a syscall instruction at 0x00007fffffffffff.
 *  - RFLAGS (R11 at entry, unchanged) has neither TF (sysretq would trap at
 *    once in the guest, iretq after its next instruction) nor RF (sysretq
 *    cannot restore it) set.
 *  - CS and SS are GUEST_CS64 and GUEST_DS, as STAR makes sysretq load (checked
 *    below), and RCX/R11, which sysretq loads with RIP/RFLAGS, held just those
 *    at entry, as the frame's rcx/r11 do on the general path.
 *  - SS in the hypervisor is the non-null one SYSCALL loaded (no AMD SS
 *    attribute erratum): nothing between here and the sysretq changes it.
 */
        .if (GUEST_CS64 != GUEST_CS32 + 16) || (GUEST_DS != GUEST_CS32 + 8)
        .error "sysretq (STAR[63:48] = GUEST_CS32) would not load GUEST_CS64 and GUEST_DS"
        .endif

/* The registers the fast path leaves out of the frame, and the two it rebuilds. */
        .macro save_rest
        mov %rbx, FRAME_RBX(%rsp)
        mov %rbp, FRAME_RBP(%rsp)
        mov %r12, FRAME_R12(%rsp)
        mov %r13, FRAME_R13(%rsp)
        mov %r14, FRAME_R14(%rsp)
        mov %r15, FRAME_R15(%rsp)
        mov FRAME_RIP(%rsp), %rcx               /* what SYSCALL left in rcx */
        mov %rcx, FRAME_RCX(%rsp)
        mov FRAME_RFLAGS(%rsp), %r11            /* and in r11 */
        mov %r11, FRAME_R11(%rsp)
        movq $0, FRAME_ERROR_CODE(%rsp)
        movq $VECTOR_SYSCALL64, FRAME_VECTOR(%rsp)
        .endm

        .globl syscall_entry64
        .type syscall_entry64, @function
syscall_entry64:
        swapgs
        mov %rsp, %gs:PERCPU_SYSCALL_SCRATCH
        mov %gs:PERCPU_SYSCALL_STACK_TOP, %rsp
        pushq $GUEST_DS                         /* ss */
        pushq %gs:PERCPU_SYSCALL_SCRATCH        /* rsp */
        push %r11                               /* rflags */
        pushq $GUEST_CS64                       /* cs */
        push %rcx                               /* rip */
        mov %gs:PERCPU_SELF, %rcx               /* this CPU's percpu */
        swapgs
        sub $FRAME_RIP, %rsp                    /* the rest of the frame */
        mov %rax, FRAME_RAX(%rsp)
        mov %rdi, FRAME_RDI(%rsp)
        mov %rsi, FRAME_RSI(%rsp)
        mov %rdx, FRAME_RDX(%rsp)
        mov %r8, FRAME_R8(%rsp)
        mov %r9, FRAME_R9(%rsp)
        mov %r10, FRAME_R10(%rsp)
        mov %rcx, FRAME_ERROR_CODE(%rsp)        /* the percpu, until the exit */
        test $(ENTRY_EFLAGS_TF | ENTRY_EFLAGS_RF), %r11d
        jnz .Lsyscall_general
        mov FRAME_RIP(%rsp), %r11               /* canonical? */
        shl $16, %r11
        sar $16, %r11
        cmp FRAME_RIP(%rsp), %r11
        jne .Lsyscall_general
        mov PERCPU_CURRENT(%rcx), %rcx
        cmpb $0, VCPU_PV_KERNEL_MODE(%rcx)      /* from guest user mode: a bounce */
        je .Lsyscall_general
        cmp $ENTRY_NR_HYPERCALLS, %rax
        jae .Lsyscall_general
        lea hypercall_pv_fast_table(%rip), %r11
        mov (%r11, %rax, 8), %r11
        test %r11, %r11
        jz .Lsyscall_general
        mov VCPU_DOMAIN(%rcx), %rcx
        incq DOMAIN_STATS_HYPERCALLS(%rcx)
        mov %r10, %rcx                          /* the fourth argument */
        call *%r11
        cmp $-ENTRY_ERESTART, %rax
        je .Lhypercall_exit_general
        /* pv_return_to_guest's common case: no softirq, no scheduler request,
         * the vCPU may go on, and no event pending for it. */
        mov FRAME_ERROR_CODE(%rsp), %rcx        /* the percpu */
        mov PERCPU_SOFTIRQ_PENDING(%rcx), %rdx
        cmpq $0, (%rdx)
        jne .Lhypercall_exit_general
        mov PERCPU_SCHED_REQUESTED(%rcx), %rdx
        cmpb $0, (%rdx)
        jne .Lhypercall_exit_general
        mov PERCPU_CURRENT(%rcx), %rcx
        cmpl $ENTRY_VCPU_RUNNABLE, VCPU_STATE(%rcx)
        jne .Lhypercall_exit_general
        cmpl $0, VCPU_PAUSE_COUNT(%rcx)
        jne .Lhypercall_exit_general
        mov VCPU_VCPU_INFO(%rcx), %rdx
        cmpb $0, VCPU_INFO_UPCALL_PENDING(%rdx)
        jne .Lhypercall_exit_general
        mov VCPU_DOMAIN(%rcx), %rcx
        cmpl $ENTRY_DOMAIN_ACTIVE, DOMAIN_STATE(%rcx)
        jne .Lhypercall_exit_general
        mov FRAME_RDI(%rsp), %rdi
        mov FRAME_RSI(%rsp), %rsi
        mov FRAME_RDX(%rsp), %rdx
        mov FRAME_R8(%rsp), %r8
        mov FRAME_R9(%rsp), %r9
        mov FRAME_R10(%rsp), %r10
        mov FRAME_RIP(%rsp), %rcx
        mov FRAME_RFLAGS(%rsp), %r11
        mov FRAME_RSP(%rsp), %rsp               /* the guest's: no more memory accesses */
        sysretq

/* The handler has run; rax is its result. pv_hypercall_exit() stores it (or
 * sets up the continuation) and does what pv_return_to_guest does. */
.Lhypercall_exit_general:
        save_rest
        mov %rsp, %rdi
        mov %rax, %rsi
        call pv_hypercall_exit
        jmp restore_frame

/* Not a fast hypercall (or no sysretq possible): the general path, as any trap. */
.Lsyscall_general:
        save_rest
        mov %rsp, %rdi
        call do_trap
        jmp restore_frame
        .size syscall_entry64, . - syscall_entry64

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
