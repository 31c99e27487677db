/*
 * Grants between two domains (manifest: peers = 2).  Peer 0 (A) grants pages
 * of its own; peer 1 (B) maps them, copies to and from them, and accepts a
 * page A transfers.  They find each other through A's mailbox page: A grants
 * it at ref MAILBOX_REF, B polls with GNTTABOP_copy until the copy works,
 * then maps it, and from then on each side waits for the other's step number
 * in it (bounded waits, peers.h).
 */
#include "grants.h"
#include "pagetable.h"
#include "peers.h"
#include "xtest.h"

#define NOBODY 0x7000
#define MAILBOX_REF 8
#define RW_REF 9                /* page rw: mapped by B, revoked by A */
#define RO_REF 10               /* page ro */
#define COPY_SRC_REF 11         /* page ro: B copies from it */
#define COPY_DST_REF 12         /* page rw: B copies into it */
#define OTHER_REF 13            /* granted to a domain that is not B */
#define SELF_REF 14             /* granted by A to A */
#define ACCEPT_REF 8            /* in B's table: accept_transfer from A */
#define MAGIC 0x6772616e74737570UL

struct mailbox {
    volatile uint64_t magic;
    volatile uint64_t a_step, b_step;
    volatile uint64_t transfer_mfn;
};

static uint8_t pages[6][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
#define MAILBOX ((struct mailbox *)pages[0])
static uint8_t buf[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* A's revoke: flags to 0 only if neither GTF_reading nor GTF_writing is set. */
static bool revoke(struct grant_entry_v1 *e)
{
    uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_SEQ_CST);

    if (flags & (GTF_reading | GTF_writing))
        return false;
    return __atomic_compare_exchange_n(&e->flags, &flags, 0, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

static bool mailbox_unmapped(void *ctx)
{
    const volatile struct grant_entry_v1 *gt = ctx;
    return !(gt[MAILBOX_REF].flags & (GTF_reading | GTF_writing));
}

/* ---- peer 0: the granter */

static void granter(void)
{
    struct grant_entry_v1 *gt = grant_own_table();
    struct gnttab_transfer t = { .domid = grant_pair_other(), .ref = ACCEPT_REF };
    uint16_t b = grant_pair_other();
    grant_handle_t h;
    uint64_t spare;

    memset(pages, 0, sizeof(pages));
    ((volatile uint64_t *)pages[1])[0] = 0xa1;
    ((volatile uint64_t *)pages[2])[0] = 0xc3;
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        pages[3][i] = (uint8_t)(i * 3 + 5);
    grant_page(gt, RW_REF, b, pages[1], GTF_permit_access);
    grant_page(gt, RO_REF, b, pages[2], GTF_permit_access | GTF_readonly);
    grant_page(gt, COPY_SRC_REF, b, pages[3], GTF_permit_access | GTF_readonly);
    grant_page(gt, COPY_DST_REF, b, pages[4], GTF_permit_access);
    grant_page(gt, OTHER_REF, NOBODY, pages[1], GTF_permit_access);
    grant_page(gt, SELF_REF, grant_pair_self(), pages[5], GTF_permit_access);
    MAILBOX->magic = MAGIC;
    grant_page(gt, MAILBOX_REF, b, pages[0], GTF_permit_access);

    /* B maps pages[1] writable and writes; we see it, and cannot revoke. */
    if (!peer_wait_word("B mapped the read-write grant", &MAILBOX->b_step, 1))
        return;
    xtest_check(((volatile uint64_t *)pages[1])[0] == 0xb1, "B's write through its mapping "
                "is not here: %#lx", ((volatile uint64_t *)pages[1])[0]);
    xtest_check((gt[RW_REF].flags & (GTF_reading | GTF_writing)) == (GTF_reading | GTF_writing),
                "a writable mapping left flags %#x", gt[RW_REF].flags);
    xtest_check(!revoke(&gt[RW_REF]), "revoked a grant that is mapped");
    xtest_check(gt[RW_REF].flags & GTF_permit_access, "the refused revoke changed the entry");
    ((volatile uint64_t *)pages[1])[1] = 0xa2;
    MAILBOX->a_step = 1;

    /* B unmapped it: now the revoke works. */
    if (!peer_wait_word("B unmapped the read-write grant", &MAILBOX->b_step, 2))
        return;
    xtest_check(!(gt[RW_REF].flags & (GTF_reading | GTF_writing)), "unmap left flags %#x",
                gt[RW_REF].flags);
    xtest_check(revoke(&gt[RW_REF]), "could not revoke an unmapped grant (flags %#x)",
                gt[RW_REF].flags);
    MAILBOX->a_step = 2;

    /* B copied into pages[4] at 100..299, and set up its table to accept a page. */
    if (!peer_wait_word("B copied into our grant", &MAILBOX->b_step, 3))
        return;
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        if (pages[4][i] != (i >= 100 && i < 300 ? (uint8_t)(i ^ 0x5a) : 0)) {
            xtest_fail("B's copy into our grant: byte %u is %#x", i, pages[4][i]);
            break;
        }
    /* We may map our own grant by our own id, not through DOMID_SELF. */
    expect_status("map of our grant through DOMID_SELF",
                  grant_map(DOMID_SELF, SELF_REF, scratch_va(1), GNTMAP_host_map, NULL),
                  GNTST_bad_domain);
    ((volatile uint64_t *)pages[5])[0] = 0x5e1f;
    if (grant_map(grant_pair_self(), SELF_REF, scratch_va(1), GNTMAP_host_map, &h) ==
        GNTST_okay) {
        xtest_check(*(volatile uint64_t *)scratch_va(1) == 0x5e1f, "self-mapping reads wrong");
        expect_status("unmap of our own grant", grant_unmap(scratch_va(1), h), GNTST_okay);
    } else {
        xtest_fail("map of our own grant by our domid failed");
    }
    scratch_restore(1);

    /* Transfer: a page still mapped is refused, a ref not accepting too. */
    t.mfn = virt_to_mfn((uint64_t)pages[1]);
    hc_grant_table_op(GNTTABOP_transfer, &t, 1);
    expect_status("transfer of a page still mapped", t.status, GNTST_bad_page);
    spare = spare_frame();
    if (expect_rc("mapping the page to transfer", scratch_map(2, spare, PTE_RW_FLAGS), 0)) {
        for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
            ((volatile uint64_t *)scratch_va(2))[i] = 0x7a000000UL + i;
        scratch_restore(2);
    }
    t.mfn = spare;
    t.ref = ACCEPT_REF + 1;
    hc_grant_table_op(GNTTABOP_transfer, &t, 1);
    expect_status("transfer to a ref not accepting", t.status, GNTST_general_error);
    t.ref = ACCEPT_REF;
    expect_rc("transfer", hc_grant_table_op(GNTTABOP_transfer, &t, 1), 0);
    expect_status("transfer", t.status, GNTST_okay);
    expect_rc("mapping a page given away", scratch_map(2, spare, PTE_RW_FLAGS), -EBUSY);
    MAILBOX->transfer_mfn = spare;
    MAILBOX->a_step = 3;

    /* B is done; its unmap of the mailbox follows its last write to it (it
     * may run on the other CPU), so the flags clear a little later. */
    if (!peer_wait_word("B finished", &MAILBOX->b_step, 4))
        return;
    xtest_check(peer_wait("B's unmap of the mailbox", mailbox_unmapped, gt),
                "the mailbox is still marked in use: %#x", gt[MAILBOX_REF].flags);
}

/* ---- peer 1: the mapper */

static bool mailbox_copied(void *ctx)
{
    uint64_t *magic = ctx;

    return grant_copy(grant_copy_from(grant_pair_other(), MAILBOX_REF, 0, buf, 0, 8)) ==
           GNTST_okay && *magic == MAGIC;
}

static void mapper(void)
{
    uint16_t a = grant_pair_other();
    volatile struct mailbox *mb = (struct mailbox *)scratch_va(1);
    volatile uint64_t *rw = (volatile uint64_t *)scratch_va(2);
    grant_handle_t hmb, h;
    struct grant_entry_v1 *gt;

    if (!peer_wait("A's mailbox grant", mailbox_copied, buf))
        return;
    expect_status("map of the mailbox",
                  grant_map(a, MAILBOX_REF, scratch_va(1), GNTMAP_host_map, &hmb), GNTST_okay);
    expect_status("map read-write", grant_map(a, RW_REF, scratch_va(2), GNTMAP_host_map, &h),
                  GNTST_okay);
    xtest_check(rw[0] == 0xa1, "read-write mapping reads %#lx", rw[0]);
    rw[0] = 0xb1;
    mb->b_step = 1;
    if (!peer_wait_word("A's write", &mb->a_step, 1))
        return;
    xtest_check(rw[1] == 0xa2, "A's write is not seen through the mapping: %#lx", rw[1]);
    expect_status("unmap with a bad handle", grant_unmap(scratch_va(2), 4000), GNTST_bad_handle);
    expect_status("unmap at another address", grant_unmap(scratch_va(3), h), GNTST_general_error);
    expect_status("unmap", grant_unmap(scratch_va(2), h), GNTST_okay);
    expect_exception("read after unmap", (struct exinfo[]){ probe_read64(scratch_va(2), NULL) },
                     14, 0);
    expect_status("unmap twice", grant_unmap(scratch_va(2), h), GNTST_bad_handle);
    mb->b_step = 2;
    if (!peer_wait_word("A's revoke", &mb->a_step, 2))
        return;
    expect_status("map of a revoked grant",
                  grant_map(a, RW_REF, scratch_va(2), GNTMAP_host_map, NULL), GNTST_general_error);

    /* Read-only. */
    expect_status("writable map of a read-only grant",
                  grant_map(a, RO_REF, scratch_va(2), GNTMAP_host_map, NULL), GNTST_general_error);
    if (grant_map(a, RO_REF, scratch_va(2), GNTMAP_host_map | GNTMAP_readonly, &h) == GNTST_okay) {
        xtest_check(rw[0] == 0xc3, "read-only mapping reads %#lx", rw[0]);
        expect_exception("write to a read-only grant mapping",
                         (struct exinfo[]){ probe_write64(scratch_va(2), 1) }, 14, 0x3);
        expect_status("unmap read-only", grant_unmap(scratch_va(2), h), GNTST_okay);
    } else {
        xtest_fail("read-only map of a read-only grant failed");
    }

    /* Refused maps. */
    expect_status("map of a ref beyond the table",
                  grant_map(a, 100000, scratch_va(2), GNTMAP_host_map, NULL), GNTST_bad_gntref);
    expect_status("map from no domain",
                  grant_map(NOBODY, RW_REF, scratch_va(2), GNTMAP_host_map, NULL),
                  GNTST_bad_domain);
    expect_status("map of a grant to another domain",
                  grant_map(a, OTHER_REF, scratch_va(2), GNTMAP_host_map, NULL),
                  GNTST_general_error);
    expect_status("map with device_map", grant_map(a, COPY_DST_REF, scratch_va(2),
                  GNTMAP_host_map | GNTMAP_device_map, NULL), GNTST_general_error);
    expect_status("map with contains_pte", grant_map(a, COPY_DST_REF, scratch_va(2),
                  GNTMAP_host_map | GNTMAP_contains_pte, NULL), GNTST_general_error);
    expect_status("map at a hypervisor address",
                  grant_map(a, COPY_DST_REF, 0xffff830000000000UL, GNTMAP_host_map, NULL),
                  GNTST_general_error);
    expect_status("map at a misaligned address",
                  grant_map(a, COPY_DST_REF, scratch_va(2) + 8, GNTMAP_host_map, NULL),
                  GNTST_general_error);
    scratch_restore(2);

    /* Copies both ways. */
    memset(buf, 0, PAGE_SIZE);
    expect_status("copy from a grant",
                  grant_copy(grant_copy_from(a, COPY_SRC_REF, 0, buf, 0, PAGE_SIZE)), GNTST_okay);
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        if (buf[i] != (uint8_t)(i * 3 + 5)) {
            xtest_fail("copy from a grant: byte %u is %#x", i, buf[i]);
            break;
        }
    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        buf[i] = (uint8_t)(i ^ 0x5a);
    expect_status("copy into a grant",
                  grant_copy(grant_copy_to(buf, 100, a, COPY_DST_REF, 100, 200)), GNTST_okay);
    expect_status("copy into a read-only grant",
                  grant_copy(grant_copy_to(buf, 0, a, COPY_SRC_REF, 0, 8)), GNTST_general_error);
    expect_status("copy past the grant's page",
                  grant_copy(grant_copy_to(buf, 0, a, COPY_DST_REF, 4000, 200)),
                  GNTST_bad_copy_arg);
    expect_status("copy from a ref beyond the table",
                  grant_copy(grant_copy_from(a, 100000, 0, buf, 0, 8)), GNTST_bad_gntref);
    expect_status("copy from a grant to another domain",
                  grant_copy(grant_copy_from(a, OTHER_REF, 0, buf, 0, 8)), GNTST_general_error);
    expect_status("copy from a grant of no domain",
                  grant_copy(grant_copy_from(NOBODY, COPY_SRC_REF, 0, buf, 0, 8)),
                  GNTST_bad_domain);
    expect_status("copy from a revoked grant",
                  grant_copy(grant_copy_from(a, RW_REF, 0, buf, 0, 8)), GNTST_general_error);

    /* Accept a page from A. */
    gt = grant_own_table();
    grant_frame(gt, ACCEPT_REF, a, xtest_start_info->nr_pages + 100,   /* no pfn of ours */
                GTF_accept_transfer);
    mb->b_step = 3;
    if (!peer_wait_word("A's transfer", &mb->a_step, 3))
        return;
    xtest_check(gt[ACCEPT_REF].flags == (GTF_accept_transfer | GTF_transfer_committed |
                                         GTF_transfer_completed),
                "transfer entry flags %#x", gt[ACCEPT_REF].flags);
    xtest_check(gt[ACCEPT_REF].frame == mb->transfer_mfn, "transfer entry frame %#x, A sent %#lx",
                gt[ACCEPT_REF].frame, mb->transfer_mfn);
    if (expect_rc("mapping the page received", scratch_map(3, gt[ACCEPT_REF].frame, PTE_RW_FLAGS), 0)) {
        for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
            if (((volatile uint64_t *)scratch_va(3))[i] != 0x7a000000UL + i) {
                xtest_fail("the page received differs at word %u", i);
                break;
            }
        scratch_restore(3);
    }
    scratch_restore(0);
    mb->b_step = 4;
    expect_status("unmap of the mailbox", grant_unmap(scratch_va(1), hmb), GNTST_okay);
    scratch_restore(1);
}

void test_main(void)
{
    grant_pair_run(granter, mapper);
}
