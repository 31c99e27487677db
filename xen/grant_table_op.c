/*
 * grant_table_op (hypercall 20) for PV guests: copy each op in, check every
 * ref, domain id, frame, offset and length, run it on the grant core
 * (xen/grant_table.c) and the PV mapping layer (pv/grant_map.c), copy its
 * status out.  Each op runs whole under the memory lock, so a mapping or a
 * copy sees frames that cannot change owner or type halfway.
 *
 * Batched ops (map, unmap, copy, transfer) are per-op: an op that fails says
 * so in its status and the batch goes on; a bad guest pointer stops it with
 * -EFAULT.  A long batch continues with the ops not yet done (the argument
 * pointer advanced, the count reduced), as Xen does.
 */
#include <asm/guest_access.h>
#include <asm/m2p.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <public/grant_table.h>
#include <pv/grant_map.h>
#include <pv/mm.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/grant_domain.h>
#include <xeno/hypercall.h>
#include <xeno/page_ref.h>
#include <xeno/string.h>

/* Bits 12 and up of cmd carry an argument only for ops Xeno does not offer. */
#define GNTTABOP_CMD_MASK 0xfffU
/* Xen refuses counts that are negative as an int. */
#define GNTTAB_MAX_COUNT 0x7fffffffUL

/* A domain grants may name: not DOMID_SELF (Xen's map and transfer look ids
 * up literally), not one being built or already destroyed. */
static struct domain *peer_domain(uint16_t id)
{
    struct domain *d = domain_by_id(id);

    return d && d->state != DOMAIN_BUILDING && d->state != DOMAIN_DEAD ? d : NULL;
}

/* The grants of the domain setup_table and query_size act on (under the memory
 * lock): NULL, and *status says why, when there is none. */
static struct grant_domain *table_owner(struct domain *self, uint16_t id, int16_t *status)
{
    struct domain *d = id == DOMID_SELF ? self : peer_domain(id);
    struct grant_domain *g = NULL;

    *status = GNTST_okay;
    if (!d)
        *status = GNTST_bad_domain;
    else if (d != self && !self->privileged)
        *status = GNTST_permission_denied;
    else if (!(g = grant_domain_of(d)))
        *status = GNTST_general_error;
    return g;
}

/* ---- map_grant_ref and unmap_grant_ref */

static void map_one(struct vcpu *v, void *arg)
{
    struct gnttab_map_grant_ref *op = arg;
    struct domain *d = v->domain, *rd;
    struct grant_domain *g = grant_domain_of(d);
    bool readonly = op->flags & GNTMAP_readonly;
    struct pv_grant_pte pte;
    struct gnttab *rgt;
    grant_handle_t h;
    uint32_t frame;
    uint64_t mfn;

    op->handle = ~0U;
    op->dev_bus_addr = 0;
    if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
        op->status = GNTST_bad_gntref;      /* as Xen: no kind of mapping asked for */
        return;
    }
    /* No device mappings (no IOMMU, no DMA by guests) and no PTE-address
     * form; application_map needs nothing: a 64-bit PV guest's mappings are
     * all user-accessible. */
    if (op->flags & (GNTMAP_device_map | GNTMAP_contains_pte)) {
        op->status = GNTST_general_error;
        return;
    }
    rd = peer_domain(op->dom);
    if (!rd) {
        op->status = GNTST_bad_domain;
        return;
    }
    if (domain_is_hvm(d)) {
        /* A PVH mapper would need the grant put into its p2m: not yet. */
        op->status = GNTST_general_error;
        return;
    }
    if (!g) {
        op->status = GNTST_no_space;
        return;
    }
    rgt = grant_table_if_any(rd);
    if (!rgt) {
        op->status = GNTST_bad_gntref;      /* a table of no frames: no ref exists */
        return;
    }
    if (grant_domain_reserve_handle(g)) {
        op->status = GNTST_no_space;
        return;
    }
    op->status = gnttab_map(&g->maptrack, rgt, op->ref, d->id, readonly, &h, &frame);
    if (op->status != GNTST_okay)
        return;
    if (domain_frame_to_mfn(rd, frame, &mfn) ||
        pv_grant_map(v, op->host_addr, mfn, rd->id, readonly,
                     op->flags >> GNTMAP_guest_avail0_shift, &pte)) {
        gnttab_unmap(&g->maptrack, h, rgt);
        op->status = GNTST_general_error;
        return;
    }
    g->maps[h] = (struct grant_mapping){ .host_addr = op->host_addr, .frame = mfn, .pte = pte };
    op->handle = h;
}

