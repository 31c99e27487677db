/*
 * Domains xenstored talks to (XS_INTRODUCE / XS_RELEASE, domain 0 only).
 * The record keeps the ring's frame and event channel for the transport that
 * Domain 0's kernel will add; releasing a domain drops everything it holds
 * in xenstored (watches, queued events, transactions), though not its nodes,
 * which the toolstack removes as with Xen.
 */
#include <xeno/errno.h>
#include <xeno/string.h>
#include "store.h"

/* DOMID_FIRST_RESERVED in Xen's public xen.h: ids from here on are not domains. */
#define XS_DOMID_FIRST_RESERVED 0x7ff0

bool xs_is_introduced(const struct xs_store *s, xs_domid_t domid)
{
    for (const struct xs_domain *d = s->domains; d; d = d->next)
        if (d->domid == domid)
            return true;
    return domid == 0;                  /* domain 0 is xenstored's own */
}

int xs_introduce(struct xs_store *s, xs_domid_t domid, uint64_t mfn, uint32_t evtchn)
{
    struct xs_domain *d;

    if (domid == 0 || domid >= XS_DOMID_FIRST_RESERVED)
        return -EINVAL;
    if (xs_is_introduced(s, domid))
        return -EEXIST;
    d = xs_alloc(s, sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->domid = domid;
    d->mfn = mfn;
    d->evtchn = evtchn;
    d->next = s->domains;
    s->domains = d;
    xs_watch_fire(s, "@introduceDomain", false);
    return 0;
}

int xs_release(struct xs_store *s, xs_domid_t domid)
{
    struct xs_domain **link;

    for (link = &s->domains; *link; link = &(*link)->next)
        if ((*link)->domid == domid)
            break;
    if (!*link)
        return -ENOENT;
    struct xs_domain *d = *link;

    *link = d->next;
    xs_free(s, d);
    xs_watch_remove_domain(s, domid);
    xs_txn_remove_domain(s, domid);
    xs_watch_fire(s, "@releaseDomain", false);
    return 0;
}
