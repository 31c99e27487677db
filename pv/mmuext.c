/*
 * mmuext_op, the part a PV kernel needs to run user processes: its kernel and
 * user page-table bases, and local TLB maintenance. Pinning, unpinning and the
 * other commands belong to the memory-validation issue and answer -ENOSYS
 * until then. A base must be an L4 table of the domain's own.
 */
#include <asm/guest_access.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <public/xen.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>

static bool is_own_l4(const struct domain *d, uint64_t mfn)
{
    return domain_owns_mfn(d, mfn) && page_type(mfn_to_page(mfn)) == PGT_l4_page_table;
}

static long one_op(struct vcpu *v, const struct mmuext_op *op)
{
    struct pv_vcpu *pv = &v->pv;

    switch (op->cmd) {
    case MMUEXT_NEW_BASEPTR:
        if (!is_own_l4(v->domain, op->arg1))
            return -EINVAL;
        pv->kernel_l4_mfn = op->arg1;
        if (pv->kernel_mode)
            write_cr3(op->arg1 << PAGE_SHIFT);
        return 0;
    case MMUEXT_NEW_USER_BASEPTR:
        if (op->arg1 && !is_own_l4(v->domain, op->arg1))
            return -EINVAL;
        pv->user_l4_mfn = op->arg1;
        return 0;
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_ALL:      /* every vCPU runs on CPU 0 for now */
        write_cr3(read_cr3());
        return 0;
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_ALL:
        if (!guest_range_ok(op->arg1, 1))
            return -EINVAL;
        __asm__ volatile("invlpg (%0)" :: "r"(op->arg1) : "memory");
        return 0;
    default:
        return -ENOSYS;
    }
}

long do_mmuext_op(uint64_t ops, uint64_t count, uint64_t pdone, uint64_t foreigndom,
                  uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    struct mmuext_op op;
    uint32_t done;              /* the ABI's `unsigned int *done` */
    long rc = 0;
    (void)a5; (void)a6;

    if (foreigndom != DOMID_SELF && foreigndom != v->domain->id)
        return -EPERM;
    if (count > UINT32_MAX)
        return -EINVAL;
    for (done = 0; done < count; done++) {
        if (copy_from_guest(&op, ops + done * sizeof(op), sizeof(op))) {
            rc = -EFAULT;
            break;
        }
        rc = one_op(v, &op);
        if (rc)
            break;
    }
    /* How many ops completed, so a failure in the middle is visible. */
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
        return -EFAULT;
    return rc;
}
