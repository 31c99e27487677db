/*
 * Per-domain grant state (xeno/grant_domain.h): creation on first use, the
 * grant-table frames, and teardown at domain destruction.
 */
#include <asm/m2p.h>
#include <asm/page.h>
#include <pv/grant_map.h>
#include <xeno/buddy.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/grant_domain.h>
#include <xeno/page_ref.h>
#include <xeno/printk.h>
#include <xeno/string.h>
#include <xeno/xmalloc.h>

/*
 * A table frame: a frame of the domain's own, not charged to its memory
 * limit (as Xen's grant frames are not), which the hypervisor holds writable
 * so that it can never become a page table.
 */
static int frame_alloc(struct gnttab *gt, unsigned int i, struct gnttab_frame *f)
{
    struct domain *d = gt->owner;
    struct page_info *pg;
    (void)i;

    f->active = xzalloc_array(struct gnttab_active, GNTTAB_ENTRIES_PER_FRAME);
    if (!f->active)
        return -ENOMEM;
    pg = alloc_frames(0);
    if (!pg) {
        xfree(f->active);
        f->active = NULL;
        return -ENOMEM;
    }
    memset(page_to_virt(pg), 0, PAGE_SIZE);
    page_assign(pg, d->id);
    page_list_add_tail(pg, &d->pages);
    d->tot_pages++;
    BUG_ON(get_page_and_type(pg, d->id, PGT_writable_page));
    f->shared = page_to_virt(pg);
    f->mfn = page_to_mfn(pg);
    m2p_set(f->mfn, M2P_INVALID);   /* at no guest frame until add_to_physmap */
    return 0;
}

/* The frame leaves the domain like any other: once the guest's own mappings
 * of it are gone too (at the latest when its page tables are torn down). */
static void frame_free(struct gnttab *gt, unsigned int i, struct gnttab_frame *f)
{
    struct page_info *pg = mfn_to_page(f->mfn);
    (void)gt; (void)i;

    put_page_and_type(pg);
    page_drop_allocation(pg);
    xfree(f->active);
}

static const struct gnttab_frame_ops frame_ops = {
    .alloc = frame_alloc,
    .free = frame_free,
};

struct grant_domain *grant_domain_of(struct domain *d)
{
    struct grant_domain *g = d->grant;

    if (g)
        return g;
    gnttab_set_frame_ops(&frame_ops);       /* the same every time */
    g = xzalloc(struct grant_domain);
    if (!g)
        return NULL;
    BUG_ON(gnttab_init(&g->table, d->id, GRANT_DOMAIN_FRAMES));
    g->table.owner = d;
    gnttab_maptrack_init(&g->maptrack, NULL, 0);    /* handles come with the first map */
    d->grant = g;
    return g;
}

int grant_domain_reserve_handle(struct grant_domain *g)
{
    unsigned int nr = g->maptrack.nr, grown;
    struct gnttab_handle *slots;
    struct grant_mapping *maps;

    if (g->maptrack.used < nr)
        return 0;
    if (nr >= GRANT_DOMAIN_HANDLES)
        return -ENOSPC;
    grown = nr ? nr * 2 : GRANT_DOMAIN_HANDLES_FIRST;
    if (grown > GRANT_DOMAIN_HANDLES)
        grown = GRANT_DOMAIN_HANDLES;
    slots = xmalloc_array(struct gnttab_handle, grown);
    maps = xzalloc_array(struct grant_mapping, grown);
    if (!slots || !maps) {
        xfree(slots);
        xfree(maps);
        return -ENOSPC;
    }
    if (nr)
        memcpy(maps, g->maps, nr * sizeof(*maps));
    xfree(g->maps);
    g->maps = maps;
    xfree(gnttab_maptrack_grow(&g->maptrack, slots, grown));
    return 0;
}

struct gnttab *grant_table_if_any(struct domain *d)
{
    return d->grant ? &d->grant->table : NULL;
}

size_t grant_domain_xen_memory(const struct domain *d)
{
    const struct grant_domain *g = d->grant;
    size_t bytes;

    if (!g)
        return 0;
    bytes = xmalloc_footprint(g);
    if (g->maptrack.nr)
        bytes += xmalloc_footprint(g->maptrack.slots) + xmalloc_footprint(g->maps);
    for (unsigned int i = 0; i < g->table.nr_frames; i++)
        bytes += PAGE_SIZE + xmalloc_footprint(g->table.frames[i].active);
    return bytes;
}

bool grant_frame_held(const struct domain *d, uint64_t mfn)
{
    const struct gnttab *gt = d->grant ? &d->grant->table : NULL;

    for (unsigned int i = 0; gt && i < gt->nr_frames; i++)
        if (gt->frames[i].mfn == mfn)
            return true;
    return false;
}

/* Release every handle of mapper's that maps a grant of granter's (any
 * granter when NULL), clearing its entry when clear_pte. */
static void drop_handles(struct domain *mapper, struct domain *granter, bool clear_pte)
{
    struct grant_domain *m = mapper->grant;

    for (grant_handle_t h = 0; h < GRANT_DOMAIN_HANDLES; h++) {
        struct gnttab_handle held;
        struct domain *rd;

        if (gnttab_handle_get(&m->maptrack, h, &held) != GNTST_okay)
            continue;
        if (granter && held.domid != granter->id)
            continue;
        rd = granter ? granter : domain_by_id(held.domid);
        BUG_ON(!rd || !rd->grant);      /* a granter outlives its mappers' handles */
        if (clear_pte)
            (void)pv_grant_unmap(mapper, &m->maps[h].pte, m->maps[h].host_addr,
                                 m->maps[h].frame);
        BUG_ON(gnttab_unmap(&m->maptrack, h, &rd->grant->table) != GNTST_okay);
    }
}

bool grant_domain_maps_any(const struct domain *d)
{
    return d->grant && READ_ONCE(d->grant->maptrack.used);
}

void grant_domain_destroy(struct domain *d)
{
    struct grant_domain *g = d->grant;

    if (!g)
        return;
    /* Its own page tables go with it, and their entries' references. */
    drop_handles(d, NULL, false);
    for (struct domain *m = domain_list; m; m = m->next)
        if (m != d && m->grant && m->grant->maptrack.used) {
            unsigned int before = m->grant->maptrack.used;

            drop_handles(m, d, true);
            if (m->grant->maptrack.used != before)
                printk("grant: d%u lost %u mappings of destroyed d%u's grants\n",
                       m->id, before - m->grant->maptrack.used, d->id);
        }
    BUG_ON(gnttab_destroy(&g->table));
    xfree(g->maptrack.slots);
    xfree(g->maps);
    d->grant = NULL;
    xfree(g);
}
