/*
 * The measuring loops, shared byte for byte by the PV and PVH benchmark guests and
 * the native benchmark kernel, so every side runs exactly the same instructions
 * around the one it measures. Each returns the TSC cycles its loop took (rdtsc
 * before and after). Under QEMU's -icount shift=0 and Bochs's `clock: sync=none`
 * the TSC counts instructions, so a loop minus its "_empty" twin (the same loop
 * without the syscall, vmcall or call) is the number of instructions one round
 * trip executes, repeatably.
 *
 * SysV calling convention: rdi = iterations (at least 1), rsi = syscall number (rax
 * at the syscall), rdx = its first argument (rdi at the syscall, rsi = 0), rcx = the
 * entry the _call loops call. Every loop keeps rbx, rbp and r12-r15; the syscall
 * and whatever it reaches may clobber rcx and r11 (and rax: the result).
 */
        .code64
        .text

/* rdtsc into %r\reg (a full 64-bit value); clobbers rax and rdx. */
.macro TSC_INTO reg
        rdtsc
        shl     $32, %rdx
        or      %rax, %rdx
        mov     %rdx, %\reg
.endm

.macro PROLOGUE
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rdi, %rbx              /* iterations */
        mov     %rsi, %r14              /* number */
        mov     %rdx, %r15              /* argument */
        mov     %rcx, %r13              /* entry (the _call loops) */
        TSC_INTO r12
.endm

.macro EPILOGUE
        TSC_INTO rax
        sub     %r12, %rax
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        ret
.endm

/* A loop of system calls or hypercalls made with the instruction INSN. */
.macro CALL_LOOP name, insn
        .globl \name
        .type \name, @function
\name:
        PROLOGUE
        .balign 16
1:      mov     %r14, %rax
        mov     %r15, %rdi
        xor     %esi, %esi
        \insn
        dec     %rbx
        jnz     1b
        EPILOGUE
        .size \name, . - \name
.endm

/* uint64_t bench_loop_syscall(uint64_t iterations, uint64_t nr, uint64_t arg); and
 * bench_loop_vmcall, the same loop as a PVH kernel makes its hypercalls (only the
 * PVH benchmark guest calls it). Both have bench_loop_syscall_empty as their twin. */
        CALL_LOOP bench_loop_syscall, syscall
        CALL_LOOP bench_loop_vmcall, vmcall

        .globl bench_loop_syscall_empty
        .type bench_loop_syscall_empty, @function
bench_loop_syscall_empty:
        PROLOGUE
        .balign 16
1:      mov     %r14, %rax
        mov     %r15, %rdi
        xor     %esi, %esi
        dec     %rbx
        jnz     1b
        EPILOGUE
        .size bench_loop_syscall_empty, . - bench_loop_syscall_empty

/* uint64_t bench_loop_call(uint64_t iterations, uint64_t nr, uint64_t arg,
 *                          const void *entry): the entry sets the number itself (as a
 * hypercall page entry does); nr is unused. */
        .globl bench_loop_call
        .type bench_loop_call, @function
bench_loop_call:
        PROLOGUE
        .balign 16
1:      mov     %r15, %rdi
        xor     %esi, %esi
        call    *%r13
        dec     %rbx
        jnz     1b
        EPILOGUE
        .size bench_loop_call, . - bench_loop_call

        .globl bench_loop_call_empty
        .type bench_loop_call_empty, @function
bench_loop_call_empty:
        PROLOGUE
        .balign 16
1:      mov     %r15, %rdi
        xor     %esi, %esi
        dec     %rbx
        jnz     1b
        EPILOGUE
        .size bench_loop_call_empty, . - bench_loop_call_empty

/*
 * User mode starts here (the kernel's iret or sysret sets rip to it, with r12 = the
 * loop, rbx = iterations, r13 = nr, r14 = arg, r15 = entry, rsp = a user stack):
 * runs the loop, then gives its result back with the BENCH_NR_EXIT system call.
 */
#include "bench.h"

        .globl bench_user_trampoline
        .type bench_user_trampoline, @function
bench_user_trampoline:
        mov     %rbx, %rdi
        mov     %r13, %rsi
        mov     %r14, %rdx
        mov     %r15, %rcx
        call    *%r12
        mov     %rax, %rdi
        mov     $BENCH_NR_EXIT, %eax
        syscall
        ud2                             /* the exit call does not return */
        .size bench_user_trampoline, . - bench_user_trampoline
