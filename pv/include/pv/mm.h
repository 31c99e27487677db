/* Glue between domains and the page-reference machinery (pv/mm.c). */
#ifndef PV_MM_H
#define PV_MM_H
#include <stdint.h>

struct domain;

/* Install the validation hooks and the hypervisor's L4 slots (once, at boot,
 * after paging and the M2P are set up). */
void pv_mm_init(void);
/* The one lock around every change of frame references and page tables. */
unsigned long pv_mm_lock(void);
void pv_mm_unlock(unsigned long flags);
/* Drop everything the domain holds on its frames (CR3 references, pins,
 * allocations); every frame goes back to the allocator as its last reference
 * goes. Returns how many frames were released. Caller holds the lock. */
unsigned long pv_mm_release_domain(struct domain *d);
/* Make the kernel (or user) base the given L4, moving the reference the vCPU
 * holds; 0 for no user base. -EINVAL unless mfn is an L4 the domain may use. */
struct vcpu;
int pv_set_baseptr(struct vcpu *v, uint64_t mfn, int user);
#endif
