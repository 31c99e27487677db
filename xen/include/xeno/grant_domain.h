/*
 * A domain's grant state (xen/grant_domain.c): its own grant table (what it
 * grants, xeno/grant_table.h) and its handles (what it maps of others'),
 * created on its first grant_table_op, torn down when it is destroyed.
 *
 * Grant-table frames are frames of the domain's own (owner, allocation
 * reference, on its page list) that the hypervisor also holds writable, like
 * shared_info: the guest maps them writable with update_va_mapping or
 * mmu_update, cannot give them back or make them page tables, and they go
 * back to the allocator with the domain's other frames.
 *
 * Every function here runs under the memory lock (pv_mm_lock).
 */
#ifndef XENO_GRANT_DOMAIN_H
#define XENO_GRANT_DOMAIN_H
#include <stdbool.h>
#include <stdint.h>
#include <pv/grant_map.h>
#include <xeno/grant_table.h>

/* Frames a domain's table may grow to: Xen's default (max_grant_frames). */
#define GRANT_DOMAIN_FRAMES 32
/* Grants a domain may map at once; its handles grow on demand, doubling
 * from GRANT_DOMAIN_HANDLES_FIRST, so a domain that maps little pays little. */
#define GRANT_DOMAIN_HANDLES 1024
#define GRANT_DOMAIN_HANDLES_FIRST 32

/* What a handle's mapping is, beside what the core's handle records. */
struct grant_mapping {
    uint64_t host_addr;         /* the mapper's virtual address */
    uint64_t frame;             /* the granted frame */
    struct pv_grant_pte pte;    /* the entry that maps it */
};

struct grant_domain {
    struct gnttab table;
    struct gnttab_maptrack maptrack;
    struct grant_mapping *maps;     /* maptrack.nr of them, by handle */
};

struct domain;

/* d's grant state, created on first use; NULL when out of memory. */
struct grant_domain *grant_domain_of(struct domain *d);
/* Room for one more mapping in g's handles: 0, or -ENOSPC at the limit
 * (or out of memory). */
int grant_domain_reserve_handle(struct grant_domain *g);
/* d's grant table if it has one (a domain that never made a grant_table_op
 * has none: every ref of it is out of range). */
struct gnttab *grant_table_if_any(struct domain *d);
/* The bytes d's grant state holds: its structure, each table frame (not
 * charged to the domain's memory limit) and the frame's active entries. */
size_t grant_domain_xen_memory(const struct domain *d);
/* Is mfn one of d's grant-table frames? (They cannot be given back.) */
bool grant_frame_held(const struct domain *d, uint64_t mfn);
/* Does d map any grant (of any domain) now? */
bool grant_domain_maps_any(const struct domain *d);
/*
 * At d's destruction: drop every grant d maps (its own page tables go with
 * the domain), take away every mapping other domains hold of d's grants
 * (their entries cleared, their handles freed: the frames must come back
 * with d's), and free d's table.  Caller holds the memory lock and has
 * paused those other domains with domain_pause_quiet, so no other CPU holds
 * the cleared entries in its TLB.
 */
void grant_domain_destroy(struct domain *d);
#endif
