/*
 * Grant mappings in PV page tables (pv/grant_map.h).  A grant mapping is an
 * ordinary L1 entry whose references were taken against the granting domain
 * instead of the table's owner; everything else (A/D retries, dropping the
 * replaced entry after the store) is pv_validate_entry's.
 */
#include <asm/guest_access.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <pv/grant_map.h>
#include <pv/mm.h>
#include <pv/pt_validate.h>
#include <xeno/domain.h>
#include <xeno/errno.h>

#define PTE_A (1UL << 5)
#define PTE_D (1UL << 6)
#define PTE_AVAIL_SHIFT 9
#define PTE_AVAIL_MASK 7U


int pv_grant_map(struct vcpu *v, uint64_t va, uint64_t frame, uint16_t granter,
                 bool readonly, unsigned int avail, struct pv_grant_pte *where)
{
    struct domain *d = v->domain;
    uint64_t l4 = v->pv.kernel_mode ? v->pv.kernel_l4_mfn : v->pv.user_l4_mfn;
    uint64_t l1_mfn, old, pte;
    unsigned int slot = (va >> PAGE_SHIFT) & 511;
    long rc;

    if ((va & (PAGE_SIZE - 1)) || !guest_range_ok(va, PAGE_SIZE))
        return -EINVAL;
    rc = pv_find_l1(d, l4, va, &l1_mfn);
    if (rc)
        return (int)rc;
    /* A and D set, as Xen does, so the hardware never writes the entry. */
    pte = (frame << PAGE_SHIFT) | PTE_P | PTE_A | PTE_D | PTE_NX |
          ((uint64_t)(avail & PTE_AVAIL_MASK) << PTE_AVAIL_SHIFT) |
          (readonly ? 0 : PTE_RW);
    old = ((const uint64_t *)mfn_to_virt(l1_mfn))[slot];
    rc = pv_validate_grant_entry(&old, pte, d->id, granter, l1_mfn, slot);
    if (rc)
        return (int)rc;
    d->stats.pt_updates++;
    pv_flush_domain_va(d, va);
    where->l1_mfn = l1_mfn;
    where->slot = slot;
    return 0;
}

int pv_grant_unmap(struct domain *mapper, const struct pv_grant_pte *where, uint64_t va,
                   uint64_t frame)
{
    uint64_t cur;
    int rc;

    if (!mfn_valid(where->l1_mfn) || pv_table_level(mfn_to_page(where->l1_mfn)) != 1)
        return -EINVAL;         /* the table itself is gone, and its entries' references */
    cur = ((const uint64_t *)mfn_to_virt(where->l1_mfn))[where->slot];
    if (!(cur & PTE_P) || ((cur & PTE_ADDR_MASK) >> PAGE_SHIFT) != frame)
        return -EINVAL;
    rc = pv_validate_entry(1, &cur, 0, mapper->id, where->l1_mfn, where->slot,
                           PV_ENTRY_CMPXCHG, NULL);
    if (rc)
        return rc > 0 ? -EINVAL : rc;
    mapper->stats.pt_updates++;
    pv_flush_domain_va(mapper, va);
    return 0;
}