static void unmap_one(struct vcpu *v, void *arg)
{
    struct gnttab_unmap_grant_ref *op = arg;
    struct domain *d = v->domain, *rd;
    struct grant_domain *g = d->grant;
    struct gnttab_handle held;
    struct grant_mapping *m;

    if (!g || gnttab_handle_get(&g->maptrack, op->handle, &held) != GNTST_okay) {
        op->status = GNTST_bad_handle;
        return;
    }
    m = &g->maps[op->handle];
    if (op->dev_bus_addr) {
        op->status = GNTST_bad_dev_addr;    /* there are no device mappings */
        return;
    }
    /* The mapping stays (and so does its handle) when the mapper replaced
     * or cleared the entry itself, as in Xen. */
    if (op->host_addr != m->host_addr ||
        pv_grant_unmap(d, &m->pte, m->host_addr, m->frame)) {
        op->status = GNTST_general_error;
        return;
    }
    rd = domain_by_id(held.domid);      /* destroying it would have taken the handle */
    BUG_ON(!rd || !rd->grant);
    op->status = gnttab_unmap(&g->maptrack, op->handle, &rd->grant->table);
}

/* ---- copy */

struct copy_side {
    struct domain *d;
    struct gnttab *gt;          /* when pinned through a grant */
    grant_ref_t ref;
    bool readonly;
    struct page_info *pg;       /* with a general (and for the destination a writable) reference */
};

static int16_t copy_side_domain(struct domain *self, const struct gnttab_copy_ptr *p,
                                bool is_gref, struct copy_side *s)
{
    /* A frame by number only of one's own, as Xen. */
    if (!is_gref && p->domid != DOMID_SELF)
        return GNTST_permission_denied;
    s->d = p->domid == DOMID_SELF ? self : peer_domain(p->domid);
    return s->d ? GNTST_okay : GNTST_bad_domain;
}

static int16_t copy_claim(struct domain *self, const struct gnttab_copy_ptr *p, bool is_gref,
                          struct copy_side *s)
{
    uint64_t mfn = p->u.gmfn;
    int16_t st;

    if (is_gref) {
        uint32_t frame;

        s->gt = grant_table_if_any(s->d);
        if (!s->gt)
            return GNTST_bad_gntref;
        st = gnttab_acquire(s->gt, p->u.ref, self->id, s->readonly, GNTTAB_COPY, &frame);
        if (st != GNTST_okay) {
            s->gt = NULL;
            return st;
        }
        s->ref = p->u.ref;
        mfn = frame;
    }
    if (domain_frame_to_mfn(s->d, mfn, &mfn))
        return GNTST_bad_page;
    if (!mfn_valid(mfn) || !get_page(mfn_to_page(mfn), s->d->id))
        return GNTST_bad_page;
    s->pg = mfn_to_page(mfn);
    if (!s->readonly && get_page_type(s->pg, PGT_writable_page)) {
        put_page(s->pg);
        s->pg = NULL;
        return GNTST_general_error;     /* a page table or descriptor page */
    }
    return GNTST_okay;
}

static void copy_release(struct copy_side *s)
{
    if (s->pg) {
        if (!s->readonly)
            put_page_type(s->pg);
        put_page(s->pg);
    }
    if (s->gt)
        gnttab_release(s->gt, s->ref, s->readonly);
}

static void copy_one(struct vcpu *v, void *arg)
{
    struct gnttab_copy *op = arg;
    struct domain *d = v->domain;
    struct copy_side src = { .readonly = true }, dst = { .readonly = false };
    bool src_gref = op->flags & GNTCOPY_source_gref, dst_gref = op->flags & GNTCOPY_dest_gref;

    op->status = copy_side_domain(d, &op->source, src_gref, &src);
    if (op->status == GNTST_okay)
        op->status = copy_side_domain(d, &op->dest, dst_gref, &dst);
    if (op->status == GNTST_okay)
        op->status = gnttab_copy_check(op);
    if (op->status == GNTST_okay)
        op->status = copy_claim(d, &op->source, src_gref, &src);
    if (op->status == GNTST_okay)
        op->status = copy_claim(d, &op->dest, dst_gref, &dst);
    if (op->status == GNTST_okay)
        memmove((uint8_t *)page_to_virt(dst.pg) + op->dest.offset,
                (const uint8_t *)page_to_virt(src.pg) + op->source.offset, op->len);
    copy_release(&dst);
    copy_release(&src);
}

