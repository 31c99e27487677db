/*
 * long pvh_user_hypercall(unsigned long nr, unsigned long a1)   (pvh.h)
 *
 * A hypercall from guest user mode: iretq to CPL 3 (the runtime's DPL 3
 * segments, its own small stack, IF off) at a `vmcall` with rax = NR and
 * rdi = A1, followed by a ud2. The #UD comes back to CPL 0 on the TSS's RSP0
 * stack; arch_trap_enter() (idt.c) recognises it and calls pvh_user_return(),
 * which resumes this function's caller with the rax user mode ended with.
 */
#include "gprs_asm.h"
#include "pvh.h"

        .code64
        .text
        .globl pvh_user_hypercall, pvh_user_end, pvh_user_return
        .type pvh_user_hypercall, @function
pvh_user_hypercall:
        PUSH_CALLEE_SAVED
        mov     %rsp, kernel_rsp(%rip)
        mov     %rdi, %rax
        mov     %rsi, %rdi
        pushq   $PVH_USER_DS                    /* SS */
        lea     pvh_user_stack_top(%rip), %rcx
        push    %rcx                            /* RSP */
        pushq   $0x2                            /* RFLAGS: the fixed bit only */
        pushq   $PVH_USER_CS                    /* CS */
        lea     user_code(%rip), %rcx
        push    %rcx                            /* RIP */
        iretq
user_code:
        vmcall
pvh_user_end:
        ud2
        .size pvh_user_hypercall, . - pvh_user_hypercall

/* _Noreturn void pvh_user_return(long rax) */
        .type pvh_user_return, @function
pvh_user_return:
        mov     %rdi, %rax
        mov     kernel_rsp(%rip), %rsp
        /* The way down to CPL 3 nulled the data segments (SDM Vol. 3A 6.14.3). */
        mov     $PVH_KERNEL_DS, %ecx
        mov     %ecx, %ds
        mov     %ecx, %es
        mov     %ecx, %ss
        POP_CALLEE_SAVED
        ret
        .size pvh_user_return, . - pvh_user_return

        .bss
        .balign 8
kernel_rsp:
        .quad 0
