/*
 * EPT: a 4-level table per container (Vol. 3C 28.2), write-back memory,
 * 2 MiB leaves where guest and host addresses are both aligned and a whole
 * 2 MiB is mapped, 4 KiB leaves elsewhere; INVEPT before the tables go. Also
 * the container's MSR bitmap (24.6.9), built from the shared passthrough list.
 */
#include <xeno/buddy.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/string.h>
#include <xeno/xmalloc.h>
#include "insn.h"
#include "vmcs.h"
#include "vmx.h"

#define EPT_ADDR_MASK 0x000ffffffffff000UL
#define LARGE_PAGE (1UL << 21)

static uint64_t *alloc_table(struct vmx_container *x)
{
    struct page_info *pg = alloc_frames(0);

    if (!pg)
        return NULL;
    memset(page_to_virt(pg), 0, PAGE_SIZE);
    page_list_add_tail(pg, &x->ept_tables);
    return page_to_virt(pg);
}

/* The table below entry e, made if absent; NULL when out of memory or e maps a page. */
static uint64_t *next_table(struct vmx_container *x, uint64_t *e)
{
    if (!(*e & EPT_RWX)) {
        uint64_t *t = alloc_table(x);
        if (!t)
            return NULL;
        *e = virt_to_maddr(t) | EPT_RWX;
    }
    if (*e & EPT_LARGE)
        return NULL;
    return maddr_to_virt(*e & EPT_ADDR_MASK);
}

static unsigned int index_at(uint64_t gpa, unsigned int level)
{
    return (gpa >> (12 + 9 * level)) & 511;
}

/* One leaf at gpa: a 2 MiB PDE (level 1) or a 4 KiB PTE (level 0). */
static int map_leaf_at(struct vmx_container *x, uint64_t gpa, uint64_t maddr, unsigned int level,
                      bool replace);

static int map_leaf(struct vmx_container *x, uint64_t gpa, uint64_t maddr, unsigned int level)
{
    return map_leaf_at(x, gpa, maddr, level, false);
}

/* Turn the 2 MiB leaf *e into a table of 512 4 KiB leaves mapping the same. */
static int split_large(struct vmx_container *x, uint64_t *e)
{
    uint64_t *t = alloc_table(x);
    uint64_t base = *e & EPT_ADDR_MASK & ~(LARGE_PAGE - 1);

    if (!t)
        return -ENOMEM;
    for (unsigned int i = 0; i < 512; i++)
        t[i] = (base + i * PAGE_SIZE) | EPT_RWX | EPT_MT_WB;
    *e = virt_to_maddr(t) | EPT_RWX;
    return 0;
}

static int map_leaf_at(struct vmx_container *x, uint64_t gpa, uint64_t maddr, unsigned int level,
                       bool replace)
{
    uint64_t *t = x->ept_root;

    for (unsigned int l = 3; l > level; l--) {
        uint64_t *e = &t[index_at(gpa, l)];
        if (replace && l == 1 && (*e & EPT_LARGE) && split_large(x, e))
            return -ENOMEM;
        t = next_table(x, e);
        if (!t)
            return -ENOMEM;
    }
    if ((t[index_at(gpa, level)] & EPT_RWX) && !replace)
        return -EEXIST;
    t[index_at(gpa, level)] = maddr | EPT_RWX | EPT_MT_WB | (level ? EPT_LARGE : 0);
    return 0;
}

int vmx_map_ram(struct hvm_container *c, uint64_t gpa, uint64_t maddr, uint64_t size)
{
    struct vmx_container *x = to_vmx_container(c);
    bool large_ok = vmx_caps.ept_vpid & EPT_CAP_2M;
    uint64_t first = gpa, len = size;
    unsigned long nr[2] = { 0, 0 };

    while (size) {
        bool large = large_ok && IS_ALIGNED(gpa | maddr, LARGE_PAGE) && size >= LARGE_PAGE;
        uint64_t step = large ? LARGE_PAGE : PAGE_SIZE;
        int rc = map_leaf(x, gpa, maddr, large ? 1 : 0);
        if (rc)
            return rc;
        nr[large]++;
        gpa += step;
        maddr += step;
        size -= step;
    }
    printk(LOG_DEBUG "vmx: '%s' gpa %#lx-%#lx: %lu 2MiB and %lu 4KiB EPT pages\n", c->name,
           first, first + len - 1, nr[1], nr[0]);
    return 0;
}

int vmx_map_page(struct hvm_container *c, uint64_t gpa, uint64_t maddr)
{
    struct vmx_container *x = to_vmx_container(c);
    int rc = map_leaf_at(x, gpa, maddr, 0, true);

    /* The old translation may be cached for this EPTP on any CPU: drop it. */
    vmx_invept_everywhere(x->eptp);
    return rc;
}

static void msr_bitmap_allow(uint8_t *bitmap, uint32_t msr, bool read, bool write)
{
    /* Read bitmaps for MSRs 0-0x1fff at byte 0 and 0xc0000000-0xc0001fff at 1024;
     * the write bitmaps follow at 2048 and 3072. A clear bit means no exit. */
    unsigned int base = msr >= 0xc0000000 ? 1024 : 0, bit = msr & 0x1fff;

    if (msr > 0x1fff && (msr < 0xc0000000 || msr > 0xc0001fff))
        return;                 /* outside the bitmaps: always exits */
    if (read)
        bitmap[base + bit / 8] &= (uint8_t)~(1U << (bit % 8));
    if (write)
        bitmap[2048 + base + bit / 8] &= (uint8_t)~(1U << (bit % 8));
}

int vmx_container_init(struct hvm_container *c)
{
    struct vmx_container *x = xzalloc(struct vmx_container);

    if (!x)
        return -ENOMEM;
    page_list_init(&x->ept_tables);
    x->ept_root = alloc_xenheap_pages(0);
    x->msr_bitmap = alloc_xenheap_pages(0);
    if (!x->ept_root || !x->msr_bitmap) {
        free_xenheap_pages(x->ept_root, 0);
        free_xenheap_pages(x->msr_bitmap, 0);
        xfree(x);
        return -ENOMEM;
    }
    memset(x->ept_root, 0, PAGE_SIZE);
    x->eptp = virt_to_maddr(x->ept_root) | EPTP_WB | EPTP_WALK_4;
    memset(x->msr_bitmap, 0xff, PAGE_SIZE);
    for (unsigned int i = 0; i < hvm_nr_msr_passthrough; i++)
        msr_bitmap_allow(x->msr_bitmap, hvm_msr_passthrough[i].msr,
                         hvm_msr_passthrough[i].read, hvm_msr_passthrough[i].write);
    c->vendor = x;
    return 0;
}

void vmx_container_destroy(struct hvm_container *c)
{
    struct vmx_container *x = to_vmx_container(c);
    struct page_info *pg;

    if (!x)
        return;
    /* No cached translation, on any CPU, may outlive the frames it points at. */
    vmx_invept_everywhere(x->eptp);
    while ((pg = page_list_remove_head(&x->ept_tables)) != NULL)
        free_frames(pg, 0);
    free_xenheap_pages(x->ept_root, 0);
    free_xenheap_pages(x->msr_bitmap, 0);
    xfree(x);
    c->vendor = NULL;
}