/* ---- transfer: the sender's page becomes the receiver's */

/* A page the sender may give away: its own, ordinary RAM, and held by
 * nothing but its allocation (no mapping, pin, table use or grant copy). */
static bool page_transferable(struct domain *d, uint64_t mfn)
{
    struct page_info *pg;

    if (!domain_owns_mfn(d, mfn) || page_is_xen_held(d, mfn))
        return false;
    pg = mfn_to_page(mfn);
    return (pg->count_info & PGC_allocated) && page_refcount(pg) == 1 &&
           page_type_count(pg) == 0;
}

static void move_page(struct domain *from, struct domain *to, uint64_t mfn, uint64_t pfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    uint64_t old_pfn = m2p_get(mfn);

    domain_set_pfn_populated(from, old_pfn, false);
    page_list_del(pg, &from->pages);
    from->tot_pages--;
    from->ram_pages--;
    from->released_pages++;             /* it left the domain (the leak check counts it) */
    pg->owner = to->id;
    pg->type_info = PGT_none;
    page_list_add_tail(pg, &to->pages);
    to->tot_pages++;
    to->ram_pages++;
    if (!domain_pfn_populated(to, pfn))
        domain_set_pfn_populated(to, pfn, true);
    m2p_set(mfn, pfn < to->nr_pfns ? pfn : M2P_INVALID);
    /* The sender unmapped it, perhaps without a flush: no stale translation
     * may outlive the move. */
    pv_flush_domain(from);
}

static void transfer_one(struct vcpu *v, void *arg)
{
    struct gnttab_transfer *op = arg;
    struct domain *d = v->domain, *rd = peer_domain(op->domid);
    struct gnttab *rgt;
    struct grant_entry_v1 *e;

    /* Every check that can fail comes before the receiver's entry commits, so
     * a refused transfer leaves the page with the sender (Xen frees it). */
    if (!rd) {
        op->status = GNTST_bad_domain;
        return;
    }
    if (!mfn_valid(op->mfn) || !page_transferable(d, op->mfn)) {
        op->status = GNTST_bad_page;
        return;
    }
    rgt = grant_table_if_any(rd);
    if (!rgt || rd->tot_pages >= rd->max_pages) {
        op->status = GNTST_general_error;
        return;
    }
    op->status = gnttab_transfer_begin(rgt, op->ref, d->id, op->mfn);
    if (op->status != GNTST_okay)
        return;
    /* Committed: the guest waits for completion and leaves frame alone. */
    e = &rgt->frames[op->ref / GNTTAB_ENTRIES_PER_FRAME].shared[op->ref % GNTTAB_ENTRIES_PER_FRAME];
    move_page(d, rd, op->mfn, READ_ONCE(e->frame));
    gnttab_transfer_end(rgt, op->ref, op->mfn);
}

/* ---- the batch loop */

/* What an op's run may change, and so is copied back: the whole of a map
 * op (handle, bus address, status), only the status of the others. */
struct batch_kind {
    size_t size;
    size_t out_offset, out_size;
    void (*one)(struct vcpu *v, void *op);
};

#define STATUS_OUT(type) offsetof(type, status), sizeof(((type *)0)->status)

static const struct batch_kind batch_kinds[] = {
    [GNTTABOP_map_grant_ref] = { sizeof(struct gnttab_map_grant_ref), 0,
                                 sizeof(struct gnttab_map_grant_ref), map_one },
    [GNTTABOP_unmap_grant_ref] = { sizeof(struct gnttab_unmap_grant_ref),
                                   STATUS_OUT(struct gnttab_unmap_grant_ref), unmap_one },
    [GNTTABOP_transfer] = { sizeof(struct gnttab_transfer),
                            STATUS_OUT(struct gnttab_transfer), transfer_one },
    [GNTTABOP_copy] = { sizeof(struct gnttab_copy), STATUS_OUT(struct gnttab_copy), copy_one },
};

