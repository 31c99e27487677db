/*
 * Builds the hypervisor's page tables and switches to them. Afterwards the
 * identity map of the first GiB is gone (so a NULL dereference faults), RAM is
 * reached only through the direct map, and the image is mapped W^X.
 */
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/multiboot2.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/buddy.h>
#include <xeno/mm.h>
#include <xeno/string.h>

#define L1_SHIFT 12
#define L2_SHIFT 21
#define L3_SHIFT 30
#define L4_SHIFT 39
#define LARGE_PAGE (1UL << L2_SHIFT)
#define PT_INTERMEDIATE (PTE_P | PTE_RW)

uint64_t idle_pg_table_maddr;
static bool final_tables_live;

bool paging_is_final(void)
{
    return final_tables_live;
}

/* Before the switch page tables are reached through the boot identity map. */
static uint64_t *pt_virt(uint64_t maddr)
{
    return final_tables_live ? maddr_to_virt(maddr) : (uint64_t *)maddr;
}

static uint64_t alloc_pt_page(void)
{
    if (buddy_ready) {
        struct page_info *pg = alloc_frames(0);
        if (!pg)
            return 0;
        uint64_t maddr = (uint64_t)page_to_mfn(pg) << PAGE_SHIFT;
        memset(maddr_to_virt(maddr), 0, PAGE_SIZE);
        return maddr;
    }
    return boot_alloc_pages(1);
}

static unsigned int pt_index(uint64_t va, unsigned int shift)
{
    return (va >> shift) & 511;
}

/* The table one level down from entry *e, created if absent; NULL on a large page. */
static uint64_t *next_table(uint64_t *e)
{
    if (!(*e & PTE_P)) {
        uint64_t maddr = alloc_pt_page();
        if (!maddr)
            return NULL;
        *e = maddr | PT_INTERMEDIATE;
    }
    if (*e & PTE_PS)
        return NULL;
    return pt_virt(*e & PTE_ADDR_MASK);
}

/* The L1 entry for va, creating tables on the way; NULL if out of memory or
 * va lies in a large page. */
static uint64_t *l1_entry(uint64_t va)
{
    uint64_t *l4 = pt_virt(idle_pg_table_maddr);
    uint64_t *l3 = next_table(&l4[pt_index(va, L4_SHIFT)]);
    uint64_t *l2 = l3 ? next_table(&l3[pt_index(va, L3_SHIFT)]) : NULL;
    uint64_t *l1 = l2 ? next_table(&l2[pt_index(va, L2_SHIFT)]) : NULL;
    return l1 ? &l1[pt_index(va, L1_SHIFT)] : NULL;
}

int remap_page(uint64_t va, uint64_t maddr, uint64_t flags)
{
    uint64_t *e = l1_entry(va);
    if (!e)
        return -ENOMEM;
    *e = maddr | flags;
    __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
    return 0;
}

static int map_one(uint64_t va, uint64_t maddr, uint64_t flags, bool large)
{
    uint64_t *l4 = pt_virt(idle_pg_table_maddr);
    uint64_t *l3 = next_table(&l4[pt_index(va, L4_SHIFT)]);
    uint64_t *l2, *l1;

    if (!l3)
        return -ENOMEM;
    if (l3[pt_index(va, L3_SHIFT)] & PTE_PS)
        return 0;                       /* already covered by a 1 GiB page */
    l2 = next_table(&l3[pt_index(va, L3_SHIFT)]);
    if (!l2)
        return -ENOMEM;
    if (large) {
        uint64_t *e = &l2[pt_index(va, L2_SHIFT)];
        if (!(*e & PTE_P))
            *e = maddr | flags | PTE_PS;
        return 0;
    }
    if (l2[pt_index(va, L2_SHIFT)] & PTE_PS)
        return 0;                       /* already covered by a 2 MiB page */
    l1 = next_table(&l2[pt_index(va, L2_SHIFT)]);
    if (!l1)
        return -ENOMEM;
    if (!(l1[pt_index(va, L1_SHIFT)] & PTE_P))
        l1[pt_index(va, L1_SHIFT)] = maddr | flags;
    return 0;
}

