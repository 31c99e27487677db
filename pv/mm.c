/*
 * How domains use the page-reference machinery (xen/page_ref.c) and the PV
 * page-table validators (pv/pt_validate.c): the hooks they call back, the one
 * memory lock around them, and what a domain holds on its frames: an
 * allocation reference on each, a pin on each table it pinned, and a typed
 * reference on the L4 each vCPU uses as CR3.
 */
#include <asm/flush.h>
#include <asm/m2p.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <pv/mm.h>
#include <pv/pt_validate.h>
#include <xeno/buddy.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <asm/guest_access.h>
#include <public/xen.h>
#include <xeno/page_ref.h>
#include <xeno/spinlock.h>

static spinlock_t mm_lock = SPIN_LOCK_UNLOCKED;

unsigned long pv_mm_lock(void)
{
    return spin_lock_irqsave(&mm_lock);
}

void pv_mm_unlock(unsigned long flags)
{
    spin_unlock_irqrestore(&mm_lock, flags);
}

/* Every CPU that may hold a translation through d's tables (all of them
 * when the frame has no domain any more). */
static void flush_all_tlbs(struct domain *d)
{
    if (d)
        pv_flush_domain(d);
    else
        flush_tlb_mask(~0ULL);
}

void pv_flush_domain(struct domain *d)
{
    d->stats.tlb_flushes++;
    flush_tlb_mask(__atomic_load_n(&d->dirty_cpus, __ATOMIC_SEQ_CST) | flush_this_cpu());
}

void pv_flush_domain_va(struct domain *d, uint64_t va)
{
    d->stats.tlb_flushes++;
    __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
    /* Elsewhere a whole flush: simpler than carrying the address, and rare. */
    flush_tlb_mask(__atomic_load_n(&d->dirty_cpus, __ATOMIC_SEQ_CST) & ~flush_this_cpu());
}

/* The last reference to a domain's frame is gone: it leaves the domain. */
static void release_frame(struct page_info *pg)
{
    struct domain *d = domain_by_id(pg->owner);

    if (d) {
        page_list_del(pg, &d->pages);
        d->tot_pages--;
        d->released_pages++;
    }
    m2p_set(page_to_mfn(pg), M2P_INVALID);
    /* No stale mapping may outlive the frame; while a whole domain is torn
     * down, one flush at the end covers all of its frames. */
    if (!d || !d->dying)
        flush_all_tlbs(d);
    pg->owner = DOMID_XEN;
    pg->type_info = 0;
    free_frames(pg, 0);
}

static void retype_frame(struct page_info *pg, unsigned long from, unsigned long to)
{
    (void)from; (void)to;
    flush_all_tlbs(domain_by_id(pg->owner));    /* a stale writable mapping must not survive */
}

static const struct page_ref_ops ops = {
    .validate = pv_validate_table,
    .devalidate = pv_devalidate_table,
    .release = release_frame,
    .retype = retype_frame,
};

void pv_mm_init(void)
{
    struct pv_pt_config cfg = { 0 };
    const uint64_t *idle_l4 = maddr_to_virt(idle_pg_table_maddr);

    for (unsigned int i = 0; i < PV_XEN_L4_SLOTS; i++)
        cfg.xen_l4[i] = idle_l4[HYPERVISOR_L4_FIRST + i];
    pv_pt_configure(&cfg);
    page_ref_set_ops(&ops);
}

int pv_set_baseptr(struct vcpu *v, uint64_t mfn, int user)
{
    uint64_t *slot = user ? &v->pv.user_l4_mfn : &v->pv.kernel_l4_mfn;

    if (mfn) {
        if (!mfn_valid(mfn))
            return -EINVAL;
        int rc = get_page_and_type(mfn_to_page(mfn), v->domain->id, PGT_l4_page_table);
        if (rc)
            return rc;
    } else if (!user) {
        return -EINVAL;         /* a kernel always has a base */
    }
    if (*slot)
        put_page_and_type(mfn_to_page(*slot));
    *slot = mfn;
    return 0;
}

