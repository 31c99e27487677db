/*
 * The M2P table. PV guests read it directly (Linux translates every PTE it
 * reads through it), so it sits in the hypervisor's L4 slot 256 mapped
 * read-only and user-accessible; the hypervisor writes it through the direct
 * map. Slot 256 holds nothing else.
 */
#include <asm/m2p.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <public/xen.h>
#include <xeno/buddy.h>
#include <xeno/lib.h>
#include <xeno/mm.h>
#include <xeno/printk.h>
#include <xeno/string.h>

#define M2P_GUEST_RO (PTE_P | PTE_US | PTE_NX)

static uint64_t *m2p_frames_va[1UL << 18];  /* direct-map address of each table page */
static unsigned long m2p_pages;

void m2p_set(uint64_t mfn, uint64_t pfn)
{
    if (mfn < max_page)
        m2p_frames_va[mfn / 512][mfn % 512] = pfn;
}

uint64_t m2p_get(uint64_t mfn)
{
    return mfn < max_page ? m2p_frames_va[mfn / 512][mfn % 512] : M2P_INVALID;
}

void m2p_init(void)
{
    m2p_pages = DIV_ROUND_UP(max_page, 512);
    if (m2p_pages > ARRAY_SIZE(m2p_frames_va) ||
        m2p_pages * PAGE_SIZE > MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START)
        panic("m2p: %lu frames are more than the M2P area holds", max_page);
    for (unsigned long i = 0; i < m2p_pages; i++) {
        struct page_info *pg = alloc_frames(0);
        if (!pg)
            panic("m2p: out of memory");
        m2p_frames_va[i] = page_to_virt(pg);
        memset(m2p_frames_va[i], 0xff, PAGE_SIZE);      /* M2P_INVALID */
        if (map_pages(MACH2PHYS_VIRT_START + i * PAGE_SIZE,
                      (uint64_t)page_to_mfn(pg) << PAGE_SHIFT, 1, M2P_GUEST_RO))
            panic("m2p: out of memory mapping the table");
    }
    /* Guests reach the leaves only if every level above allows user access. */
    paging_allow_user(MACH2PHYS_VIRT_START, m2p_pages * PAGE_SIZE);
    printk(LOG_DEBUG "m2p: %lu frames cover %lu machine frames\n", m2p_pages, max_page);
}
