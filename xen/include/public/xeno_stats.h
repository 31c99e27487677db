/*
 * xeno_stats (Xeno's own hypercall 57): what the hypervisor has counted for the
 * calling domain, so guest tests can see which path served them (the fast paths
 * of arch/x86/entry_syscall.S above all), and for the calling vCPU of a PVH
 * domain its VM exits, so benchmarks can give exits per operation. Counts only
 * grow. Fields are only ever appended: the offsets below are the ABI.
 */
#ifndef PUBLIC_XENO_STATS_H
#define PUBLIC_XENO_STATS_H
#include <stdint.h>

struct xeno_stats {
    uint64_t hypercalls;        /* every dispatched call, multicall entries too */
    uint64_t fast_bounces;      /* user-mode system calls bounced by the fast path */
    uint64_t fast_irets;        /* iret hypercalls completed by the fast path */
    uint64_t fast_iret_sysrets; /* ... of which it returned by sysretq */
    /* The calling vCPU's VM exits of every kind (0 for a PV domain), the
     * call's own VMCALL included; and of those, the ones the host caused
     * (external interrupts, NMIs, the preemption timer), not the guest. */
    uint64_t vcpu_exits;
    uint64_t vcpu_host_exits;
    uint64_t cpu_moves;         /* its vCPUs loaded on another CPU than they last ran on */
};

_Static_assert(__builtin_offsetof(struct xeno_stats, hypercalls) == 0 &&
               __builtin_offsetof(struct xeno_stats, fast_bounces) == 8 &&
               __builtin_offsetof(struct xeno_stats, fast_irets) == 16 &&
               __builtin_offsetof(struct xeno_stats, fast_iret_sysrets) == 24 &&
               __builtin_offsetof(struct xeno_stats, vcpu_exits) == 32 &&
               __builtin_offsetof(struct xeno_stats, vcpu_host_exits) == 40 &&
               __builtin_offsetof(struct xeno_stats, cpu_moves) == 48 &&
               sizeof(struct xeno_stats) == 56, "xeno_stats layout");

#endif
