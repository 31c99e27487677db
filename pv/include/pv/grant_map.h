/*
 * Grant mappings in a PV domain's page tables (pv/grant_map.c): the page-table
 * half of map_grant_ref and unmap_grant_ref.  The entry goes in through the
 * same validation and reference machinery as mmu_update
 * (pv_validate_grant_entry), so the mapper holds a general reference on the
 * granted frame (and a writable one for a writable mapping) for as long as
 * the entry exists, and the frame cannot be freed or retyped under it.
 *
 * Callers hold the memory lock (pv_mm_lock) and the grant pin.
 */
#ifndef PV_GRANT_MAP_H
#define PV_GRANT_MAP_H
#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct domain;

/* Where a grant mapping's entry lives. */
struct pv_grant_pte {
    uint64_t l1_mfn;            /* the L1 table that holds it */
    unsigned int slot;
};

/*
 * Map frame (owned by granter) at guest virtual address va of v's current
 * page tables, read-only or writable; avail (0..7) goes into the entry's
 * software bits 9-11 (XENFEAT_gnttab_map_avail_bits).  Whatever the slot held
 * is replaced and its references dropped, as an mmu_update would.  Returns 0
 * with *where set, or -errno having changed nothing.
 */
int pv_grant_map(struct vcpu *v, uint64_t va, uint64_t frame, uint16_t granter,
                 bool readonly, unsigned int avail, struct pv_grant_pte *where);

/*
 * Clear the entry at *where if it still maps frame, dropping the mapping's
 * references, and flush va from this CPU's TLB.  0, or -EINVAL when the entry
 * no longer maps frame there (the mapper replaced or cleared it itself: its
 * references went with it).
 */
int pv_grant_unmap(struct domain *mapper, const struct pv_grant_pte *where, uint64_t va,
                   uint64_t frame);
#endif
