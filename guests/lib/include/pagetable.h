/*
 * Page tables from inside a pv64 test guest, for tests that build, pin and attack
 * them (address_space, pinned_tables, pt_attacks):
 *
 *   - entry bits, the M2P (read-only at MACH2PHYS_VIRT_START) and the p2m;
 *   - one mmu_update or mmuext_op at a time;
 *   - the initial tables: the builder maps every one of them read-only inside the
 *     initial region (VIRT_BASE 0: va = pfn * 4K), so an entry is read through that
 *     mapping and its machine address named for mmu_update;
 *   - spare frames: the domain's pfns beyond the initial mapped region, which
 *     nothing maps, handed out one at a time;
 *   - a scratch window: the last pages of the initial region (its 512 KiB of slack,
 *     unused), remapped with update_va_mapping to reach a spare frame and put back
 *     as the builder left them afterwards.
 *
 * Everything is static inline (state lives in function-local statics), so a test
 * that includes this needs nothing else built.
 */
#ifndef GUEST_PAGETABLE_H
#define GUEST_PAGETABLE_H

#include "xtest.h"

#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12
#endif

#define PTE_P (1UL << 0)
#define PTE_RW (1UL << 1)
#define PTE_US (1UL << 2)
#define PTE_A (1UL << 5)
#define PTE_D (1UL << 6)
#define PTE_PS (1UL << 7)
#define PTE_NX (1UL << 63)
#define PTE_AD (PTE_A | PTE_D)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

/* What the tests write: the U bit set already (the hypervisor forces it on, the
 * guest kernel runs at CPL3), so a validated entry reads back as written apart
 * from the A and D bits the hardware sets. */
#define PTE_RO_FLAGS (PTE_P | PTE_US | PTE_A)                   /* 0x25 */
#define PTE_RW_FLAGS (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)  /* 0x67 */
#define PTE_TABLE_FLAGS PTE_RW_FLAGS
/* How the builder maps the initial region's ordinary pages (pv/domain_build.c). */
#define PTE_BUILDER_FLAGS (PTE_P | PTE_RW | PTE_US | PTE_A)

#define L4_GUEST_SLOT(s) ((s) < 256 || (s) > 271)   /* 256-271: the hypervisor's */

/* The slot of VA in the table of LEVEL (1..4). */
static inline unsigned int pt_slot(uint64_t va, unsigned int level)
{
    return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

static inline uint64_t pte_mfn(uint64_t e)
{
    return (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

static inline uint64_t pte(uint64_t mfn, uint64_t flags)
{
    return (mfn << PAGE_SHIFT) | flags;
}

/* Entries equal but for the A and D bits. */
static inline bool pte_same(uint64_t a, uint64_t b)
{
    return (a & ~PTE_AD) == (b & ~PTE_AD);
}

/* The machine address of entry SLOT of the table in frame MFN. */
static inline uint64_t pt_maddr(uint64_t mfn, unsigned int slot)
{
    return (mfn << PAGE_SHIFT) + slot * 8UL;
}

static inline uint64_t m2p_of(uint64_t mfn)
{
    return ((const volatile uint64_t *)MACH2PHYS_VIRT_START)[mfn];
}

static inline uint64_t p2m_of(uint64_t pfn)
{
    return ((const uint64_t *)xtest_start_info->mfn_list)[pfn];
}

/* Whether MFN is one of this domain's frames (the M2P names a pfn whose p2m entry
 * is MFN). */
static inline bool mfn_is_ours(uint64_t mfn)
{
    uint64_t pfn = m2p_of(mfn);
    return pfn < xtest_start_info->nr_pages && p2m_of(pfn) == mfn;
}

/* CR3 as the hypervisor emulates the read: the current L4's machine address. */
static inline uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v) :: "memory");
    return v;
}

/* One mmu_update request; returns its result. */
static inline long mmu_write(uint64_t ptr, uint64_t val)
{
    struct mmu_update u = { .ptr = ptr, .val = val };
    return hc_mmu_update(&u, 1, NULL);
}

/* One mmuext_op; returns its result. */
static inline long mmuext(unsigned int cmd, uint64_t arg1)
{
    struct mmuext_op op = { .cmd = cmd, .arg1 = arg1 };
    return hc_mmuext_op(&op, 1, NULL);
}

/* The mfn of the initial L4 (start_info's pt_base). */
static inline uint64_t initial_l4_mfn(void)
{
    return virt_to_mfn(xtest_start_info->pt_base);
}

/* Where a table of the initial region is mapped (read-only), or NULL when MFN is
 * not one of the initial page-table frames. */
static inline const volatile uint64_t *initial_table(uint64_t mfn)
{
    uint64_t pt = xtest_start_info->pt_base, pfn = m2p_of(mfn);
    uint64_t va = pfn << PAGE_SHIFT;

    if (pfn >= xtest_start_info->nr_pages || p2m_of(pfn) != mfn || va < pt ||
        va >= pt + xtest_start_info->nr_pt_frames * PAGE_SIZE)
        return NULL;
    return (const volatile uint64_t *)va;
}

