/*
 * grant_table_op in a single domain (the two-domain half is grant_peers):
 * the table's frames (setup_table, query_size; how a guest reaches them is the
 * environment's, ENV/frames.c), versions, GNTTABOP_copy between the domain's own
 * frames (by gmfn, DOMID_SELF: machine frames in pv64, guest frames in pvh64)
 * with its bounds, per-op status in batches, and every argument error the
 * hypercall answers without a second domain.
 */
#include "grants.h"
#include "pagetable.h"
#include "xtest.h"
#include "grant_table.h"

static uint8_t map_target[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static uint8_t src_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t dst_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct gnttab_copy batch[600];

static void versions(void)
{
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    struct gnttab_set_version sv = { .version = 1 };

    expect_rc("get_version", hc_grant_table_op(GNTTABOP_get_version, &gv, 1), 0);
    xtest_check(gv.version == 1, "get_version says %u, expected 1", gv.version);
    gv.dom = NOBODY;
    expect_rc("get_version of no domain", hc_grant_table_op(GNTTABOP_get_version, &gv, 1),
              -ESRCH);
    expect_rc("set_version 1", hc_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    sv.version = 2;
    expect_rc("set_version 2", hc_grant_table_op(GNTTABOP_set_version, &sv, 1), -ENOSYS);
    xtest_check(sv.version == 1, "set_version 2 left version %u, expected 1", sv.version);
    sv.version = 3;
    expect_rc("set_version 3", hc_grant_table_op(GNTTABOP_set_version, &sv, 1), -EINVAL);
}

long setup(uint16_t dom, uint32_t nr, uint64_t *frames, int16_t *status)
{
    struct gnttab_setup_table op = { .dom = dom, .nr_frames = nr,
                                     .frame_list = (uint64_t)frames, .status = 99 };
    long rc = hc_grant_table_op(GNTTABOP_setup_table, &op, 1);

    *status = op.status;
    return rc;
}

static long setup_with_list(uint64_t ptr, void *ctx)
{
    struct gnttab_setup_table op = { .dom = DOMID_SELF, .nr_frames = 2, .frame_list = ptr };
    (void)ctx;
    return hc_grant_table_op(GNTTABOP_setup_table, &op, 1);
}

static long setup_at(uint64_t ptr, void *ctx)
{
    (void)ctx;
    return hc_grant_table_op(GNTTABOP_setup_table, (void *)ptr, 1);
}

static void table_frames(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    uint64_t frames[4] = { 0 };
    int16_t st;

    expect_rc("query_size", hc_grant_table_op(GNTTABOP_query_size, &q, 1), 0);
    xtest_check(q.status == GNTST_okay && q.nr_frames == 0 && q.max_nr_frames == 32,
                "query_size before setup: status %d, %u of %u frames", q.status, q.nr_frames,
                q.max_nr_frames);
    expect_rc("query_size with count 2", hc_grant_table_op(GNTTABOP_query_size, &q, 2), -EINVAL);
    q.dom = NOBODY;
    expect_rc("query_size of no domain", hc_grant_table_op(GNTTABOP_query_size, &q, 1), 0);
    xtest_check(q.status == GNTST_bad_domain, "query_size of no domain: status %d", q.status);

    expect_rc("setup_table with count 0", hc_grant_table_op(GNTTABOP_setup_table, NULL, 0),
              -EINVAL);
    expect_rc("setup_table with count 2", hc_grant_table_op(GNTTABOP_setup_table, frames, 2),
              -EINVAL);
    expect_rc("setup_table of 33 frames", setup(DOMID_SELF, 33, frames, &st), 0);
    xtest_check(st == GNTST_general_error, "setup_table of 33 frames: status %d", st);
    expect_rc("setup_table of no domain", setup(NOBODY, 1, frames, &st), 0);
    xtest_check(st == GNTST_bad_domain, "setup_table of no domain: status %d", st);
    expect_efault_for_bad_pointers("setup_table's frame_list", setup_with_list, NULL,
                                   2 * sizeof(uint64_t), BADPTR_WRITES);
    expect_efault_for_bad_pointers("setup_table's argument", setup_at, NULL,
                                   sizeof(struct gnttab_setup_table), 0);

    check_own_frames();
}

static struct gnttab_copy own_copy(uint64_t src_mfn, uint16_t src_off, uint64_t dst_mfn,
                                   uint16_t dst_off, uint16_t len)
{
    return (struct gnttab_copy){
        .source = { .u.gmfn = src_mfn, .domid = DOMID_SELF, .offset = src_off },
        .dest = { .u.gmfn = dst_mfn, .domid = DOMID_SELF, .offset = dst_off },
        .len = len, .status = 99 };
}

static long copy_at(uint64_t ptr, void *ctx)
{
    (void)ctx;
    return hc_grant_table_op(GNTTABOP_copy, (void *)ptr, 1);
}

static void copies(void)
{
    uint64_t src = virt_to_mfn((uint64_t)src_page), dst = virt_to_mfn((uint64_t)dst_page);
    struct gnttab_copy ops[3];

    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        src_page[i] = (uint8_t)(i * 7 + 1);
    expect_status("copy of a whole page", grant_copy(own_copy(src, 0, dst, 0, PAGE_SIZE)),
                  GNTST_okay);
    xtest_check(!memcmp(src_page, dst_page, PAGE_SIZE), "whole-page copy differs");
    memset(dst_page, 0, PAGE_SIZE);
    expect_status("copy at offsets", grant_copy(own_copy(src, 100, dst, 3000, 1096)), GNTST_okay);
    xtest_check(!memcmp(src_page + 100, dst_page + 3000, 1096) && dst_page[2999] == 0,
                "copy at offsets differs or overran");
    expect_status("copy of 0 bytes", grant_copy(own_copy(src, 4096, dst, 4096, 0)), GNTST_okay);
    expect_status("copy past the source page end", grant_copy(own_copy(src, 4000, dst, 0, 97)),
                  GNTST_bad_copy_arg);
    expect_status("copy past the destination page end", grant_copy(own_copy(src, 0, dst, 4095, 2)),
                  GNTST_bad_copy_arg);
    expect_status("copy at offset 65535", grant_copy(own_copy(src, 65535, dst, 0, 1)),
                  GNTST_bad_copy_arg);
    /* Page tables and the hypervisor's frames are machine frames a PV domain can
     * name; a PVH domain names only its guest frames. */
    if (xtest_applies(XTEST_ENV_PV, "copy into a page table (PV only)")) {
        uint64_t l1 = initial_table_of((uint64_t)dst_page, 1);
        expect_status("copy into a page table", grant_copy(own_copy(src, 0, l1, 0, 8)),
                      GNTST_general_error);
    }
    if (xtest_applies(XTEST_ENV_PV, "copy from a hypervisor frame by its mfn (PV only)"))
        expect_status("copy from a hypervisor frame", grant_copy(own_copy(0x200, 0, dst, 0, 8)),
                      GNTST_bad_page);
    expect_status("copy from a frame beyond memory", grant_copy(own_copy(1UL << 40, 0, dst, 0, 8)),
                  GNTST_bad_page);
    struct gnttab_copy op = own_copy(src, 0, dst, 0, 8);
    op.source.domid = NOBODY;
    expect_status("copy by gmfn from another domain", grant_copy(op), GNTST_permission_denied);
    op = own_copy(src, 0, dst, 0, 8);
    op.flags = GNTCOPY_source_gref;
    op.source.domid = NOBODY;
    expect_status("copy from a grant of no domain", grant_copy(op), GNTST_bad_domain);
    op.source.domid = DOMID_SELF;
    op.source.u.ref = 100000;
    expect_status("copy from a ref beyond the table", grant_copy(op), GNTST_bad_gntref);

    /* A batch: each op its own status, the bad one in the middle stops nothing. */
    memset(dst_page, 0, PAGE_SIZE);
    ops[0] = own_copy(src, 0, dst, 0, 16);
    ops[1] = own_copy(src, 0, dst, 4090, 16);
    ops[2] = own_copy(src, 16, dst, 16, 16);
    expect_rc("a batch of 3 copies", hc_grant_table_op(GNTTABOP_copy, ops, 3), 0);
    xtest_check(ops[0].status == 0 && ops[1].status == GNTST_bad_copy_arg && ops[2].status == 0,
                "batch statuses %d %d %d", ops[0].status, ops[1].status, ops[2].status);
    xtest_check(!memcmp(src_page, dst_page, 32), "batch copies differ");
    /* A long batch (long enough to be preempted and continued where it stopped). */
    for (unsigned int i = 0; i < ARRAY_LEN(batch); i++)
        batch[i] = own_copy(src, (uint16_t)(i % 512) * 8, dst, (uint16_t)((i + 1) % 512) * 8, 8);
    memset(dst_page, 0, PAGE_SIZE);
    expect_rc("a batch of 600 copies", hc_grant_table_op(GNTTABOP_copy, batch, ARRAY_LEN(batch)), 0);
    for (unsigned int i = 0; i < ARRAY_LEN(batch); i++)
        if (batch[i].status != GNTST_okay) {
            xtest_fail("copy %u of 600: status %d", i, batch[i].status);
            break;
        }
    for (unsigned int i = 0; i < 512; i++)
        xtest_check(!memcmp(src_page + i * 8, dst_page + ((i + 1) % 512) * 8, 8),
                    "long batch: word %u misplaced", i);
    expect_efault_for_bad_pointers("copy's op array", copy_at, NULL, sizeof(struct gnttab_copy),
                                   BADPTR_WRITES);
}

static void maps_without_peer(void)
{
    /* Where a map would go: a virtual address in pv64 (a scratch page), a guest-
     * physical one in pvh64; none of these maps happens. */
    uint64_t host = XTEST_ENV_PV ? scratch_va(0) : (uint64_t)map_target;
    struct gnttab_map_grant_ref m = { .host_addr = host, .flags = GNTMAP_host_map,
                                      .ref = 8, .dom = DOMID_SELF };
    struct gnttab_unmap_grant_ref u = { .host_addr = host, .handle = 12345 };

    expect_rc("map_grant_ref from DOMID_SELF", hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1), 0);
    expect_status("map_grant_ref from DOMID_SELF", m.status, GNTST_bad_domain);
    m.dom = NOBODY;
    hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);
    expect_status("map_grant_ref from no domain", m.status, GNTST_bad_domain);
    m.flags = 0;
    hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);
    expect_status("map_grant_ref of no kind", m.status, GNTST_bad_gntref);
    expect_rc("unmap_grant_ref", hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1), 0);
    expect_status("unmap_grant_ref of a handle never given", u.status, GNTST_bad_handle);
    /* Transfer hands a machine frame from one PV domain to another. */
    if (xtest_applies(XTEST_ENV_PV, "transfer to no domain (PV only)")) {
        struct gnttab_transfer t = { .mfn = spare_frame(), .domid = NOBODY, .ref = 8 };
        expect_rc("transfer", hc_grant_table_op(GNTTABOP_transfer, &t, 1), 0);
        expect_status("transfer to no domain", t.status, GNTST_bad_domain);
    }
}

static void hypercall_errors(void)
{
    struct gnttab_copy op = own_copy(0, 0, 0, 0, 0);

    expect_rc("sub-op 3 (dump_table)", hc_grant_table_op(GNTTABOP_dump_table, &op, 1), -ENOSYS);
    expect_rc("sub-op 9 (get_status_frames, v2)", hc_grant_table_op(9, &op, 1), -ENOSYS);
    expect_rc("sub-op 99", hc_grant_table_op(99, &op, 1), -ENOSYS);
    expect_rc("copy with an argument in cmd bits 12+",
              hc_grant_table_op(GNTTABOP_copy | (1U << 12), &op, 1), -EINVAL);
    expect_rc("copy with count 2^31", hc_grant_table_op(GNTTABOP_copy, &op, 1UL << 31), -EINVAL);
    expect_rc("copy with count 2^40", hc_grant_table_op(GNTTABOP_copy, &op, 1UL << 40), -EINVAL);
    expect_rc("copy of 0 ops", hc_grant_table_op(GNTTABOP_copy, NULL, 0), 0);
}

void test_main(void)
{
    versions();
    table_frames();
    copies();
    maps_without_peer();
    hypercall_errors();
}
