/*
 * mmu_update: a batch of page-table writes (and M2P updates). Each write to a
 * validated table goes through pv_validate_entry: the new entry is checked and
 * its references taken before it is stored, the old one's dropped after, so
 * every entry either applies whole or changes nothing. A write to a frame that
 * is not a table is a plain write, allowed only where the guest could map the
 * frame writable. The batch loop (first error stops it, progress in *done,
 * preemption, requests copied and the lock taken once per chunk) is
 * pv_run_batch's; a run of entries in one table checks the table once, and
 * the common entry of an L1 takes pv_update_l1_fast, a straight line.
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
#include <xeno/printk.h>

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

static __attribute__((noinline)) long one_update(struct domain *d, const struct mmu_update *u,
                                                 struct pv_batch_cache *c)
{
    uint64_t mfn = u->ptr >> PAGE_SHIFT, old, stored;
    unsigned int slot = (u->ptr & (PAGE_SIZE - 1)) >> 3;
    unsigned int cmd = u->ptr & 7, level;     /* Xen reads three bits */
    struct page_info *pg;
    long rc;

    switch (cmd) {
    case MMU_MACHPHYS_UPDATE:
        if (!mfn_valid(mfn) || !domain_owns_mfn(d, mfn) || u->val >= d->nr_pfns)
            return -EINVAL;
        m2p_set(mfn, u->val);
        return 0;
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_NO_TRANSLATE:    /* for a PV guest the same as NORMAL */
    case MMU_PT_UPDATE_PRESERVE_AD:
        break;
    default:
        return mfn_valid(mfn) ? -ENOSYS : -EINVAL;
    }
    /*
     * Runs of entries in one table are the common case (a batch fills or
     * clears a table): the table is looked up for the first of a run only.
     * What was found stays true while the lock is held: updating a table's
     * entries never changes the table's own type or references (a table
     * refers to itself only through the linear map, which takes none), and
     * every other change of it is made under the lock, which pv_run_batch
     * has held since the cache was last cleared.
     */
    if (c->level && c->table_mfn == mfn) {
        level = c->level;
    } else {
        c->level = 0;
        if (!mfn_valid(mfn))
            return -EINVAL;
        pg = mfn_to_page(mfn);
        if (!get_page(pg, d->id))
            return -EINVAL;
        level = pv_table_level(pg);
        if (!level) {
            rc = cmd != MMU_PT_UPDATE_PRESERVE_AD ? plain_write(d, pg, slot, u->val) : -EINVAL;
            put_page(pg);
            return rc;
        }
        put_page(pg);           /* a table of d's, with typed references: never the last */
        c->table_mfn = mfn;
        c->level = level;
    }
    rc = pv_update_checked_entry(level, &old, u->val, d->id, mfn, slot,
                                 cmd == MMU_PT_UPDATE_PRESERVE_AD ? PV_ENTRY_PRESERVE_AD : 0,
                                 &stored);
    if (rc) {
        c->level = 0;
        printk(LOG_DEBUG "mmu_update: d%u L%u entry %#lx at %#lx refused (%ld): %s\n",
               d->id, level, u->val, u->ptr, rc, pv_pt_error ? pv_pt_error : "?");
        return rc;
    }
    d->stats.pt_updates++;
    return 0;
}

/*
 * The common request first, in as few instructions as it takes: a
 * NORMAL (or NO_TRANSLATE) update of an entry of the L1 table the previous
 * request found validated, which pv_update_l1_fast applies when the new
 * entry is a plain 4 KiB mapping of the domain's own frame or not present.
 * Everything else, and every refusal, is one_update's, which looks at the
 * request afresh (the fast path changed nothing).
 */
static long one_request(struct vcpu *v, const void *req, struct pv_batch_cache *c)
{
    const struct mmu_update *u = req;
    struct domain *d = v->domain;
    uint64_t old;

    if (c->level == 1 && c->table_mfn == u->ptr >> PAGE_SHIFT &&
        ((u->ptr & 7) == MMU_NORMAL_PT_UPDATE || (u->ptr & 7) == MMU_PT_UPDATE_NO_TRANSLATE) &&
        pv_update_l1_fast((uint64_t *)mfn_to_virt(c->table_mfn) +
                          ((u->ptr & (PAGE_SIZE - 1)) >> 3), u->val, d->id, &old) == 0) {
        d->stats.pt_updates++;
        return 0;
    }
    return one_update(d, u, c);
}

long do_mmu_update(uint64_t reqs, uint64_t count, uint64_t pdone, uint64_t foreigndom,
                   uint64_t a5, uint64_t a6)
{
    (void)a5; (void)a6;
    return pv_run_batch(current_vcpu(), reqs, sizeof(struct mmu_update), count, pdone,
                        foreigndom, one_request);
}