unsigned long pv_mm_release_domain(struct domain *d)
{
    struct page_list_head frames;
    struct page_info *pg;

    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct pv_vcpu *pv = &d->vcpus[i]->pv;
        if (pv->kernel_l4_mfn)
            put_page_and_type(mfn_to_page(pv->kernel_l4_mfn));
        if (pv->user_l4_mfn)
            put_page_and_type(mfn_to_page(pv->user_l4_mfn));
        pv->kernel_l4_mfn = pv->user_l4_mfn = 0;
    }
    page_list_for_each(pg, &d->pages)
        if (page_is_pinned(pg))
            page_unpin(pg, d->id);
    /* Dropping allocations frees frames, which unlinks them from d->pages:
     * walk a detached list, putting each back before it is dropped. */
    page_list_init(&frames);
    while ((pg = page_list_remove_head(&d->pages)) != NULL)
        page_list_add_tail(pg, &frames);
    d->dying = true;
    while ((pg = page_list_remove_head(&frames)) != NULL) {
        page_list_add_tail(pg, &d->pages);
        page_drop_allocation(pg);
    }
    flush_all_tlbs(d);
    return d->released_pages;
}

long pv_run_batch(struct vcpu *v, uint64_t list, size_t req_size, uint64_t count,
                  uint64_t pdone, uint64_t foreigndom,
                  long (*one)(struct vcpu *v, const void *req, struct pv_batch_cache *c))
{
    uint64_t buf[PV_BATCH_CHUNK * PV_BATCH_REQ_MAX / sizeof(uint64_t)];
    uint32_t done = 0, total = (uint32_t)count, i = 0, j, n;
    struct pv_batch_cache cache;
    long rc = 0;

    if (count > UINT32_MAX || req_size == 0 || req_size > PV_BATCH_REQ_MAX)
        return -EINVAL;
    if (foreigndom != DOMID_SELF && foreigndom != v->domain->id)
        return -EPERM;          /* foreign mappings arrive with Domain 0 */
    if (total & PV_BATCH_PREEMPTED) {
        total &= ~PV_BATCH_PREEMPTED;
        if (pdone && copy_from_guest(&done, pdone, sizeof(done)))
            return -EFAULT;
    }
    while (i < total) {
        uint64_t at = list + (uint64_t)i * req_size;

        if (hypercall_preempt_check(i)) {
            uint32_t so_far = done + i;
            if (pdone && copy_to_guest(pdone, &so_far, sizeof(so_far)))
                return -EFAULT;
            hypercall_continue(at, (total - i) | PV_BATCH_PREEMPTED, pdone, foreigndom, 0, 0);
            return -ERESTART;
        }
        /* A chunk ends where hypercall_preempt_every would preempt, so the
         * check above meets every such point. */
        n = total - i < PV_BATCH_CHUNK ? total - i : PV_BATCH_CHUNK;
        n = (uint32_t)hypercall_preempt_window(i, n);
        /* The whole chunk is copied before any of it is applied: a request
         * that changes the mapping of the list itself does not change what
         * the rest of its chunk reads. Where part of the chunk cannot be
         * read, go one request at a time to stop exactly at the first. */
        if (copy_from_guest(buf, at, (size_t)n * req_size)) {
            n = 1;
            if (copy_from_guest(buf, at, req_size)) {
                rc = -EFAULT;
                break;
            }
        }
        unsigned long lock = pv_mm_lock();
        cache.level = 0;        /* nothing survives a release of the lock */
        for (j = 0; j < n; j++) {
            rc = one(v, (const uint8_t *)buf + j * req_size, &cache);
            if (rc)
                break;
        }
        pv_mm_unlock(lock);
        i += j;                 /* on an error, the index of the failed request */
        if (rc)
            break;
    }
    done += i;
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
        return -EFAULT;
    return rc;
}
