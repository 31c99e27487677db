/*
 * update_va_mapping: change the one L1 entry that maps a guest virtual address
 * in the guest's current page tables. Until the full page-type machinery of
 * the memory issue lands, the set of page-table frames is fixed when the
 * domain is built (no mmu_update, no pinning), so the rules here suffice: the
 * new entry may map only frames the domain owns, never a page-table frame
 * writable, and the walk must stay inside the domain's own tables.
 */
#include <asm/guest_access.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>

#define UVMF_FLUSHTYPE_MASK 3
#define UVMF_TLB_FLUSH 1
#define UVMF_INVLPG 2
#define UVMF_ALL 4
/* Bits a guest may set in an L1 entry: P RW US PWT PCD A D PAT G, the three
 * software bits, the frame, software bits 52-58, NX. */
#define L1_GUEST_ALLOWED (0x00000fffffffffffUL | 0x07f0000000000000UL | PTE_NX)

static bool is_page_table(const struct page_info *pg)
{
    unsigned long t = page_type(pg);
    return t == PGT_l1_page_table || t == PGT_l2_page_table ||
           t == PGT_l3_page_table || t == PGT_l4_page_table;
}

long do_update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    struct domain *d = v->domain;
    uint64_t mfn = v->pv.kernel_mode ? v->pv.kernel_l4_mfn : v->pv.user_l4_mfn;
    static const unsigned int shifts[] = { 39, 30, 21 };
    uint64_t *table;
    (void)a4; (void)a5; (void)a6;

    if (!guest_range_ok(va, 1) || (flags & ~(uint64_t)(UVMF_FLUSHTYPE_MASK | UVMF_ALL)))
        return -EINVAL;
    for (unsigned int level = 0; level < 3; level++) {
        uint64_t e;
        if (!domain_owns_mfn(d, mfn))
            return -EINVAL;
        e = ((uint64_t *)mfn_to_virt(mfn))[(va >> shifts[level]) & 511];
        if (!(e & PTE_P) || (e & PTE_PS))
            return -EINVAL;
        mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    if (!domain_owns_mfn(d, mfn) || page_type(mfn_to_page(mfn)) != PGT_l1_page_table)
        return -EINVAL;
    if (pte & PTE_P) {
        uint64_t target = (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
        if (pte & ~L1_GUEST_ALLOWED)
            return -EINVAL;
        if (!domain_owns_mfn(d, target))
            return -EPERM;
        if ((pte & PTE_RW) && is_page_table(mfn_to_page(target)))
            return -EPERM;
        pte |= PTE_US;              /* the guest kernel runs at CPL3 */
    }
    table = mfn_to_virt(mfn);
    table[(va >> 12) & 511] = pte;
    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_TLB_FLUSH:
        write_cr3(read_cr3());
        break;
    case UVMF_INVLPG:
        __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
        break;
    }
    return 0;
}