/* Walks the initial tables from the initial L4 to the table of LEVEL that maps VA;
 * returns its mfn, or 0 when an entry above is not present or leads out of them. */
static inline uint64_t initial_table_of(uint64_t va, unsigned int level)
{
    uint64_t mfn = initial_l4_mfn();

    for (unsigned int l = 4; l > level; l--) {
        const volatile uint64_t *t = initial_table(mfn);
        if (!t || !(t[pt_slot(va, l)] & PTE_P))
            return 0;
        mfn = pte_mfn(t[pt_slot(va, l)]);
    }
    return initial_table(mfn) ? mfn : 0;
}

/* The entry of LEVEL that maps VA in the initial tables (0 when there is none);
 * *maddr (if given) gets its machine address, or 0. */
static inline uint64_t initial_entry(uint64_t va, unsigned int level, uint64_t *maddr)
{
    uint64_t mfn = initial_table_of(va, level);

    if (maddr)
        *maddr = mfn ? pt_maddr(mfn, pt_slot(va, level)) : 0;
    return mfn ? initial_table(mfn)[pt_slot(va, level)] : 0;
}

/* The end of the initial mapped region: the first page after the boot stack that
 * the initial tables do not map. */
static inline uint64_t region_end(void)
{
    static uint64_t end;

    if (!end) {
        uint64_t va = (xtest_boot_rsp + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        uint64_t top = xtest_start_info->nr_pages * PAGE_SIZE;
        while (va < top && (initial_entry(va, 1, NULL) & PTE_P))
            va += PAGE_SIZE;
        end = va;
    }
    return end;
}

/* A spare frame (its mfn): the next pfn beyond the initial region. Nothing maps it;
 * its contents are whatever the builder left. Aborts the test when none is left. */
static inline uint64_t spare_frame(void)
{
    static uint64_t next;

    if (!next)
        next = region_end() >> PAGE_SHIFT;
    if (next >= xtest_start_info->nr_pages)
        xtest_abort("no spare frame left (region ends at %#lx, %lu pages)", region_end(),
                    xtest_start_info->nr_pages);
    return p2m_of(next++);
}

/* The scratch window: SCRATCH_PAGES pages at the end of the initial region. */
#define SCRATCH_PAGES 8

static inline uint64_t scratch_va(unsigned int i)
{
    return region_end() - (SCRATCH_PAGES - i) * PAGE_SIZE;
}

/* Maps MFN at scratch page I with FLAGS; returns update_va_mapping's result. */
static inline long scratch_map(unsigned int i, uint64_t mfn, uint64_t flags)
{
    return hc_update_va_mapping(scratch_va(i), pte(mfn, flags), UVMF_INVLPG);
}

/* Puts scratch page I back as the builder mapped it (its own pfn, read-write). */
static inline void scratch_restore(unsigned int i)
{
    uint64_t va = scratch_va(i);

    expect_rc("update_va_mapping restoring a scratch page",
              hc_update_va_mapping(va, pte(p2m_of(va >> PAGE_SHIFT), PTE_BUILDER_FLAGS),
                                   UVMF_INVLPG), 0);
}

/* Zeroes frame MFN through scratch page SCRATCH_PAGES - 1 (which it then restores).
 * Returns false (and fails the test) when the frame cannot be mapped writable. */
static inline bool zero_frame(uint64_t mfn)
{
    unsigned int i = SCRATCH_PAGES - 1;
    char what[80];

    snprintf(what, sizeof(what), "update_va_mapping of frame %#lx writable to zero it", mfn);
    if (!expect_rc(what, scratch_map(i, mfn, PTE_RW_FLAGS), 0))
        return false;
    memset((void *)scratch_va(i), 0, PAGE_SIZE);
    scratch_restore(i);
    return true;
}

/* A spare frame, zeroed and unmapped. */
static inline uint64_t zeroed_frame(void)
{
    uint64_t mfn = spare_frame();
    zero_frame(mfn);
    return mfn;
}

/* Whether frame MFN can be mapped writable now (an ordinary frame: no page-table
 * type held); the mapping is undone at once. Uses scratch page SCRATCH_PAGES - 2. */
static inline long try_map_writable(uint64_t mfn)
{
    unsigned int i = SCRATCH_PAGES - 2;
    long rc = scratch_map(i, mfn, PTE_RW_FLAGS);

    if (rc == 0)
        scratch_restore(i);
    return rc;
}

/* Reads entry SLOT of frame MFN through a read-only mapping at scratch page
 * SCRATCH_PAGES - 3 (restored afterwards). Fails the test and returns ~0 when the
 * frame cannot be mapped. */
static inline uint64_t read_entry(uint64_t mfn, unsigned int slot)
{
    unsigned int i = SCRATCH_PAGES - 3;
    uint64_t v;

    if (!expect_rc("update_va_mapping of a frame read-only to read it",
                   scratch_map(i, mfn, PTE_RO_FLAGS), 0))
        return ~0UL;
    v = ((const volatile uint64_t *)scratch_va(i))[slot];
    scratch_restore(i);
    return v;
}

#endif /* GUEST_PAGETABLE_H */
