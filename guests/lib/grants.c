/* Grant tables from a test guest: entries, map, unmap and copy (grants.h). */
#include "grants.h"
#include "peers.h"

void expect_status(const char *what, int16_t got, int16_t want)
{
    xtest_check(got == want, "%s: status %d, expected %d", what, got, want);
}

void grant_frame(struct grant_entry_v1 *gt, unsigned int ref, uint16_t domid, uint64_t frame,
                 uint16_t flags)
{
    gt[ref].domid = domid;
    gt[ref].frame = (uint32_t)frame;
    __atomic_store_n(&gt[ref].flags, flags, __ATOMIC_RELEASE);   /* flags last */
}

void grant_page(struct grant_entry_v1 *gt, unsigned int ref, uint16_t domid, void *page,
                uint16_t flags)
{
    grant_frame(gt, ref, domid, virt_to_mfn((uint64_t)page), flags);
}

int16_t grant_map(uint16_t dom, unsigned int ref, uint64_t va, uint32_t flags,
                  grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = { .host_addr = va, .flags = flags, .ref = ref,
                                       .dom = dom, .status = 99 };
    long rc = hc_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

    if (handle)
        *handle = op.handle;
    return rc ? (int16_t)rc : op.status;
}

int16_t grant_unmap(uint64_t va, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = va, .handle = handle, .status = 99 };
    long rc = hc_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

    return rc ? (int16_t)rc : op.status;
}

int16_t grant_copy(struct gnttab_copy op)
{
    long rc;

    op.status = 99;
    rc = hc_grant_table_op(GNTTABOP_copy, &op, 1);
    return rc ? (int16_t)rc : op.status;
}

struct gnttab_copy grant_copy_from(uint16_t dom, unsigned int ref, uint16_t off, void *to,
                                   uint16_t to_off, uint16_t len)
{
    return (struct gnttab_copy){
        .source = { .u.ref = ref, .domid = dom, .offset = off },
        .dest = { .u.gmfn = virt_to_mfn((uint64_t)to), .domid = DOMID_SELF, .offset = to_off },
        .len = len, .flags = GNTCOPY_source_gref };
}

struct gnttab_copy grant_copy_to(void *from, uint16_t off, uint16_t dom, unsigned int ref,
                                 uint16_t to_off, uint16_t len)
{
    return (struct gnttab_copy){
        .source = { .u.gmfn = virt_to_mfn((uint64_t)from), .domid = DOMID_SELF, .offset = off },
        .dest = { .u.ref = ref, .domid = dom, .offset = to_off },
        .len = len, .flags = GNTCOPY_dest_gref };
}

void grant_pair_run(void (*granter)(void), void (*mapper)(void))
{
    const struct peers *peers = peers_get();

    printf("peer %u of %u; domains %u and %u\n", peers->self, peers->count, peers->domid[0],
           peers->domid[1]);
    if (peers->self == 0)
        granter();
    else
        mapper();
}

uint16_t grant_pair_self(void)
{
    const struct peers *peers = peers_get();

    return peers->domid[peers->self];
}

uint16_t grant_pair_other(void)
{
    const struct peers *peers = peers_get();

    return peers->domid[peers->self ^ 1];
}
