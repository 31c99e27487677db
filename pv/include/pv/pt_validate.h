/*
 * Validation of a 64-bit PV guest's page tables (pv/pt_validate.c): the
 * rules every entry of a table typed L1..L4 obeys, whole-table validation
 * when a frame takes its first page-table reference (page_ref_ops.validate)
 * and de-validation after its last (page_ref_ops.devalidate), and single
 * entry updates for mmu_update, update_va_mapping and writable page-table
 * emulation.
 *
 * A present entry of a validated table always holds the references it
 * needs, and nothing else does:
 *   L1 entry           a general reference on the frame it maps, plus a
 *                      PGT_writable_page reference when RW is set;
 *   L2/L3 superpage    the same on each of the 512 (2 MiB) or 512*512
 *     (PS, optional)   (1 GiB) frames it maps;
 *   L2 / L3 / L4 entry a general and an L1 / L2 / L3 reference on the table
 *                      it points to;
 *   linear self-map    none: an L2..L4 entry pointing at its own table,
 *                      allowed read-only only (through it the guest reads
 *                      its tables; written, it would own them).
 * Every present entry gets U (the guest kernel runs at CPL3) and loses G
 * (a guest translation must not outlive the switch to another domain).
 * Slots 256..271 of an L4 belong to the hypervisor: validation fills them
 * from the configured template and no update may touch them.
 *
 * Errors follow Xen's: -EINVAL for bad bits, foreign or missing frames of
 * upper levels, type conflicts of tables and the hypervisor's slots; for
 * a frame mapped as data (L1, superpage) -EPERM when it is beyond the end of
 * memory and -EBUSY when it is not the domain's or cannot be writable.
 * pv_pt_error names the rule the last refusal broke.
 *
 * Callers hold the memory lock of xeno/page_ref.h.
 */
#ifndef PV_PT_VALIDATE_H
#define PV_PT_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/paging.h>
#include <asm/page.h>
#include <xeno/mm.h>
#include <xeno/page_ref.h>

#define PT_ENTRIES 512
#define PV_XEN_L4_SLOTS (HYPERVISOR_L4_LAST - HYPERVISOR_L4_FIRST + 1)

/* Options of a domain (pv_pt_config.domain_flags). */
#define PV_PT_SUPERPAGES  (1U << 0)   /* PS at L2 (2 MiB) and L3 (1 GiB) */
#define PV_PT_CACHE_ATTRS (1U << 1)   /* PWT, PCD and PAT in leaf entries */

struct pv_pt_config {
    /* The hypervisor's own L4 entries for slots 256..271. */
    uint64_t xen_l4[PV_XEN_L4_SLOTS];
    /* PV_PT_* options of a domain; NULL gives every domain none. */
    unsigned int (*domain_flags)(uint16_t domid);
};

/* Set the template and the option source (copied). */
void pv_pt_configure(const struct pv_pt_config *cfg);

/* May a guest's own entries use this L4 slot? (All but 256..271.) */
static inline bool pv_l4_slot_is_guest(unsigned int slot)
{
    return slot < HYPERVISOR_L4_FIRST || slot > HYPERVISOR_L4_LAST;
}

/*
 * page_ref_ops.validate and .devalidate for types PGT_l1..l4_page_table.
 * Validation checks every present entry and takes its references; when one
 * fails, those already taken are dropped and the table is left as it was
 * (-errno).  Only when all pass are the entries adjusted (U on, G off) and,
 * for an L4, the hypervisor's slots written.
 */
int pv_validate_table(struct page_info *pg, unsigned long type);
void pv_devalidate_table(struct page_info *pg, unsigned long type);

/* The level of a validated page table in use (1..4), else 0: an mmu_update
 * aimed at any other frame is a plain write to guest memory. */
unsigned int pv_table_level(const struct page_info *pg);

/* Flags of pv_validate_entry. */
#define PV_ENTRY_PRESERVE_AD (1U << 0)  /* keep the entry's current A and D bits */
#define PV_ENTRY_CMPXCHG     (1U << 1)  /* store only if the entry still holds *old */
/* pv_validate_entry's answer when the entry did not hold *old. */
#define PV_ENTRY_CHANGED 1

/*
 * Replace entry `slot` of table_mfn, a validated level-`level` table of
 * domain domid, with `new`: take the new entry's references (adjusting its
 * bits), store it with an atomic compare-and-exchange, and only then drop
 * the references of the entry it replaced (so no CPU can walk an entry whose
 * frame has already been released).  The store retries when the hardware set
 * A or D meanwhile.  *old receives the replaced value; with
 * PV_ENTRY_CMPXCHG it is also the value the entry must hold, and when it
 * does not, the answer is PV_ENTRY_CHANGED with *old the current value.
 * Returns 0 when stored; PV_ENTRY_CHANGED; or -errno, having changed
 * nothing (-EINVAL also for a table that is not as described, or a slot of
 * the hypervisor).  *stored, when not NULL, receives the value written.
 */
