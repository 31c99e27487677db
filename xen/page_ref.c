/*
 * General and typed references on frames (xeno/page_ref.h).
 *
 * A frame's type changes only while its type count is zero, and a
 * page-table type counts as held only once validated; the first reference
 * of such a type holds the count at 1 without PGT_validated while the
 * contents are checked, and a failed check puts type_info back exactly.
 *
 * Nesting: validating a level-n table takes typed references of level n-1
 * only (its entries), and writable pages need no validation, so at most four
 * validations nest (L4 -> L3 -> L2 -> L1).  The linear self-map, the one
 * same-level reference a table may hold, takes no reference at all, so no
 * cycle of typed references can form and de-validation nests at most four
 * deep as well.
 */
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/page_ref.h>

static const struct page_ref_ops *ref_ops;

void page_ref_set_ops(const struct page_ref_ops *ops)
{
    BUG_ON(!ops || !ops->validate || !ops->devalidate || !ops->release);
    ref_ops = ops;
}

static bool type_is_known(unsigned long type)
{
    return (type & ~PGT_type_mask) == 0 &&
           (pt_level_of_type(type) || type == PGT_seg_desc_page ||
            type == PGT_writable_page);
}

void page_assign(struct page_info *pg, uint16_t domid)
{
    BUG_ON(page_state(pg) != PGC_state_inuse || page_refcount(pg) ||
           page_type_count(pg) || (pg->count_info & PGC_allocated));
    pg->owner = domid;
    pg->type_info = PGT_none;
    pg->count_info |= PGC_allocated | 1;
}

/* The header's put_page drops all but the last reference inline. */
void put_page_last(struct page_info *pg)
{
    unsigned long count = page_refcount(pg);

    BUG_ON(count == 0);
    pg->count_info--;
    if (count > 1)
        return;
    /* Typed references and the allocation are general references too. */
    BUG_ON(page_type_count(pg) || (pg->count_info & PGC_allocated));
    ref_ops->release(pg);
}

/* The first reference of a type: change to it, and validate a page table. */
static int take_first_type_ref(struct page_info *pg, unsigned long type)
{
    unsigned long before = pg->type_info;
    unsigned long old_type = before & PGT_type_mask;
    int rc;

    ASSERT(!(before & PGT_pinned));
    if (old_type != type && old_type != PGT_none && ref_ops->retype)
        ref_ops->retype(pg, old_type, type);
    if (!pt_level_of_type(type)) {
        pg->type_info = type | PGT_validated | 1;
        return 0;
    }
    pg->type_info = type | 1;
    rc = ref_ops->validate(pg, type);
    /* Validation takes references of lower levels only, never of pg. */
    BUG_ON(pg->type_info != (type | 1));
    if (rc) {
        pg->type_info = before;
        return rc;
    }
    pg->type_info = type | PGT_validated | 1;
    return 0;
}

/* What the header's get_page_type does not do inline. */
int get_page_type_slow(struct page_info *pg, unsigned long type)
{
    unsigned long x = pg->type_info;
    unsigned long count = x & PGT_count_mask;

    BUG_ON(!ref_ops);
    if (!type_is_known(type))
        return -EINVAL;
    ASSERT(page_refcount(pg) > 0);
    if (count == 0)
        return take_first_type_ref(pg, type);
    if ((x & PGT_type_mask) != type || !(x & PGT_validated) ||
        count == PGT_count_mask)
        return -EINVAL;
    pg->type_info = x + 1;
    return 0;
}

/* The header's put_page_type drops all but the last reference inline. */
void put_page_type_last(struct page_info *pg)
{
    unsigned long x = pg->type_info;
    unsigned long type = x & PGT_type_mask;
    unsigned long count = x & PGT_count_mask;

    BUG_ON(count == 0);
    if (count > 1) {
        pg->type_info = x - 1;
        return;
    }
    /* A pin is a reference: page_unpin clears the flag before dropping it. */
    BUG_ON(x & PGT_pinned);
    pg->type_info = type;
    if (pt_level_of_type(type) && (x & PGT_validated))
        ref_ops->devalidate(pg, type);
}

int get_page_and_type(struct page_info *pg, uint16_t domid, unsigned long type)
{
    int rc;

    if (!get_page(pg, domid))
        return -EINVAL;
    rc = get_page_type(pg, type);
    if (rc)
        put_page(pg);
    return rc;
}

void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

int page_pin(struct page_info *pg, uint16_t domid, unsigned long type)
{
    int rc;

    if (!pt_level_of_type(type) || (type & ~PGT_type_mask))
        return -EINVAL;
    if (!get_page(pg, domid))
        return -EINVAL;
    if (page_is_pinned(pg)) {
        put_page(pg);
        return -EINVAL;
    }
    rc = get_page_type(pg, type);
    if (rc) {
        put_page(pg);
        return rc;
    }
    pg->type_info |= PGT_pinned;
    return 0;
}

int page_unpin(struct page_info *pg, uint16_t domid)
{
    if (!get_page(pg, domid))
        return -EINVAL;
    if (!page_is_pinned(pg)) {
        put_page(pg);
        return -EINVAL;
    }
    pg->type_info &= ~PGT_pinned;
    put_page_and_type(pg);      /* the pin's */
    put_page(pg);               /* ours */
    return 0;
}

bool page_drop_allocation(struct page_info *pg)
{
    if (!(pg->count_info & PGC_allocated))
        return false;
    pg->count_info &= ~PGC_allocated;
    put_page(pg);
    return true;
}
