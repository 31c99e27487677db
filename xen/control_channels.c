/*
 * The rings a domU shares with Domain 0 (xeno/control_channels.h). The
 * builder prepares what Xen's toolstack would: an unbound event channel per
 * ring whose remote end is Domain 0, and grants of the two ring frames in the
 * reserved grant entries Linux leaves alone. Domain 0 learns them from domctl
 * getinfo, binds the channels and reaches the pages with grant copies, so it
 * never holds a mapping that a domU's death could pull away under it, and it
 * gets no right to any other frame of the domU.
 */
#include <asm/m2p.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <pv/mm.h>
#include <xeno/control_channels.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/grant_domain.h>

struct domain *control_domain(void)
{
    struct domain *found = NULL;

    for (struct domain *d = domain_list; d; d = d->next)
        if (d->privileged && (d->state == DOMAIN_BUILDING || d->state == DOMAIN_ACTIVE) &&
            (!found || d->id < found->id))
            found = d;
    return found;
}

static int unbound_port(struct domain *d, uint16_t remote, uint32_t *port)
{
    struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = remote };
    int rc = evtchn_alloc_unbound(&d->evtchn, &op);

    *port = op.port;
    return rc;
}

static void grant(const struct domain *d, struct gnttab *gt, grant_ref_t ref, uint16_t to,
                  uint64_t mfn)
{
    struct grant_entry_v1 *e = &gt->frames[0].shared[ref];

    e->domid = to;
    /* The frame as the granting guest would name it: a PVH guest's grants
     * hold its own frame numbers (the M2P has them). */
    e->frame = (uint32_t)(domain_is_hvm(d) ? m2p_get(mfn) : mfn);
    __atomic_store_n(&e->flags, GTF_permit_access, __ATOMIC_RELEASE);   /* valid last */
}

int control_channels_setup(struct domain *d, uint64_t store_mfn, uint64_t console_mfn)
{
    struct domain *ctrl = control_domain();
    struct grant_domain *g;
    unsigned long flags;
    int rc;

    if (!ctrl || ctrl == d || d->privileged)
        return 0;
    /* A grant entry holds 32 bits of frame: ring frames above 16 TiB could
     * not be granted (no machine Xeno runs on has that much). */
    if ((store_mfn | console_mfn) >> 32)
        return -EINVAL;
    rc = unbound_port(d, ctrl->id, &d->rings.store_port);
    if (!rc)
        rc = unbound_port(d, ctrl->id, &d->rings.console_port);
    if (rc)
        return rc;
    flags = pv_mm_lock();
    g = grant_domain_of(d);
    rc = g ? gnttab_grow(&g->table, 1) : -ENOMEM;
    if (!rc) {
        grant(d, &g->table, GNTTAB_RESERVED_CONSOLE, ctrl->id, console_mfn);
        grant(d, &g->table, GNTTAB_RESERVED_XENSTORE, ctrl->id, store_mfn);
    }
    pv_mm_unlock(flags);
    if (rc)
        return rc;
    d->rings.backend = ctrl->id;
    d->rings.store_mfn = store_mfn;
    d->rings.console_mfn = console_mfn;
    return 0;
}
