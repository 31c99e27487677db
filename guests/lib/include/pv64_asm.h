/*
 * For the pv64 runtime's and tests' assembler: constants of public/xen.h, which is C
 * only (lib/pv64/traps.c checks they agree), and (gprs_asm.h) the C ABI's
 * callee-saved registers.
 */
#ifndef GUEST_PV64_ASM_H
#define GUEST_PV64_ASM_H

#define HYPERVISOR_IRET 23      /* __HYPERVISOR_iret */
#define USER_CS 0xe033          /* FLAT_USER_CS64 */
#define USER_SS 0xe02b          /* FLAT_USER_SS64 */

#ifdef __ASSEMBLER__
#include "gprs_asm.h"       /* PUSH_CALLEE_SAVED, POP_CALLEE_SAVED */
#endif

#endif /* GUEST_PV64_ASM_H */
