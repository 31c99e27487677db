/*
 * xeno_stats (Xeno's own hypercall 57): what the hypervisor has counted for the
 * calling domain, so guest tests can see which path served them (the fast paths
 * of arch/x86/entry_syscall.S above all). Counts only grow.
 */
#ifndef PUBLIC_XENO_STATS_H
#define PUBLIC_XENO_STATS_H
#include <stdint.h>

struct xeno_stats {
    uint64_t hypercalls;        /* every dispatched call, multicall entries too */
    uint64_t fast_bounces;      /* user-mode system calls bounced by the fast path */
    uint64_t fast_irets;        /* iret hypercalls completed by the fast path */
    uint64_t fast_iret_sysrets; /* ... of which it returned by sysretq */
    uint64_t cpu_moves;         /* its vCPUs loaded on another CPU than they last ran on */
};
_Static_assert(sizeof(struct xeno_stats) == 40, "xeno_stats layout");

#endif
