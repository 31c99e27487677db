/*
 * Exception entry for a pvh64 test guest: the guest's own IDT (idt.c) points
 * vectors 0-31 here, and 0x80 (int $0x80, allowed from any ring as in pv64). The CPU pushed (lowest address first)
 *     [error code], RIP, CS, RFLAGS, RSP, SS
 * Each stub pushes a zero error code where the vector has none, and the vector,
 * so that every exception reaches do_trap() (lib/do_trap.c) with the same
 * struct cpu_regs (traps.h) as in pv64; the return is a plain iretq.
 */
#include "gprs_asm.h"
#include "trap_stubs_asm.h"

        .code64
        .text

.macro TRAP_STUB vector, has_error
        .globl entry_\vector
        .type entry_\vector, @function
entry_\vector:
        .if !\has_error
        push    $0
        .endif
        push    $\vector
        jmp     trap_common
        .size entry_\vector, . - entry_\vector
.endm

        TRAP_STUBS
        TRAP_STUB 0x80, 0

        .type trap_common, @function
trap_common:
        SAVE_GPRS
        cld
        mov     %rsp, %rdi
        mov     %rsp, %rbx
        and     $~15, %rsp              /* the C ABI's alignment */
        call    do_trap
        mov     %rbx, %rsp
        RESTORE_GPRS
        add     $16, %rsp               /* vector, error code */
        iretq
        .size trap_common, . - trap_common

/* The table idt.c builds the IDT from: the stubs of vectors 0-31 in order (0x80's
 * it names itself). */
        .section .rodata
        .balign 8
        .globl pvh_trap_stubs
pvh_trap_stubs:
        .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad   entry_\v
        .endr
