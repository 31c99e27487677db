/*
 * Entering a VT-x guest and coming back. vmx_enter_guest is an ordinary C
 * call: it saves the callee-saved registers on this CPU's stack, points the
 * VMCS's HOST_RSP at that frame, loads the guest's registers from struct
 * hvm_regs and runs VMLAUNCH or VMRESUME. A VM exit starts vmx_exit_stub
 * (HOST_RIP) on that same frame with interrupts off (Vol. 3C 27.5.3: RFLAGS
 * is 0x2); it stores the guest's registers back and returns 0 from
 * vmx_enter_guest, so the exit is handled by plain C on the caller's stack.
 * When the VM-entry instruction itself fails it falls through: 1 for
 * VMfailInvalid (CF), 2 for VMfailValid (ZF), Vol. 3C 30.2.
 */
#include <hvm/regs.h>

#define VMCS_HOST_RSP 0x6c14
#define GPR(n) HVM_REGS_GPR(HVM_GPR_##n)

        .text
        .globl vmx_enter_guest
        .type vmx_enter_guest, @function
vmx_enter_guest:
        push %rbp
        mov %rsp, %rbp
        push %rbx
        push %r12
        push %r13
        push %r14
        push %r15
        push %rdi                       /* regs, for the exit stub at 8(%rsp) */
        mov $VMCS_HOST_RSP, %eax
        vmwrite %rsp, %rax
        jbe .Lentry_failed
        test %sil, %sil                 /* launched? (mov leaves the flags alone) */
        mov GPR(RAX)(%rdi), %rax
        mov GPR(RCX)(%rdi), %rcx
        mov GPR(RDX)(%rdi), %rdx
        mov GPR(RBX)(%rdi), %rbx
        mov GPR(RBP)(%rdi), %rbp
        mov GPR(RSI)(%rdi), %rsi
        mov GPR(R8)(%rdi), %r8
        mov GPR(R8)+8(%rdi), %r9
        mov GPR(R8)+16(%rdi), %r10
        mov GPR(R8)+24(%rdi), %r11
        mov GPR(R8)+32(%rdi), %r12
        mov GPR(R8)+40(%rdi), %r13
        mov GPR(R8)+48(%rdi), %r14
        mov GPR(R8)+56(%rdi), %r15
        mov GPR(RDI)(%rdi), %rdi
        jnz 1f
        vmlaunch
        jmp .Lentry_failed
1:      vmresume
.Lentry_failed:
        mov $1, %eax
        mov $2, %ecx
        cmovz %ecx, %eax
        add $8, %rsp                    /* drop regs */
        jmp .Lreturn
        .size vmx_enter_guest, . - vmx_enter_guest

        .globl vmx_exit_stub
        .type vmx_exit_stub, @function
vmx_exit_stub:
        push %rdi
        mov 8(%rsp), %rdi
        mov %rax, GPR(RAX)(%rdi)
        mov %rcx, GPR(RCX)(%rdi)
        mov %rdx, GPR(RDX)(%rdi)
        mov %rbx, GPR(RBX)(%rdi)
        mov %rbp, GPR(RBP)(%rdi)
        mov %rsi, GPR(RSI)(%rdi)
        mov %r8, GPR(R8)(%rdi)
        mov %r9, GPR(R8)+8(%rdi)
        mov %r10, GPR(R8)+16(%rdi)
        mov %r11, GPR(R8)+24(%rdi)
        mov %r12, GPR(R8)+32(%rdi)
        mov %r13, GPR(R8)+40(%rdi)
        mov %r14, GPR(R8)+48(%rdi)
        mov %r15, GPR(R8)+56(%rdi)
        pop %rax
        mov %rax, GPR(RDI)(%rdi)
        add $8, %rsp                    /* drop regs */
        xor %eax, %eax
.Lreturn:
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbx
        pop %rbp
        ret
        .size vmx_exit_stub, . - vmx_exit_stub
