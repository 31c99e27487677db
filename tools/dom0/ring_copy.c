/*
 * Grant copies between a domU's ring page and Domain 0's mirror of it, at
 * the same offsets. One GNTTABOP_copy runs its ops in order, which is what
 * makes a ring protocol work through copies: indices are read before the
 * data they cover, and data is written before the index that publishes it.
 */
#include "grants.h"
#include "dom0.h"

struct ring_copy ring_copy_of(uint16_t domid, grant_ref_t ref, uint8_t *mirror)
{
    return (struct ring_copy){ .domid = domid, .ref = ref, .mirror = mirror };
}

static void queue(struct ring_copy *rc, struct gnttab_copy op)
{
    if (rc->n == sizeof(rc->ops) / sizeof(rc->ops[0]))
        xtest_abort("ring_copy: more than %u copies queued", rc->n);
    rc->ops[rc->n++] = op;
}

void ring_copy_in(struct ring_copy *rc, uint16_t off, uint16_t len)
{
    queue(rc, grant_copy_from(rc->domid, rc->ref, off, rc->mirror, off, len));
}

void ring_copy_out(struct ring_copy *rc, uint16_t off, uint16_t len)
{
    queue(rc, grant_copy_to(rc->mirror, off, rc->domid, rc->ref, off, len));
}

bool ring_copy_run(struct ring_copy *rc)
{
    unsigned int n = rc->n;
    bool ok;

    rc->n = 0;
    if (!n)
        return true;
    for (unsigned int i = 0; i < n; i++)
        rc->ops[i].status = 99;
    ok = hc_grant_table_op(GNTTABOP_copy, rc->ops, n) == 0;
    for (unsigned int i = 0; i < n && ok; i++)
        ok = rc->ops[i].status == GNTST_okay;
    return ok;
}
