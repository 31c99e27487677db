/*
 * The frame table: one struct page_info per machine frame, saying who
 * owns the frame, how many references it has and what it is used as.
 * PV safety rests on it: a frame is at most one of L1..L4 page table,
 * descriptor table or writable page at a time, and is freed only when
 * nothing refers to it.
 *
 * Pages are linked on lists (free lists, a domain's page list) through
 * 32-bit frame numbers rather than pointers, which keeps the entry at 32
 * bytes; frames up to 2^32 - 1 (16 TiB) are supported.
 */
#ifndef XENO_MM_H
#define XENO_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <asm/page.h>
#include <xeno/lib.h>

/* Owner ids of Xen's ABI for frames that belong to no guest. */
#define DOMID_XEN     0x7FF2U   /* the hypervisor itself */
#define DOMID_INVALID 0x7FF4U   /* nobody (free or reserved frames) */

/*
 * count_info: allocation state and flags in the top bits, the general
 * reference count in the low bits.
 */
#define PGC_allocated      (1UL << 63)  /* a domain holds its allocation reference */
#define PGC_xen_heap       (1UL << 62)  /* from alloc_xenheap_pages() */
#define PGC_state_shift    60
#define PGC_state_mask     (3UL << PGC_state_shift)
#define PGC_state_reserved (0UL << PGC_state_shift) /* never given to the allocator */
#define PGC_state_free     (1UL << PGC_state_shift) /* in the buddy allocator */
#define PGC_state_inuse    (2UL << PGC_state_shift) /* handed out */
#define PGC_count_mask     ((1UL << 48) - 1)

/*
 * type_info: what the frame is used as (top 3 bits), flags, and the
 * count of references that rely on that use (low bits).
 */
#define PGT_type_shift     61
#define PGT_type_mask      (7UL << PGT_type_shift)
#define PGT_none           (0UL << PGT_type_shift)
#define PGT_l1_page_table  (1UL << PGT_type_shift)
#define PGT_l2_page_table  (2UL << PGT_type_shift)
#define PGT_l3_page_table  (3UL << PGT_type_shift)
#define PGT_l4_page_table  (4UL << PGT_type_shift)
#define PGT_seg_desc_page  (5UL << PGT_type_shift)
#define PGT_writable_page  (6UL << PGT_type_shift)
#define PGT_validated      (1UL << 60)  /* contents checked for the type */
#define PGT_pinned         (1UL << 59)  /* type held by the owner explicitly */
#define PGT_count_mask     ((1UL << 48) - 1)

#define PAGE_LIST_NULL     UINT32_MAX   /* end of a page list */
#define PAGE_ORDER_NONE    0xFF         /* order of a page that heads no block */

struct page_info {
    uint32_t list_next;         /* frame numbers, PAGE_LIST_NULL at the ends */
    uint32_t list_prev;
    unsigned long count_info;   /* PGC_* */
    unsigned long type_info;    /* PGT_* */
    uint16_t owner;             /* domain id, DOMID_XEN or DOMID_INVALID */
    uint8_t order;              /* block order of a free or allocated head */
    uint8_t xmalloc_class;      /* xmalloc's use of the frame, 0 = none */
    union {
        struct {                /* an xmalloc slab page */
            uint16_t free_offset;   /* first free object, 0xFFFF = none */
            uint16_t in_use;        /* objects handed out */
        } slab;
        uint32_t spare;
    } u;
};

_Static_assert(sizeof(struct page_info) == 32, "page_info must stay 32 bytes");

extern struct page_info *frame_table;
extern unsigned long max_page;  /* frames covered: valid mfns are below it */

/* Bytes of storage frame_table_init needs for frames [0, max_mfn). */
size_t frame_table_bytes(unsigned long max_mfn);

/*
 * Lay the frame table over storage (frame_table_bytes(max_mfn) bytes,
 * any alignment of 8 or more).  Every frame starts reserved, owned by
 * DOMID_INVALID, with no references; buddy_add_free_range() then hands
 * usable RAM to the allocator.  max_mfn is one past the highest frame.
 */