int pv_validate_entry(unsigned int level, uint64_t *old, uint64_t new,
                      uint16_t domid, unsigned long table_mfn, unsigned int slot,
                      unsigned int flags, uint64_t *stored);

/*
 * pv_validate_entry for a caller that has itself checked, under the memory
 * lock, everything about the table: table_mfn is a validated level-`level`
 * table of domid's (pv_table_level), in use, and slot < PT_ENTRIES (debug
 * builds assert it).  The slot is still checked against the hypervisor's L4
 * slots.  mmu_update checks a table once for a run of entries in it.
 * With no flags, an L1 entry that is not present or maps one of domid's own
 * frames with no cache attribute bits goes a straight-line fast path; any
 * other entry, and every refusal, goes the general way (same result).
 */
int pv_update_checked_entry(unsigned int level, uint64_t *old, uint64_t new,
                            uint16_t domid, unsigned long table_mfn, unsigned int slot,
                            unsigned int flags, uint64_t *stored);

/* Updates applied by pv_update_l1_fast (tests check which path an entry
 * took). */
extern unsigned long pv_l1_fast_hits;

/* The bits an L1 entry may carry besides its frame without any option: P RW
 * US A D, software bits 9-11 and 52-62, NX and G (pv_pt_validate.c checks
 * that they are check_bits' level-1 set). */
#define PV_L1_FAST_BITS (PTE_P | PTE_RW | PTE_US | (3UL << 5) | (7UL << 9) | \
                         (0x7ffUL << 52) | PTE_NX | PTE_G)

/*
 * The fast path of the common update: entry `*entry` of a validated L1 table
 * of domid's (what pv_update_checked_entry's caller vouches for), no flags,
 * and `new` either not present or a 4 KiB mapping of a frame of domid's own,
 * in memory, with only PV_L1_FAST_BITS and, with RW, a frame that takes a
 * writable reference.  It takes exactly the references the general path
 * would (a general one, and a PGT_writable_page one with RW), stores the
 * adjusted entry (U on, G off) with compare-and-exchange, retrying only when
 * the hardware set A or D meanwhile, and only then drops the replaced entry's
 * references (any L1 entry's: they depend on its P, RW and frame alone).  An
 * entry that keeps its frame takes its new references before the old ones
 * go, so no count reaches zero.  Returns 0 with *old the replaced value, or
 * PV_L1_FAST_NO having changed nothing: every other entry, and every refusal
 * (cache attribute bits, which depend on the domain's options; bits nothing
 * allows; a frame beyond memory, foreign or not in use; a writable mapping
 * of a page table or descriptor page), is the general path's to decide, with
 * its errno and pv_pt_error.  The memory lock is held.
 */
#define PV_L1_FAST_NO 1

static inline int pv_update_l1_fast(uint64_t *entry, uint64_t new, uint16_t domid,
                                    uint64_t *old)
{
    uint64_t cur;
    struct page_info *pg;

    if (new & PTE_P) {
        unsigned long mfn = (new & PTE_ADDR_MASK) >> PAGE_SHIFT;

        if ((new & ~PTE_ADDR_MASK & ~PV_L1_FAST_BITS) || mfn >= max_page)
            return PV_L1_FAST_NO;
        pg = mfn_to_page(mfn);
        if (!get_page(pg, domid))
            return PV_L1_FAST_NO;
        if ((new & PTE_RW) && get_page_type(pg, PGT_writable_page)) {
            put_page(pg);       /* get_page found it referenced: never the last */
            return PV_L1_FAST_NO;
        }
        new = (new | PTE_US) & ~PTE_G;
    }
    cur = __atomic_load_n(entry, __ATOMIC_RELAXED);
    /* Only the hardware changes the entry meanwhile (A and D). */
    while (!__atomic_compare_exchange_n(entry, &cur, new, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_RELAXED))
        ;
    if (cur & PTE_P) {
        pg = mfn_to_page((cur & PTE_ADDR_MASK) >> PAGE_SHIFT);
        if (cur & PTE_RW)
            put_page_type(pg);
        put_page(pg);
    }
    *old = cur;
    pv_l1_fast_hits++;
    return 0;
}

/*
 * A grant mapping (map_grant_ref with GNTMAP_host_map): like
 * pv_validate_entry at level 1, except that the frame `new` maps must belong
 * to granter rather than to domid, the owner of the table.  The references
 * it takes on that frame are the same a mapping of domid's own frame takes,
 * so replacing or clearing the entry later (unmap_grant_ref, or the mapper's
 * own mmu_update, or de-validating the table) drops them the ordinary way.
 * The caller holds the grant (a pin) that allows this.
 */
int pv_validate_grant_entry(uint64_t *old, uint64_t new, uint16_t domid,
                            uint16_t granter, unsigned long table_mfn, unsigned int slot);

/* The rule the last refused entry or table broke (a constant string). */
extern const char *pv_pt_error;

#endif /* PV_PT_VALIDATE_H */
