/*
 * xmalloc/xfree (xeno/xmalloc.h).
 *
 * A slab page holds objects of one size class.  Its free objects form a
 * list threaded through their first two bytes (offsets within the page);
 * page_info records the class, the first free offset and how many
 * objects are in use.  Pages with free objects sit on their class's
 * list; a page whose last object is freed goes back to the buddy
 * allocator.  Large allocations record XMALLOC_CLASS_LARGE and the
 * block order in their head frame.
 *
 * Lock order: xmalloc_lock, then the buddy allocator's lock.
 */
#include <stdint.h>
#include <xeno/bitops.h>
#include <xeno/buddy.h>
#include <xeno/lib.h>
#include <xeno/mm.h>
#include <xeno/spinlock.h>
#include <xeno/string.h>
#include <xeno/xmalloc.h>

#define SLAB_END            0xFFFF      /* end of a page's free list */
#define XMALLOC_CLASS_LARGE 0xFF        /* page_info.xmalloc_class of a block */

/* Multiples of 16, so every object is 16-byte aligned. */
static const uint16_t class_size[] = {
    16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
};
#define NR_CLASSES ARRAY_SIZE(class_size)

BUILD_BUG_ON(PAGE_SIZE > SLAB_END);
BUILD_BUG_ON(ARRAY_SIZE(class_size) >= XMALLOC_CLASS_LARGE);

static DEFINE_SPINLOCK(xmalloc_lock);
static struct page_list_head partial[NR_CLASSES];  /* pages with free objects */

typedef uint16_t __attribute__((may_alias)) link_alias;

void xmalloc_init(void)
{
    spin_lock_init(&xmalloc_lock);
    for (unsigned int i = 0; i < NR_CLASSES; i++)
        page_list_init(&partial[i]);
}

static uint16_t *object_link(void *obj)
{
    return (link_alias *)obj;
}

/* Smallest class that fits size and whose objects all meet align. */
static int pick_class(size_t size, size_t align)
{
    for (unsigned int i = 0; i < NR_CLASSES; i++) {
        if (class_size[i] >= size && class_size[i] % align == 0)
            return (int)i;
    }
    return -1;
}

static void poison(void *obj, size_t size)
{
    if (XENO_DEBUG && size > sizeof(uint16_t))
        memset((char *)obj + sizeof(uint16_t), XMALLOC_POISON,
               size - sizeof(uint16_t));
}

/* Debug: is the poison of a free object intact? */
static bool poison_intact(const void *obj, size_t size)
{
    const unsigned char *p = obj;

    for (size_t i = sizeof(uint16_t); i < size; i++) {
        if (p[i] != XMALLOC_POISON)
            return false;
    }
    return true;
}

/* Turns a fresh frame into a slab page of class cls with all objects free. */
static void slab_carve(struct page_info *pg, unsigned int cls)
{
    char *base = page_to_virt(pg);
    unsigned int size = class_size[cls];
    unsigned int count = PAGE_SIZE / size;

    for (unsigned int i = 0; i < count; i++) {
        char *obj = base + i * size;

        *object_link(obj) = i + 1 < count ? (uint16_t)((i + 1) * size)
                                          : SLAB_END;
        poison(obj, size);
    }
    pg->xmalloc_class = (uint8_t)(cls + 1);
    pg->u.slab.free_offset = 0;
    pg->u.slab.in_use = 0;
}

/* A free-list link must be the end marker or an object of this class. */
static bool link_ok(uint16_t link, unsigned int size)
{
    return link == SLAB_END ||
           (link % size == 0 && link / size < PAGE_SIZE / size);
}

static void *slab_alloc(unsigned int cls)
{
    unsigned long flags = spin_lock_irqsave(&xmalloc_lock);
    struct page_info *pg = page_list_first(&partial[cls]);
    char *obj;

    if (!pg) {
        spin_unlock_irqrestore(&xmalloc_lock, flags);
        pg = alloc_frames(0);
        if (!pg)
            return NULL;
        slab_carve(pg, cls);
        flags = spin_lock_irqsave(&xmalloc_lock);
        page_list_add(pg, &partial[cls]);
    }

    obj = (char *)page_to_virt(pg) + pg->u.slab.free_offset;
    if (!link_ok(*object_link(obj), class_size[cls])) {
        spin_unlock_irqrestore(&xmalloc_lock, flags);
        panic("xmalloc: free list of the page at %p is corrupt "
              "(written after free?)", page_to_virt(pg));
    }
    pg->u.slab.free_offset = *object_link(obj);
    pg->u.slab.in_use++;
    if (pg->u.slab.free_offset == SLAB_END)
        page_list_del(pg, &partial[cls]);   /* now full */

    if (XENO_DEBUG && !poison_intact(obj, class_size[cls])) {
        spin_unlock_irqrestore(&xmalloc_lock, flags);
        panic("xmalloc: object %p (%u bytes) was written after it was freed",
              (void *)obj, class_size[cls]);
    }
    spin_unlock_irqrestore(&xmalloc_lock, flags);
    return obj;
}

