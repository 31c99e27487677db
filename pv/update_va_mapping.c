/*
 * update_va_mapping: change the one L1 entry that maps a guest virtual address
 * in the guest's current page tables, through the same validation as
 * mmu_update (pv/pt_validate.c): the walk must stay in the domain's own
 * validated tables and end at an L1; the new entry is validated and the old
 * one's references dropped only once it is in place.
 */
#include <asm/guest_access.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <public/xen.h>
#include <pv/mm.h>
#include <pv/pt_validate.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>

#define UVMF_FLUSHTYPE_MASK 3
#define UVMF_TLB_FLUSH 1
#define UVMF_INVLPG 2
#define UVMF_ALL 4

long pv_find_l1(const struct domain *d, uint64_t l4_mfn, uint64_t va, uint64_t *l1_mfn)
{
    static const unsigned int shifts[] = { 39, 30, 21 };
    uint64_t mfn = l4_mfn;

    for (unsigned int level = 4; level > 1; level--) {
        if (!mfn_valid(mfn) || !domain_owns_mfn(d, mfn) ||
            pv_table_level(mfn_to_page(mfn)) != level)
            return -EINVAL;
        uint64_t e = ((const uint64_t *)mfn_to_virt(mfn))[(va >> shifts[4 - level]) & 511];
        if (!(e & PTE_P) || (e & PTE_PS))
            return -EINVAL;
        mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    if (!mfn_valid(mfn) || !domain_owns_mfn(d, mfn) || pv_table_level(mfn_to_page(mfn)) != 1)
        return -EINVAL;
    *l1_mfn = mfn;
    return 0;
}

long do_update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    struct domain *d = v->domain;
    uint64_t l1_mfn, old, stored;
    unsigned long lock;
    long rc;
    (void)a4; (void)a5; (void)a6;

    /* Above the flush type and ALL, flags may hold a vcpumask pointer (UVMF_MULTI);
     * the flush goes to all of the domain's CPUs, so the mask is not read. */
    if (!guest_range_ok(va, 1) || !is_canonical(va))
        return -EINVAL;
    lock = pv_mm_lock();
    rc = pv_find_l1(d, v->pv.kernel_mode ? v->pv.kernel_l4_mfn : v->pv.user_l4_mfn, va, &l1_mfn);
    if (!rc) {
        unsigned int slot = (va >> PAGE_SHIFT) & 511;
        old = ((const uint64_t *)mfn_to_virt(l1_mfn))[slot];
        rc = pv_validate_entry(1, &old, pte, d->id, l1_mfn, slot, 0, &stored);
        if (!rc)
            d->stats.pt_updates++;
    }
    pv_mm_unlock(lock);
    if (rc)
        return rc;
    /* Local or a vCPU mask: all of the domain's CPUs either way. */
    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_TLB_FLUSH:
        pv_flush_domain(d);
        break;
    case UVMF_INVLPG:
        pv_flush_domain_va(d, va);
        break;
    }
    return 0;
}
