/*
 * mmuext_op: pinning and unpinning page tables, the kernel and user
 * page-table bases, and TLB maintenance. Pins and bases are typed references
 * (xen/page_ref.c), so a table in use can never become writable.
 */
#include <asm/guest_access.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <public/xen.h>
#include <pv/mm.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/page_ref.h>


static long pin(struct domain *d, uint64_t mfn, unsigned int level)
{
    if (!mfn_valid(mfn))
        return -EINVAL;
    return page_pin(mfn_to_page(mfn), d->id, pt_type_of_level(level));
}

static long one_op(struct vcpu *v, const struct mmuext_op *op)
{
    struct domain *d = v->domain;
    long rc;

    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pin(d, op->arg1, op->cmd - MMUEXT_PIN_L1_TABLE + 1);
    case MMUEXT_UNPIN_TABLE:
        if (!mfn_valid(op->arg1))
            return -EINVAL;
        rc = page_unpin(mfn_to_page(op->arg1), d->id);
        if (!rc)
            pv_flush_domain(d);       /* an unpinned table may be freed or retyped next */
        return rc;
    case MMUEXT_NEW_BASEPTR:
        rc = pv_set_baseptr(v, op->arg1, 0);
        if (!rc && v->pv.kernel_mode)
            write_cr3(op->arg1 << PAGE_SHIFT);
        return rc;
    case MMUEXT_NEW_USER_BASEPTR:
        return pv_set_baseptr(v, op->arg1, 1);
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:      /* all of the domain's CPUs, whatever the mask */
        pv_flush_domain(d);
        return 0;
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        if (!guest_range_ok(op->arg1, 1) || !is_canonical(op->arg1))
            return -EINVAL;
        pv_flush_domain_va(d, op->arg1);
        return 0;
    case MMUEXT_SET_LDT:
        return op->arg1 == 0 && op->arg2 == 0 ? 0 : -ENOSYS;   /* no LDTs yet */
    default:
        return -ENOSYS;
    }
}

static long one_request(struct vcpu *v, const void *req, struct pv_batch_cache *c)
{
    (void)c;
    return one_op(v, req);
}

long do_mmuext_op(uint64_t ops, uint64_t count, uint64_t pdone, uint64_t foreigndom,
                  uint64_t a5, uint64_t a6)
{
    (void)a5; (void)a6;
    return pv_run_batch(current_vcpu(), ops, sizeof(struct mmuext_op), count, pdone,
                        foreigndom, one_request);
}
