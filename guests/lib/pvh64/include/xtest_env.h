/*
 * What the pvh64 environment gives the environment-neutral runtime and tests
 * (lib/include/xtest.h; the pv64 side is lib/pv64/include/xtest_env.h).
 */
#ifndef GUEST_XTEST_ENV_H
#define GUEST_XTEST_ENV_H

/* A PVH domain: a VT-x container whose kernel runs at CPL 0 on its own page
 * tables in guest-physical memory [0, memory). No start_info, p2m or M2P, no
 * PV page-table or descriptor hypercalls: checks of those do not apply here. */
#define XTEST_ENV_PV 0

/* A hypercall is `vmcall` from CPL 0 with Xen's HVM register ABI: five argument
 * registers (rdi, rsi, rdx, r10, r8), result in rax, every other register kept. */
#define XTEST_HYPERCALL_INSN vmcall
#define XTEST_HYPERCALL_ARGS 5
#define XTEST_HYPERCALL_CLOBBERS_RCX_R11 0

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The frame number the hypervisor's interfaces take for guest address VA (grant
 * entries, GNTTABOP_copy's gmfn): a PVH domain names its guest frames, and the
 * runtime's page tables map every address to the same guest-physical one. */
static inline uint64_t virt_to_mfn(uint64_t va)
{
    return va / 4096;
}
#endif

#endif /* GUEST_XTEST_ENV_H */
