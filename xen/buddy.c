/*
 * Binary buddy allocator for machine frames (xeno/buddy.h).  A free block
 * is on the list of its order; its head frame records the order, and
 * every frame of it is in PGC_state_free.  Freeing merges a block with
 * its buddy (the equal-sized neighbour it was split from) while that
 * buddy is a free block of the same order.
 */
#include <xeno/bitops.h>
#include <xeno/buddy.h>
#include <xeno/lib.h>
#include <xeno/spinlock.h>

static DEFINE_SPINLOCK(heap_lock);
static struct page_list_head free_lists[MAX_ORDER + 1];
static unsigned long nr_free;

void buddy_init(void)
{
    spin_lock_init(&heap_lock);
    for (unsigned int i = 0; i <= MAX_ORDER; i++)
        page_list_init(&free_lists[i]);
    nr_free = 0;
}

/* Puts every frame of a block into a new state, owner and clean counts. */
static void set_block(struct page_info *pg, unsigned int order,
                      unsigned long state, uint16_t owner)
{
    for (unsigned long i = 0; i < (1UL << order); i++) {
        pg[i].count_info = state;
        pg[i].type_info = PGT_none;
        pg[i].owner = owner;
        pg[i].order = PAGE_ORDER_NONE;
        pg[i].xmalloc_class = 0;
    }
    pg->order = (uint8_t)order;
}

/*
 * Inserts an already-free block, merging it with free buddies first.
 * Called with heap_lock held.
 */
static void insert_free_block(unsigned long mfn, unsigned int order)
{
    while (order < MAX_ORDER) {
        unsigned long buddy_mfn = mfn ^ (1UL << order);
        struct page_info *buddy;

        if (!mfn_valid(buddy_mfn))
            break;
        buddy = mfn_to_page(buddy_mfn);
        if (page_state(buddy) != PGC_state_free || buddy->order != order)
            break;
        page_list_del(buddy, &free_lists[order]);
        buddy->order = PAGE_ORDER_NONE;
        mfn_to_page(mfn)->order = PAGE_ORDER_NONE;
        mfn &= ~(1UL << order);
        order++;
    }
    mfn_to_page(mfn)->order = (uint8_t)order;
    page_list_add(mfn_to_page(mfn), &free_lists[order]);
}

/* Largest block order that starts at mfn and fits in nr frames. */
static unsigned int fitting_order(unsigned long mfn, unsigned long nr)
{
    unsigned int order = highest_bit(nr);

    if (mfn && lowest_bit(mfn) < order)
        order = lowest_bit(mfn);
    return order < MAX_ORDER ? order : MAX_ORDER;
}

void buddy_add_free_range(unsigned long mfn, unsigned long nr)
{
    unsigned long flags;

    if (mfn + nr < mfn || mfn + nr > max_page)
        panic("buddy: frames %#lx+%#lx lie outside the frame table (%#lx)",
              mfn, nr, max_page);

    flags = spin_lock_irqsave(&heap_lock);
    while (nr) {
        unsigned int order = fitting_order(mfn, nr);
        struct page_info *pg = mfn_to_page(mfn);

        for (unsigned long i = 0; i < (1UL << order); i++) {
            if (page_state(&pg[i]) != PGC_state_reserved) {
                spin_unlock_irqrestore(&heap_lock, flags);
                panic("buddy: frame %#lx added to the allocator twice",
                      mfn + i);
            }
        }
        set_block(pg, order, PGC_state_free, DOMID_INVALID);
        nr_free += 1UL << order;
        insert_free_block(mfn, order);
        mfn += 1UL << order;
        nr -= 1UL << order;
    }
    spin_unlock_irqrestore(&heap_lock, flags);
}

struct page_info *alloc_frames(unsigned int order)
{
    struct page_info *pg;
    unsigned int j = order;
    unsigned long flags;

    if (order > MAX_ORDER)
        return NULL;

    flags = spin_lock_irqsave(&heap_lock);
    while (j <= MAX_ORDER && page_list_empty(&free_lists[j]))
        j++;
    if (j > MAX_ORDER) {
        spin_unlock_irqrestore(&heap_lock, flags);
        return NULL;
    }

    pg = page_list_remove_head(&free_lists[j]);
    ASSERT(page_state(pg) == PGC_state_free && pg->order == j);
    /* Split: return the upper halves to the lists below. */
    while (j > order) {
        struct page_info *half;

        j--;
        half = pg + (1UL << j);
        half->order = (uint8_t)j;
        page_list_add(half, &free_lists[j]);
    }
    nr_free -= 1UL << order;
    set_block(pg, order, PGC_state_inuse, DOMID_XEN);
    spin_unlock_irqrestore(&heap_lock, flags);
    return pg;
}

