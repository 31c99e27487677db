/*
 * References on frames (Xen's model; see docs/architecture.md, "PV memory").
 *
 * General references (count_info) keep a frame from being freed: the owning
 * domain's allocation holds one (PGC_allocated), every present mapping of it
 * in a validated page table holds one, a pin holds one, and so does every
 * typed reference's holder.  When the last goes, the frame is handed back
 * through page_ref_ops.release.
 *
 * Typed references (type_info) say what the frame is used as: an L1..L4 page
 * table, a descriptor page, or writable.  A frame has one type at a time and
 * can change type only while its type count is zero, so a frame is never a
 * page table and writable at once.  The first reference of a page-table type
 * validates the frame's contents (page_ref_ops.validate, supplied by the PV
 * layer), which takes the references its entries need; the last one
 * de-validates it (page_ref_ops.devalidate), which drops them again.
 *
 * Every typed reference comes with a general reference, taken first and
 * dropped last (get_page_and_type / put_page_and_type).
 *
 * Nothing here locks: callers serialise every use of these functions (and of
 * pv/pt_validate.c) with one memory lock, and the validate and devalidate
 * hooks run under it.
 */
#ifndef XENO_PAGE_REF_H
#define XENO_PAGE_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <xeno/lib.h>
#include <xeno/mm.h>

struct page_ref_ops {
    /*
     * The first typed reference of page-table type (PGT_l1..l4_page_table):
     * check every entry and take the references they need.  Returns 0, or
     * a negative errno having changed nothing.  May call get_page_type only
     * for lower levels (that is what bounds the nesting to four).
     */
    int (*validate)(struct page_info *pg, unsigned long type);
    /* The last typed reference of a validated page table is gone: drop what
     * validate took. */
    void (*devalidate)(struct page_info *pg, unsigned long type);
    /* The last general reference is gone: give the frame back (the owner's
     * accounting, then the allocator, after any TLB that might still map it
     * has been flushed). */
    void (*release)(struct page_info *pg);
    /* The frame is about to change from type `from` (not PGT_none) to `to`:
     * no CPU may keep a TLB or paging-structure entry derived from its old
     * use (a stale writable mapping of a new page table, or a cached walk
     * through an old one).  May be NULL. */
    void (*retype)(struct page_info *pg, unsigned long from, unsigned long to);
};

/* Install the hooks (once at boot; tests install their own). */
void page_ref_set_ops(const struct page_ref_ops *ops);

/* Type of a page-table level (1..4) and back; 0 for a type that is no table. */
static inline unsigned long pt_type_of_level(unsigned int level)
{
    return (unsigned long)level << PGT_type_shift;
}

static inline unsigned int pt_level_of_type(unsigned long type)
{
    unsigned long t = type & PGT_type_mask;

    return t >= PGT_l1_page_table && t <= PGT_l4_page_table ?
        (unsigned int)(t >> PGT_type_shift) : 0;
}

/*
 * Give a fresh frame (in use, no references) to domain domid: owner set,
 * the allocation reference taken (PGC_allocated, count 1).
 */
void page_assign(struct page_info *pg, uint16_t domid);

/*
 * Take a general reference: only on a frame in use, owned by domid, that
 * still has references (its allocation, or mappings that outlive it), and
 * whose count would not overflow.
 */
static inline bool get_page(struct page_info *pg, uint16_t domid)
{
    unsigned long count = page_refcount(pg);

    if (page_state(pg) != PGC_state_inuse || pg->owner != domid ||
        count == 0 || count == PGC_count_mask)
        return false;
    pg->count_info++;
    return true;
}

/* Drop a general reference; the last one releases the frame. */
void put_page_last(struct page_info *pg);
static inline void put_page(struct page_info *pg)
{
    if (likely(page_refcount(pg) > 1))
        pg->count_info--;
    else
        put_page_last(pg);
}

/*
 * Take a typed reference (PGT_l1..l4_page_table, PGT_seg_desc_page or
 * PGT_writable_page).  The frame must hold a general reference of the
 * caller's.  Returns 0, or
 *   -EINVAL  the frame is in use as another type (also: the type count is
 *            at its limit, or the frame is still being validated, which the
 *            level order makes impossible), or a bad type;
 *   the error of validate, when this first reference of a page-table type
 *            finds bad contents.
 * On failure nothing has changed.
 */
int get_page_type_slow(struct page_info *pg, unsigned long type);
static inline int get_page_type(struct page_info *pg, unsigned long type)
{
    unsigned long x = pg->type_info;

    /* Fast path: one more reference of the type the frame already has and
     * has validated (a type it has is a known one). */
    if (likely((x & (PGT_type_mask | PGT_validated)) == (type | PGT_validated) &&
               (x & PGT_count_mask) - 1 < PGT_count_mask - 1)) {
        ASSERT(page_refcount(pg) > 0);
        pg->type_info = x + 1;
        return 0;
    }
    return get_page_type_slow(pg, type);
}

/* Drop a typed reference; the last one of a page-table type de-validates. */
void put_page_type_last(struct page_info *pg);
static inline void put_page_type(struct page_info *pg)
{
    if (likely((pg->type_info & PGT_count_mask) > 1))
        pg->type_info--;
    else
        put_page_type_last(pg);
}

/* Both kinds, general first; on failure neither is held.  Returns 0 or
 * -errno: -EINVAL when get_page refuses, else get_page_type's error. */
int get_page_and_type(struct page_info *pg, uint16_t domid, unsigned long type);
void put_page_and_type(struct page_info *pg);

/*
 * Pin a page table (type L1..L4): the pin holds one general and one typed
 * reference, so the table stays validated with nothing else using it.
 * Returns 0; -EINVAL for a type that is no table, a frame already pinned,
 * or one domid may not reference; or get_page_type's error.
 */
int page_pin(struct page_info *pg, uint16_t domid, unsigned long type);

/* Drop the pin's references.  Returns 0, or -EINVAL when the frame is not
 * domid's or not pinned. */
int page_unpin(struct page_info *pg, uint16_t domid);

/*
 * The owner gives the frame up (decrease_reservation, domain destruction):
 * drop its allocation reference.  The frame is released once nothing else
 * references it.  Returns false when the allocation was already dropped.
 */
bool page_drop_allocation(struct page_info *pg);

static inline bool page_is_pinned(const struct page_info *pg)
{
    return (pg->type_info & PGT_pinned) != 0;
}

static inline bool page_is_validated(const struct page_info *pg)
{
    return (pg->type_info & PGT_validated) != 0;
}

#endif /* XENO_PAGE_REF_H */
