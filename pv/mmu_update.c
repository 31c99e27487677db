/*
 * mmu_update: a batch of page-table writes (and M2P updates). Each write to a
 * validated table goes through pv_validate_entry: the new entry is checked and
 * its references taken before it is stored, the old one's dropped after, so
 * every entry either applies whole or changes nothing. A write to a frame that
 * is not a table is a plain write, allowed only where the guest could map the
 * frame writable. The batch stops at the first bad entry and reports how many
 * were done; long batches are preempted and continue where they stopped.
 */
#include <asm/guest_access.h>
#include <asm/m2p.h>
#include <asm/page.h>
#include <public/xen.h>
#include <pv/mm.h>
#include <pv/pt_validate.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/page_ref.h>

#define MMU_UPDATE_PREEMPTED (1U << 31)

static long plain_write(struct domain *d, struct page_info *pg, unsigned int slot, uint64_t val)
{
    long rc = get_page_type(pg, PGT_writable_page);
    if (rc)
        return rc;
    ((uint64_t *)page_to_virt(pg))[slot] = val;
    put_page_type(pg);
    (void)d;
    return 0;
}

static long one_update(struct domain *d, const struct mmu_update *u)
{
    uint64_t mfn = u->ptr >> PAGE_SHIFT, old, stored;
    unsigned int slot = (u->ptr & (PAGE_SIZE - 1)) >> 3;
    unsigned int cmd = u->ptr & 7, level;     /* Xen reads three bits */
    struct page_info *pg;
    long rc;

    if (!mfn_valid(mfn))
        return -EINVAL;
    pg = mfn_to_page(mfn);
    switch (cmd) {
    case MMU_MACHPHYS_UPDATE:
        if (!domain_owns_mfn(d, mfn) || u->val >= d->nr_pfns)
            return -EINVAL;
        m2p_set(mfn, u->val);
        return 0;
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_NO_TRANSLATE:    /* for a PV guest the same as NORMAL */
    case MMU_PT_UPDATE_PRESERVE_AD:
        if (!get_page(pg, d->id))
            return -EINVAL;
        level = pv_table_level(pg);
        if (level) {
            old = ((const uint64_t *)page_to_virt(pg))[slot];
            rc = pv_validate_entry(level, &old, u->val, d->id, mfn, slot,
                                   cmd == MMU_PT_UPDATE_PRESERVE_AD ? PV_ENTRY_PRESERVE_AD : 0,
                                   &stored);
            if (!rc)
                d->stats.pt_updates++;
        } else {
            rc = cmd != MMU_PT_UPDATE_PRESERVE_AD ? plain_write(d, pg, slot, u->val) : -EINVAL;
        }
        put_page(pg);
        return rc;
    default:
        return -ENOSYS;
    }
}

long do_mmu_update(uint64_t reqs, uint64_t count, uint64_t pdone, uint64_t foreigndom,
                   uint64_t a5, uint64_t a6)
{
    struct domain *d = current_vcpu()->domain;
    struct mmu_update u;
    uint32_t done = 0, total = (uint32_t)count;
    unsigned long lock;
    long rc = 0;
    (void)a5; (void)a6;

    if (count > UINT32_MAX)
        return -EINVAL;
    if (foreigndom != DOMID_SELF && foreigndom != d->id)
        return -EPERM;          /* foreign mappings arrive with Domain 0 */
    if (total & MMU_UPDATE_PREEMPTED) {
        /* A continued batch: its progress so far is in *done, if there is one. */
        total &= ~MMU_UPDATE_PREEMPTED;
        if (pdone && copy_from_guest(&done, pdone, sizeof(done)))
            return -EFAULT;
    }
    for (uint32_t i = 0; i < total; i++) {
        /* Every batch is preemptible; its progress is kept in *done if given. */
        if (hypercall_preempt_check(i)) {
            uint32_t so_far = done + i;
            if (pdone && copy_to_guest(pdone, &so_far, sizeof(so_far)))
                return -EFAULT;
            hypercall_continue(reqs + (uint64_t)i * sizeof(u),
                               (total - i) | MMU_UPDATE_PREEMPTED, pdone, foreigndom, 0, 0);
            return -ERESTART;
        }
        if (copy_from_guest(&u, reqs + (uint64_t)i * sizeof(u), sizeof(u))) {
            rc = -EFAULT;
            done += i;
            goto out;
        }
        lock = pv_mm_lock();
        rc = one_update(d, &u);
        pv_mm_unlock(lock);
        if (rc) {
            done += i;
            goto out;
        }
    }
    done += total;
out:
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
        return -EFAULT;
    return rc;
}