/* Why a block may not be freed, or NULL when it may.  Lock held. */
static const char *free_refusal(const struct page_info *pg, unsigned int order,
                                unsigned long *bad_mfn)
{
    unsigned long mfn = page_to_mfn(pg);
    unsigned long n = XENO_DEBUG ? 1UL << order : 1;

    *bad_mfn = mfn;
    if (!IS_ALIGNED(mfn, 1UL << order))
        return "misaligned block";
    for (unsigned long i = 0; i < n; i++) {
        *bad_mfn = mfn + i;
        if (page_state(&pg[i]) == PGC_state_free)
            return "double free";
        if (page_state(&pg[i]) != PGC_state_inuse)
            return "frame not from the allocator";
        if (page_refcount(&pg[i]) || page_type_count(&pg[i]))
            return "frame still has references";
    }
    return NULL;
}

void free_frames(struct page_info *pg, unsigned int order)
{
    unsigned long mfn = page_to_mfn(pg), bad_mfn, flags;
    const char *why;

    if (order > MAX_ORDER || !mfn_valid(mfn) ||
        mfn + (1UL << order) > max_page)
        panic("free_frames: bad block %#lx order %u", mfn, order);

    flags = spin_lock_irqsave(&heap_lock);
    why = free_refusal(pg, order, &bad_mfn);
    if (why) {
        spin_unlock_irqrestore(&heap_lock, flags);
        panic("free_frames: %s (frame %#lx, block %#lx order %u)",
              why, bad_mfn, mfn, order);
    }
    set_block(pg, order, PGC_state_free, DOMID_INVALID);
    nr_free += 1UL << order;
    insert_free_block(mfn, order);
    spin_unlock_irqrestore(&heap_lock, flags);
}

unsigned long free_frame_count(void)
{
    return READ_ONCE(nr_free);
}

unsigned long buddy_free_blocks(unsigned int order)
{
    unsigned long n = 0, flags;
    struct page_info *pg;

    if (order > MAX_ORDER)
        return 0;
    flags = spin_lock_irqsave(&heap_lock);
    page_list_for_each(pg, &free_lists[order])
        n++;
    spin_unlock_irqrestore(&heap_lock, flags);
    return n;
}

static bool free_block_ok(const struct page_info *pg, unsigned int order)
{
    unsigned long mfn = page_to_mfn(pg);

    if (pg->order != order || !IS_ALIGNED(mfn, 1UL << order) ||
        mfn + (1UL << order) > max_page)
        return false;
    for (unsigned long i = 0; i < (1UL << order); i++) {
        if (page_state(&pg[i]) != PGC_state_free)
            return false;
    }
    /* A free buddy of the same order should have been merged. */
    if (order < MAX_ORDER) {
        unsigned long buddy = mfn ^ (1UL << order);

        if (mfn_valid(buddy) &&
            page_state(mfn_to_page(buddy)) == PGC_state_free &&
            mfn_to_page(buddy)->order == order)
            return false;
    }
    return true;
}

bool buddy_check(void)
{
    unsigned long counted = 0, flags;
    bool ok = true;

    flags = spin_lock_irqsave(&heap_lock);
    for (unsigned int order = 0; order <= MAX_ORDER && ok; order++) {
        const struct page_info *pg;
        uint32_t prev = PAGE_LIST_NULL;

        for (pg = page_list_first(&free_lists[order]); pg && ok;
             pg = page_list_next(pg)) {
            ok = pg->list_prev == prev && free_block_ok(pg, order);
            prev = (uint32_t)page_to_mfn(pg);
            counted += 1UL << order;
        }
        if (ok && page_list_first(&free_lists[order]))
            ok = page_to_mfn(free_lists[order].last) == prev;
    }
    ok = ok && counted == nr_free;
    spin_unlock_irqrestore(&heap_lock, flags);
    return ok;
}

void *alloc_xenheap_pages(unsigned int order)
{
    struct page_info *pg = alloc_frames(order);

    if (!pg)
        return NULL;
    pg->count_info |= PGC_xen_heap;
    return page_to_virt(pg);
}

void free_xenheap_pages(void *va, unsigned int order)
{
    struct page_info *pg;

    if (!va)
        return;
    pg = virt_to_page(va);
    if (!(pg->count_info & PGC_xen_heap))
        panic("free_xenheap_pages: %p is not a xenheap block", va);
    pg->count_info &= ~PGC_xen_heap;
    free_frames(pg, order);
}
