/*
 * A vCPU's general registers as the exit stub saves them (hvm/vmx/entry.S).
 * They are kept in ModRM order, so an instruction's register number indexes
 * gpr[] directly (decoder, CR and I/O handlers). RSP, RIP and RFLAGS live in
 * the VMCS/VMCB while the guest runs; the vendor code copies them here on
 * every exit and back before every entry. Usable from assembly.
 */
#ifndef HVM_REGS_H
#define HVM_REGS_H

#define HVM_GPR_RAX 0
#define HVM_GPR_RCX 1
#define HVM_GPR_RDX 2
#define HVM_GPR_RBX 3
#define HVM_GPR_RSP 4
#define HVM_GPR_RBP 5
#define HVM_GPR_RSI 6
#define HVM_GPR_RDI 7
#define HVM_GPR_R8 8
#define HVM_GPR_R15 15
#define HVM_NR_GPRS 16

/* Byte offsets of struct hvm_regs for the exit stub. */
#define HVM_REGS_GPR(n) ((n) * 8)
#define HVM_REGS_RIP (HVM_NR_GPRS * 8)
#define HVM_REGS_RFLAGS (HVM_REGS_RIP + 8)
#define HVM_REGS_CR2 (HVM_REGS_RFLAGS + 8)

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct hvm_regs {
    uint64_t gpr[HVM_NR_GPRS];
    uint64_t rip, rflags;
    uint64_t cr2;       /* not switched by VM entry or exit: the vendor code does it */
};
_Static_assert(offsetof(struct hvm_regs, rip) == HVM_REGS_RIP, "entry.S");
_Static_assert(offsetof(struct hvm_regs, rflags) == HVM_REGS_RFLAGS, "entry.S");
_Static_assert(offsetof(struct hvm_regs, cr2) == HVM_REGS_CR2, "entry.S");
#endif
#endif
