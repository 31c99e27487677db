/*
 * For the pv64 runtime's and tests' assembler: constants of public/xen.h, which is C
 * only (lib/pv64/traps.c checks they agree), and the C ABI's callee-saved registers.
 */
#ifndef GUEST_PV64_ASM_H
#define GUEST_PV64_ASM_H

#define HYPERVISOR_IRET 23      /* __HYPERVISOR_iret */
#define USER_CS 0xe033          /* FLAT_USER_CS64 */
#define USER_SS 0xe02b          /* FLAT_USER_SS64 */

#ifdef __ASSEMBLER__
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

#endif /* GUEST_PV64_ASM_H */
