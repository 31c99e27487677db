/*
 * Event callbacks for tests with two vCPUs (include/smp.h): one entry per vCPU,
 * so the callback itself proves which vCPU the hypervisor delivered to. Each
 * saves the registers C may clobber (RCX and R11 are in the bounce frame), calls
 * smp_on_upcall(vcpu) on a 16-byte aligned stack and returns through
 * HYPERVISOR_iret as lib/pv64/upcall.S does.
 */
        .macro smp_upcall name, vcpu
        .text
        .globl \name
\name:
        push %rax
        push %rdx
        push %rsi
        push %rdi
        push %r8
        push %r9
        push %r10
        push %rbp
        mov %rsp, %rbp
        and $-16, %rsp
        mov $\vcpu, %edi
        call smp_on_upcall
        mov %rbp, %rsp
        pop %rbp
        pop %r10
        pop %r9
        pop %r8
        pop %rdi
        pop %rsi
        pop %rdx
        pop %rax
        pop %rcx
        pop %r11
        pushq $0
        jmp hypercall_page + 23 * 32
        .endm

        smp_upcall smp_upcall_vcpu0, 0
        smp_upcall smp_upcall_vcpu1, 1