static long run_batch(struct vcpu *v, unsigned int cmd, uint64_t uop, uint64_t count)
{
    const struct batch_kind *k = &batch_kinds[cmd];
    uint8_t op[40];

    _Static_assert(sizeof(op) >= sizeof(struct gnttab_copy), "largest batched op");
    if (!guest_range_ok(uop, count * k->size))
        return -EFAULT;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = uop + i * k->size;
        unsigned long lock;

        if (hypercall_preempt_check(i)) {
            hypercall_continue(cmd, at, count - i, 0, 0, 0);
            return -ERESTART;
        }
        if (copy_from_guest(op, at, k->size))
            return -EFAULT;
        lock = pv_mm_lock();
        k->one(v, op);
        pv_mm_unlock(lock);
        if (copy_to_guest(at + k->out_offset, op + k->out_offset, k->out_size))
            return -EFAULT;
    }
    return 0;
}

/* ---- the table itself */

static long setup_table(struct domain *self, uint64_t uop)
{
    struct gnttab_setup_table op;
    uint64_t mfns[GRANT_DOMAIN_FRAMES];
    struct grant_domain *g;
    unsigned long lock;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    if (!guest_range_ok(op.frame_list, (uint64_t)op.nr_frames * sizeof(uint64_t)))
        return -EFAULT;
    lock = pv_mm_lock();
    g = table_owner(self, op.dom, &op.status);
    if (g) {
        if (op.nr_frames > g->table.max_frames)
            op.status = GNTST_general_error;
        else
            op.status = gnttab_setup_table(&g->table, op.nr_frames, mfns);
    }
    pv_mm_unlock(lock);
    /* A PVH guest names frames by its own frame numbers: where it put each
     * table frame with add_to_physmap (the M2P), or none yet (~0, as Xen's
     * INVALID_GFN) for a frame it has not placed. */
    if (g && op.status == GNTST_okay && domain_is_hvm(self))
        for (unsigned int i = 0; i < op.nr_frames; i++)
            mfns[i] = m2p_get(mfns[i]);
    /* The range was checked above; an unmapped or read-only page in it is
     * GNTST_bad_virt_addr, as in Xen, and -EFAULT too. */
    if (g && op.status == GNTST_okay &&
        copy_to_guest(op.frame_list, mfns, op.nr_frames * sizeof(uint64_t))) {
        op.status = GNTST_bad_virt_addr;
        (void)copy_to_guest(uop, &op, sizeof(op));
        return -EFAULT;
    }
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long query_size(struct domain *self, uint64_t uop)
{
    struct gnttab_query_size op;
    struct grant_domain *g;
    unsigned long lock;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    lock = pv_mm_lock();
    g = table_owner(self, op.dom, &op.status);
    if (g)
        gnttab_query_size(&g->table, &op);
    pv_mm_unlock(lock);
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long set_version(uint64_t uop)
{
    struct gnttab_set_version op;
    long rc;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    rc = gnttab_set_version(&op);
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : rc;
}

static long get_version(struct domain *self, uint64_t uop)
{
    struct gnttab_get_version op;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    d = op.dom == DOMID_SELF ? self : peer_domain(op.dom);
    if (!d)
        return -ESRCH;
    if (d != self && !self->privileged)
        return -EPERM;
    op.version = 1;
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

long do_grant_table_op(uint64_t cmd64, uint64_t uop, uint64_t count, uint64_t a4,
                       uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    unsigned int cmd = (unsigned int)cmd64;     /* Xen's cmd is an unsigned int */
    (void)a4; (void)a5; (void)a6;

    if (count > GNTTAB_MAX_COUNT)
        return -EINVAL;
    if (cmd & ~GNTTABOP_CMD_MASK)
        return -EINVAL;
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_transfer:
    case GNTTABOP_copy:
        return run_batch(v, cmd, uop, count);
    /* One op each, as in Xen. */
    case GNTTABOP_setup_table:
        return count == 1 ? setup_table(v->domain, uop) : -EINVAL;
    case GNTTABOP_query_size:
        return count == 1 ? query_size(v->domain, uop) : -EINVAL;
    case GNTTABOP_set_version:
        return set_version(uop);
    case GNTTABOP_get_version:
        return get_version(v->domain, uop);
    default:
        return -ENOSYS;         /* dump_table, unmap_and_replace, v2's ops, cache_flush */
    }
}