void frame_table_init(unsigned long max_mfn, void *storage);

static inline bool mfn_valid(unsigned long mfn)
{
    return mfn < max_page;
}

static inline struct page_info *mfn_to_page(unsigned long mfn)
{
    ASSERT(mfn_valid(mfn));
    return frame_table + mfn;
}

static inline unsigned long page_to_mfn(const struct page_info *pg)
{
    return (unsigned long)(pg - frame_table);
}

static inline void *page_to_virt(const struct page_info *pg)
{
    return mfn_to_virt(page_to_mfn(pg));
}

static inline struct page_info *virt_to_page(const void *va)
{
    return mfn_to_page(virt_to_mfn(va));
}

static inline unsigned long page_state(const struct page_info *pg)
{
    return pg->count_info & PGC_state_mask;
}

static inline unsigned long page_refcount(const struct page_info *pg)
{
    return pg->count_info & PGC_count_mask;
}

static inline unsigned long page_type(const struct page_info *pg)
{
    return pg->type_info & PGT_type_mask;
}

static inline unsigned long page_type_count(const struct page_info *pg)
{
    return pg->type_info & PGT_count_mask;
}

static inline uint16_t page_get_owner(const struct page_info *pg)
{
    return pg->owner;
}

static inline void page_set_owner(struct page_info *pg, uint16_t domid)
{
    pg->owner = domid;
}

/* A list of pages linked through their frame numbers. */
struct page_list_head {
    struct page_info *first, *last;
};

#define PAGE_LIST_HEAD_INIT { NULL, NULL }

static inline void page_list_init(struct page_list_head *h)
{
    h->first = NULL;
    h->last = NULL;
}

static inline bool page_list_empty(const struct page_list_head *h)
{
    return h->first == NULL;
}

static inline struct page_info *page_list_first(const struct page_list_head *h)
{
    return h->first;
}

static inline struct page_info *page_list_link(uint32_t mfn)
{
    return mfn == PAGE_LIST_NULL ? NULL : frame_table + mfn;
}

static inline struct page_info *page_list_next(const struct page_info *pg)
{
    return page_list_link(pg->list_next);
}

static inline void page_list_add(struct page_info *pg, struct page_list_head *h)
{
    uint32_t mfn = (uint32_t)page_to_mfn(pg);

    pg->list_prev = PAGE_LIST_NULL;
    if (h->first) {
        pg->list_next = (uint32_t)page_to_mfn(h->first);
        h->first->list_prev = mfn;
    } else {
        pg->list_next = PAGE_LIST_NULL;
        h->last = pg;
    }
    h->first = pg;
}

static inline void page_list_add_tail(struct page_info *pg,
                                      struct page_list_head *h)
{
    uint32_t mfn = (uint32_t)page_to_mfn(pg);

    pg->list_next = PAGE_LIST_NULL;
    if (h->last) {
        pg->list_prev = (uint32_t)page_to_mfn(h->last);
        h->last->list_next = mfn;
    } else {
        pg->list_prev = PAGE_LIST_NULL;
        h->first = pg;
    }
    h->last = pg;
}

static inline void page_list_del(struct page_info *pg, struct page_list_head *h)
{
    struct page_info *prev = page_list_link(pg->list_prev);
    struct page_info *next = page_list_link(pg->list_next);

    if (prev)
        prev->list_next = pg->list_next;
    else
        h->first = next;
    if (next)
        next->list_prev = pg->list_prev;
    else
        h->last = prev;
    pg->list_next = PAGE_LIST_NULL;
    pg->list_prev = PAGE_LIST_NULL;
}

static inline struct page_info *page_list_remove_head(struct page_list_head *h)
{
    struct page_info *pg = h->first;

    if (pg)
        page_list_del(pg, h);
    return pg;
}

#define page_list_for_each(pg, h) \
    for ((pg) = page_list_first(h); (pg); (pg) = page_list_next(pg))

#endif /* XENO_MM_H */
