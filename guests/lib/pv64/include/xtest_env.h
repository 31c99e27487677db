/*
 * What the pv64 environment gives the environment-neutral runtime and tests
 * (lib/include/xtest.h). Each environment has this header in its own include
 * directory (guests/SConscript puts lib/ENV/include first), so neutral code
 * names one contract and the build picks its side; usable from assembly.
 */
#ifndef GUEST_XTEST_ENV_H
#define GUEST_XTEST_ENV_H

/* A 64-bit PV domain: its kernel runs at CPL 3 on page tables the hypervisor
 * validates, with start_info, the p2m and the M2P. Checks of those apply only
 * here (xtest_applies()). */
#define XTEST_ENV_PV 1

/* A hypercall from guest kernel mode is a bare `syscall` (docs/abi.md); Xeno's PV
 * ABI passes six argument registers (rdi, rsi, rdx, r10, r8, r9), and the
 * instruction itself clobbers rcx and r11. */
#define XTEST_HYPERCALL_INSN syscall
#define XTEST_HYPERCALL_ARGS 6
#define XTEST_HYPERCALL_CLOBBERS_RCX_R11 1

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <public/xen.h>

extern struct start_info *xtest_start_info;

/* The frame number the hypervisor's interfaces take for guest address VA (grant
 * entries, GNTTABOP_copy's gmfn): the machine frame. The image runs at VIRT_BASE
 * 0, so its pfn is VA / 4K, and start_info's p2m list gives the mfn. */
static inline uint64_t virt_to_mfn(uint64_t va)
{
    return ((const uint64_t *)xtest_start_info->mfn_list)[va / 4096];
}
#endif

#endif /* GUEST_XTEST_ENV_H */
