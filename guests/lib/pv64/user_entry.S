/*
 * Into guest user mode and back (usermode.h). The way in is the iret hypercall with
 * a frame whose CS has RPL 3; the way out is a ud2 at user_exit_insn, which the #UD
 * handler recognises (usermode_trap) and answers by resuming user_call_asm's caller
 * in guest kernel mode with the result. The way out needs no syscall callback, so
 * tests may unregister it.
 */
#include "pv64_asm.h"

#define STACK_SIZE (4 * 4096)

        .code64
        .text

/*
 * long user_call_asm(long (*fn)(void *), void *arg, uint64_t rflags)
 * Runs fn(arg) in user mode with RFLAGS for the iret (IF: events on) and returns
 * what fn returned.
 */
        .globl user_call_asm
        .type user_call_asm, @function
user_call_asm:
        PUSH_CALLEE_SAVED
        mov     %rsp, user_caller_rsp(%rip)
        lea     user_stack_top(%rip), %rax
        mov     %rdi, -16(%rax)         /* fn and arg, for the trampoline to pop */
        mov     %rsi, -8(%rax)
        sub     $16, %rax
        /* The iret frame: RAX, R11, RCX, FLAGS, RIP, CS, RFLAGS, RSP, SS. */
        pushq   $USER_SS
        push    %rax
        push    %rdx
        pushq   $USER_CS
        lea     user_trampoline(%rip), %rax
        push    %rax
        pushq   $0
        pushq   $0
        pushq   $0
        pushq   $0
        mov     $HYPERVISOR_IRET, %eax
        syscall
        ud2                             /* iret does not return here */
        .size user_call_asm, . - user_call_asm

/* Guest user mode, rsp at fn and arg; 16-byte aligned once they are popped. */
        .type user_trampoline, @function
user_trampoline:
        pop     %rax
        pop     %rdi
        xor     %ebp, %ebp
        call    *%rax
        .globl user_exit_insn
user_exit_insn:
        ud2                             /* usermode_trap(): the end, result in rax */
        .size user_trampoline, . - user_trampoline

/* _Noreturn void user_return(long result): guest kernel mode again, on any stack. */
        .globl user_return
        .type user_return, @function
user_return:
        mov     %rdi, %rax
        mov     user_caller_rsp(%rip), %rsp
        POP_CALLEE_SAVED
        ret
        .size user_return, . - user_return

        .bss
        .balign 8
user_caller_rsp:
        .quad 0

        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .skip STACK_SIZE
        .globl user_stack_top
user_stack_top:
        .skip STACK_SIZE
        .globl user_kernel_stack_top
user_kernel_stack_top:
