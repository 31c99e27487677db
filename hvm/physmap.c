/*
 * XENMEM_add_to_physmap for PVH domains: frames the hypervisor keeps for a
 * domain (its shared_info, the frames of its grant table) appear at a guest
 * frame the guest chooses. The RAM frame that was there stays the domain's
 * (counted, released at its end) but is no longer reachable by the guest, as
 * with Xen, where the guest is expected to have given such a frame up first.
 * Only the domain itself may ask; only these two spaces exist here.
 */
#include <asm/guest_access.h>
#include <hvm/container.h>
#include <hvm/domain.h>
#include <pv/mm.h>
#include <public/memory.h>
#include <public/xen.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/grant_domain.h>

/* The machine frame of grant-table frame idx, growing the table to it. */
static long grant_frame(struct domain *d, uint64_t idx, uint64_t *mfn)
{
    struct grant_domain *g;
    unsigned long lock;
    long rc = -ENOMEM;

    if (idx >= GRANT_DOMAIN_FRAMES)
        return -EINVAL;         /* also the status-frame bit (v2), which we lack */
    lock = pv_mm_lock();
    g = grant_domain_of(d);
    if (g)
        rc = gnttab_grow(&g->table, (unsigned int)idx + 1);
    if (!rc)
        *mfn = g->table.frames[idx].mfn;
    pv_mm_unlock(lock);
    return rc;
}

long hvm_add_to_physmap(struct domain *d, uint64_t arg)
{
    struct xen_add_to_physmap x;
    uint64_t mfn;
    long rc;

    if (!d->hvm)
        return -ENOSYS;         /* PV guests map frames with their page tables */
    if (copy_from_guest(&x, arg, sizeof(x)))
        return -EFAULT;
    if (x.domid != DOMID_SELF && x.domid != d->id)
        return -EPERM;
    if (x.gpfn >= d->nr_pfns)
        return -EINVAL;
    switch (x.space) {
    case XENMAPSPACE_shared_info:
        if (x.idx != 0)
            return -EINVAL;
        mfn = d->shared_info_mfn;
        break;
    case XENMAPSPACE_grant_table:
        rc = grant_frame(d, x.idx, &mfn);
        if (rc)
            return rc;
        break;
    default:
        return -EOPNOTSUPP;
    }
    return hvm_container_map_page(d->hvm, x.gpfn << PAGE_SHIFT, mfn << PAGE_SHIFT);
}