static void *large_alloc(size_t size, size_t align)
{
    size_t pages = DIV_ROUND_UP(size, PAGE_SIZE);
    size_t align_pages = align > PAGE_SIZE ? align / PAGE_SIZE : 1;
    unsigned int order;
    struct page_info *pg;

    if (size > ((size_t)PAGE_SIZE << MAX_ORDER) ||
        align_pages > (1UL << MAX_ORDER))
        return NULL;
    order = max(order_base_2(pages), order_base_2(align_pages));
    pg = alloc_frames(order);
    if (!pg)
        return NULL;
    pg->xmalloc_class = XMALLOC_CLASS_LARGE;
    return page_to_virt(pg);
}

void *xmalloc_bytes(size_t size, size_t align)
{
    int cls;

    if (align == 0)
        align = 1;
    if (!is_power_of_2(align)) {
        ASSERT(!"xmalloc alignment must be a power of two");
        return NULL;
    }
    if (size == 0)
        size = 1;
    cls = pick_class(size, align);
    return cls >= 0 ? slab_alloc((unsigned int)cls) : large_alloc(size, align);
}

void *xzalloc_bytes(size_t size, size_t align)
{
    void *p = xmalloc_bytes(size, align);

    if (p)
        memset(p, 0, size);
    return p;
}

void *xmalloc_array_bytes(size_t size, size_t align, size_t n)
{
    size_t bytes;

    if (__builtin_mul_overflow(size, n, &bytes))
        return NULL;
    return xmalloc_bytes(bytes, align);
}

void *xzalloc_array_bytes(size_t size, size_t align, size_t n)
{
    size_t bytes;

    if (__builtin_mul_overflow(size, n, &bytes))
        return NULL;
    return xzalloc_bytes(bytes, align);
}

static void large_free(struct page_info *pg, void *p)
{
    unsigned int order = pg->order;

    if ((uintptr_t)p & (PAGE_SIZE - 1) || order > MAX_ORDER)
        panic("xfree: %p is inside an xmalloc block, not its start", p);
    if (XENO_DEBUG)
        memset(p, XMALLOC_POISON, (size_t)PAGE_SIZE << order);
    pg->xmalloc_class = 0;
    free_frames(pg, order);
}

/* Debug: is the object at offset already on its page's free list? */
static bool slab_object_free(const struct page_info *pg, const char *base,
                             unsigned int offset)
{
    unsigned int steps = 0;

    for (uint16_t o = pg->u.slab.free_offset; o != SLAB_END;
         o = *object_link((void *)(base + o))) {
        /* A corrupt list counts as "free" too: refuse to touch it. */
        if (o == offset || o >= PAGE_SIZE || ++steps > PAGE_SIZE / 16)
            return true;
    }
    return false;
}

static void slab_free(struct page_info *pg, void *p)
{
    unsigned int cls = pg->xmalloc_class - 1U;
    unsigned int size = class_size[cls];
    char *base = page_to_virt(pg);
    unsigned int offset = (unsigned int)((char *)p - base);
    bool was_full, now_empty;
    unsigned long flags;

    if (offset % size || offset / size >= PAGE_SIZE / size)
        panic("xfree: %p is not the start of a %u-byte xmalloc object",
              p, size);

    flags = spin_lock_irqsave(&xmalloc_lock);
    if (XENO_DEBUG && slab_object_free(pg, base, offset)) {
        spin_unlock_irqrestore(&xmalloc_lock, flags);
        panic("xfree: double free of %p", p);
    }
    poison(p, size);
    was_full = pg->u.slab.free_offset == SLAB_END;
    *object_link(p) = pg->u.slab.free_offset;
    pg->u.slab.free_offset = (uint16_t)offset;
    now_empty = --pg->u.slab.in_use == 0;
    if (was_full)
        page_list_add(pg, &partial[cls]);
    if (now_empty) {
        page_list_del(pg, &partial[cls]);
        pg->xmalloc_class = 0;
    }
    spin_unlock_irqrestore(&xmalloc_lock, flags);

    if (now_empty)
        free_frames(pg, 0);
}

size_t xmalloc_footprint(const void *p)
{
    const struct page_info *pg;

    if (!p)
        return 0;
    pg = mfn_to_page(virt_to_mfn(p));
    if (pg->xmalloc_class == XMALLOC_CLASS_LARGE)
        return (size_t)PAGE_SIZE << pg->order;
    ASSERT(pg->xmalloc_class != 0 && pg->xmalloc_class <= NR_CLASSES);
    return class_size[pg->xmalloc_class - 1U];
}

void xfree(void *p)
{
    unsigned long mfn;
    struct page_info *pg;

    if (!p)
        return;
    mfn = virt_to_mfn(p);
    pg = mfn_valid(mfn) ? mfn_to_page(mfn) : NULL;
    if (!pg || page_state(pg) != PGC_state_inuse || pg->xmalloc_class == 0 ||
        (pg->xmalloc_class > NR_CLASSES &&
         pg->xmalloc_class != XMALLOC_CLASS_LARGE))
        panic("xfree: %p was not allocated by xmalloc (or is already freed)",
              p);

    if (pg->xmalloc_class == XMALLOC_CLASS_LARGE)
        large_free(pg, p);
    else
        slab_free(pg, p);
}