int map_pages(uint64_t va, uint64_t maddr, unsigned long npages, uint64_t flags)
{
    for (unsigned long i = 0; i < npages; i++) {
        int rc = map_one(va + i * PAGE_SIZE, maddr + i * PAGE_SIZE, flags, false);
        if (rc)
            return rc;
    }
    return 0;
}

void paging_allow_user(uint64_t va, uint64_t len)
{
    for (uint64_t a = va & PAGE_MASK; a < va + len; a += PAGE_SIZE) {
        uint64_t *l4 = pt_virt(idle_pg_table_maddr);
        uint64_t *e = &l4[pt_index(a, L4_SHIFT)];
        static const unsigned int shifts[] = { L3_SHIFT, L2_SHIFT };
        *e |= PTE_US;
        for (unsigned int i = 0; i < 2; i++) {
            e = &pt_virt(*e & PTE_ADDR_MASK)[pt_index(a, shifts[i])];
            *e |= PTE_US;
        }
    }
}

bool va_is_mapped(uint64_t va)
{
    uint64_t e = idle_pg_table_maddr | PTE_P;
    static const unsigned int shifts[] = { L4_SHIFT, L3_SHIFT, L2_SHIFT, L1_SHIFT };

    for (unsigned int level = 0; level < 4; level++) {
        e = pt_virt(e & PTE_ADDR_MASK)[pt_index(va, shifts[level])];
        if (!(e & PTE_P))
            return false;
        if (e & PTE_PS)
            return true;
    }
    return true;
}

void *directmap_ensure(uint64_t maddr, uint64_t len, uint64_t flags)
{
    uint64_t first = maddr & PAGE_MASK;
    uint64_t last = ALIGN_UP(maddr + len, PAGE_SIZE);

    if (map_pages(DIRECTMAP_VIRT_START + first, first, (last - first) >> PAGE_SHIFT, flags))
        panic("out of memory mapping %#lx+%#lx", maddr, len);
    return maddr_to_virt(maddr);
}

/* RAM through the direct map: 2 MiB pages where a whole aligned 2 MiB is RAM. */
static void map_ram_region(uint64_t base, uint64_t end)
{
    uint64_t va_off = DIRECTMAP_VIRT_START;

    base = ALIGN_UP(base, PAGE_SIZE);
    end = ALIGN_DOWN(end, PAGE_SIZE);
    while (base < end) {
        bool large = (base % LARGE_PAGE) == 0 && end - base >= LARGE_PAGE;
        if (map_one(va_off + base, base, PAGE_HYPERVISOR_RW, large))
            panic("out of memory building the direct map");
        base += large ? LARGE_PAGE : PAGE_SIZE;
    }
}

static void map_image_part(const char *start, const char *end, uint64_t flags)
{
    uint64_t va = (uint64_t)start;
    if (map_pages(va, va - XEN_VIRT_OFFSET, (uint64_t)(end - start) >> PAGE_SHIFT, flags))
        panic("out of memory mapping the image");
}

void paging_init(void)
{
    idle_pg_table_maddr = boot_alloc_pages(1);

    /* Every PV guest's L4 shares the hypervisor's slots 256-271 by copying the
     * L4 entries once, so those entries must never change: create all their
     * L3 tables now. */
    uint64_t *l4 = pt_virt(idle_pg_table_maddr);
    for (unsigned int slot = HYPERVISOR_L4_FIRST; slot <= HYPERVISOR_L4_LAST; slot++)
        if (!next_table(&l4[slot]))
            panic("out of memory for the hypervisor's L3 tables");

    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct mem_region *r = &boot_info.mem[i];
        if (r->type == MEM_RAM && r->base < DIRECTMAP_SIZE)
            map_ram_region(r->base, min_t(uint64_t, r->base + r->len, DIRECTMAP_SIZE));
    }
    map_image_part(_stext, _etext, PAGE_HYPERVISOR_RX);
    map_image_part(_srodata, _erodata, PAGE_HYPERVISOR_RO);
    map_image_part(_sdata, _end, PAGE_HYPERVISOR_RW);

    write_cr4(read_cr4() | CR4_PGE);
    write_cr3(idle_pg_table_maddr);
    final_tables_live = true;
}
