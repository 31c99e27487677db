/* Glue between domains and the page-reference machinery (pv/mm.c). */
#ifndef PV_MM_H
#define PV_MM_H
#include <stddef.h>
#include <stdint.h>

struct domain;

/* Install the validation hooks and the hypervisor's L4 slots (once, at boot,
 * after paging and the M2P are set up). */
void pv_mm_init(void);
/* The one lock around every change of frame references and page tables. */
unsigned long pv_mm_lock(void);
void pv_mm_unlock(unsigned long flags);
/* TLB flushes for d's page-table changes: every CPU on its tables now, and
 * this one (which may be on them, or go back to them). Callable with the
 * memory lock held. */
void pv_flush_domain(struct domain *d);
/* One address here, and everything on the other CPUs on d's tables. */
void pv_flush_domain_va(struct domain *d, uint64_t va);
/* Drop everything the domain holds on its frames (CR3 references, pins,
 * allocations); every frame goes back to the allocator as its last reference
 * goes. Returns how many frames were released. Caller holds the lock. */
unsigned long pv_mm_release_domain(struct domain *d);
/* Make the kernel (or user) base the given L4, moving the reference the vCPU
 * holds; 0 for no user base. -EINVAL unless mfn is an L4 the domain may use. */
struct vcpu;
int pv_set_baseptr(struct vcpu *v, uint64_t mfn, int user);
/* The L1 table (*l1_mfn) that maps va, walking from the L4 at l4_mfn through
 * tables d owns that are validated at their level: 0, or -EINVAL where the
 * walk leaves them (or meets a superpage).  Caller holds the lock. */
long pv_find_l1(const struct domain *d, uint64_t l4_mfn, uint64_t va, uint64_t *l1_mfn);
/*
 * The batch loop mmu_update and mmuext_op share: apply each request with one()
 * under the memory lock, stop at the first error, report progress in *done (a
 * 32-bit count, if the guest gave the pointer), and preempt long batches: bit
 * 31 of count marks a continued batch whose progress is in *done.  Requests
 * are copied in chunks of up to PV_BATCH_CHUNK, and each chunk is applied
 * under one hold of the lock; preemption is checked between chunks, which
 * end at every point hypercall_preempt_every names.
 */
#define PV_BATCH_PREEMPTED (1U << 31)
#define PV_BATCH_CHUNK 16
#define PV_BATCH_REQ_MAX 32      /* bytes in one request, at most */
/* What one() may remember from one request to the next, for as long as the
 * lock is held: pv_run_batch clears it (level = 0) each time it takes the
 * lock. mmu_update keeps the table its last entry went to. */
struct pv_batch_cache {
    uint64_t table_mfn;
    unsigned int level;         /* the table's level; 0: nothing kept */
};
long pv_run_batch(struct vcpu *v, uint64_t list, size_t req_size, uint64_t count,
                  uint64_t pdone, uint64_t foreigndom,
                  long (*one)(struct vcpu *v, const void *req, struct pv_batch_cache *c));
#endif
