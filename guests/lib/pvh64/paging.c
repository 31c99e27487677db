/*
 * pvh64's page tables. head.S maps the first GiB with 2 MiB pages, virtual =
 * guest-physical, to get into long mode; here the first 2 MiB become 4 KiB pages
 * so that page 0 and the guard page can be unmapped and one page made read-only,
 * and nothing above the domain's RAM stays mapped: a stray access there is a #PF
 * the test reports, not an EPT violation that ends the domain. The hypervisor
 * walks these tables to reach a hypercall's pointers (VA -> GPA).
 */
#include "runtime.h"
#include "pvh.h"
#include "pvh_runtime.h"

#define PTE_P (1UL << 0)
#define PTE_RW (1UL << 1)
#define PTE_US (1UL << 2)
#define PTE_PS (1UL << 7)
#define PAGE_2M (2UL << 20)
#define MAP_LIMIT (1UL << 30)           /* the one directory head.S filled */

static uint64_t low_pt[512] __attribute__((aligned(PAGE_SIZE)));
uint64_t pvh_ram_end;

/* The 4 KiB entry of VA, which must lie in the first 2 MiB. */
static uint64_t *low_pte(const void *va)
{
    uint64_t a = (uint64_t)va;

    if (a >= PAGE_2M)
        xtest_abort("%#lx is beyond the 4 KiB-mapped first 2 MiB (the image grew?)", a);
    return &low_pt[a / PAGE_SIZE];
}

static void reload_cr3(void)
{
    uint64_t cr3;

    __asm__ volatile("mov %%cr3, %0\n\tmov %0, %%cr3" : "=r"(cr3) :: "memory");
}

void pvh_paging_setup(uint64_t ram_end)
{
    if (ram_end > MAP_LIMIT)
        ram_end = MAP_LIMIT;
    pvh_ram_end = (ram_end + PAGE_2M - 1) & ~(PAGE_2M - 1);
    for (unsigned int i = 0; i < 512; i++)
        low_pt[i] = i * PAGE_SIZE | PTE_P | PTE_RW | PTE_US;
    *low_pte(0) = 0;
    *low_pte(xtest_guard_page) = 0;
    *low_pte(pvh_read_only_page) &= ~PTE_RW;
    pvh_boot_pd[0] = (uint64_t)low_pt | PTE_P | PTE_RW | PTE_US;
    for (unsigned int i = 1; i < 512; i++)
        if (i * PAGE_2M >= pvh_ram_end)
            pvh_boot_pd[i] = 0;
    reload_cr3();
}
