/*
 * A granter that shuts down while another domain still maps its grants
 * (manifest: peers = 2).  Peer 0 (A) grants a mailbox page and a data page to
 * peer 1 (B); B maps both read-write, checks A's data, writes back, and says
 * so in the mailbox.  A checks B's write and powers off with its PASS verdict
 * while B's mappings are still in place.
 *
 * The hypervisor then destroys A, and with it the mappings B holds of A's
 * pages: it clears B's entries and drops B's handles (xen/grant_domain.c;
 * the console says "grant: dB lost 2 mappings of destroyed dA's grants",
 * which tests/system/test_grants.py checks).  B waits, bounded, until A is
 * gone (a copy from A's grant gives GNTST_bad_domain once A is destroyed),
 * and from then on a read through either mapping must fault: had the entries
 * stayed, B would be reading frames that are no longer A's.  B then checks
 * the stale handles and A's refs are refused, and that it can still map a
 * grant of its own where A's page was.
 */
#include "grants.h"
#include "pagetable.h"
#include "peers.h"
#include "xtest.h"

#define MAILBOX_REF 8
#define DATA_REF 9
#define SELF_REF 10             /* in B's table: B's own page, granted to B */
#define MAGIC 0x6f727068616e6564UL
#define DATA_WORD(i) (0xa0a0000000000000UL + (i))

struct mailbox {
    volatile uint64_t magic;
    volatile uint64_t b_step;
};

static uint8_t pages[2][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
#define MAILBOX ((struct mailbox *)pages[0])
static uint8_t buf[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* Copy 8 bytes of A's grant REF into buf: its status. */
static int16_t copy_from_a(unsigned int ref)
{
    return grant_copy(grant_copy_from(grant_pair_other(), ref, 0, buf, 0, 8));
}

/* ---- peer 0: the granter, which powers off with its grants mapped */

static void granter(void)
{
    struct grant_entry_v1 *gt = grant_own_table();
    volatile uint64_t *data = (volatile uint64_t *)pages[1];
    uint16_t b = grant_pair_other();

    memset(pages, 0, sizeof(pages));
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        data[i] = DATA_WORD(i);
    grant_page(gt, DATA_REF, b, pages[1], GTF_permit_access);
    MAILBOX->magic = MAGIC;
    grant_page(gt, MAILBOX_REF, b, pages[0], GTF_permit_access);

    if (!peer_wait_word("B mapped our grants", &MAILBOX->b_step, 1))
        return;
    xtest_check(data[1] == 0xb1, "B's write through its mapping is not here: %#lx", data[1]);
    xtest_check((gt[DATA_REF].flags & (GTF_reading | GTF_writing)) ==
                (GTF_reading | GTF_writing), "B's mapping left flags %#x", gt[DATA_REF].flags);
    /* Power off now, B's two mappings still in place. */
    printf("powering off with two grants mapped by d%u\n", b);
}

/* ---- peer 1: the mapper left holding A's pages */

static bool mailbox_copied(void *ctx)
{
    (void)ctx;
    return copy_from_a(MAILBOX_REF) == GNTST_okay && *(volatile uint64_t *)buf == MAGIC;
}

/* A is destroyed (not only shut down): its grants belong to no domain. */
static bool granter_destroyed(void *ctx)
{
    (void)ctx;
    return copy_from_a(MAILBOX_REF) == GNTST_bad_domain;
}

static void mapper(void)
{
    uint16_t a = grant_pair_other();
    volatile struct mailbox *mb = (struct mailbox *)scratch_va(1);
    volatile uint64_t *data = (volatile uint64_t *)scratch_va(2);
    volatile uint64_t *own = (volatile uint64_t *)pages[1];
    grant_handle_t hmb = 0, hdata = 0, hown;
    struct grant_entry_v1 *gt = grant_own_table();
    uint64_t v = 0;
    bool mapped = true;

    if (!peer_wait("A's mailbox grant", mailbox_copied, NULL))
        return;
    expect_status("map of the mailbox",
                  grant_map(a, MAILBOX_REF, scratch_va(1), GNTMAP_host_map, &hmb), GNTST_okay);
    expect_status("map of the data page",
                  grant_map(a, DATA_REF, scratch_va(2), GNTMAP_host_map, &hdata), GNTST_okay);
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        if (data[i] != DATA_WORD(i)) {
            xtest_fail("A's data through our mapping: word %u is %#lx", i, data[i]);
            mapped = false;
            break;
        }
    if (mb->magic != MAGIC) {
        xtest_fail("the mailbox reads %#lx", mb->magic);
        mapped = false;
    }
    if (!mapped)
        return;
    data[1] = 0xb1;
    mb->b_step = 1;

    /* A powers off; once the hypervisor has destroyed it, our entries are gone. */
    if (!peer_wait("A's destruction", granter_destroyed, NULL))
        return;
    expect_exception("read through the mapping of A's data page after A's destruction",
                     (struct exinfo[]){ probe_read64(scratch_va(2), &v) }, 14, 0);
    expect_exception("read through the mapping of A's mailbox after A's destruction",
                     (struct exinfo[]){ probe_read64(scratch_va(1), &v) }, 14, 0);
    expect_exception("write through the mapping of A's data page after A's destruction",
                     (struct exinfo[]){ probe_write64(scratch_va(2), 1) }, 14, 2);

    /* The hypervisor dropped our handles with the entries. */
    expect_status("unmap of the data page's dropped handle", grant_unmap(scratch_va(2), hdata),
                  GNTST_bad_handle);
    expect_status("unmap of the mailbox's dropped handle", grant_unmap(scratch_va(1), hmb),
                  GNTST_bad_handle);
    expect_status("map of a destroyed domain's grant",
                  grant_map(a, DATA_REF, scratch_va(2), GNTMAP_host_map, NULL), GNTST_bad_domain);
    expect_status("copy from a destroyed domain's grant", copy_from_a(DATA_REF),
                  GNTST_bad_domain);

    /* We carry on: our own page, granted to ourselves, maps where A's was. */
    own[0] = 0x5e1f;
    grant_page(gt, SELF_REF, grant_pair_self(), pages[1], GTF_permit_access);
    if (grant_map(grant_pair_self(), SELF_REF, scratch_va(2), GNTMAP_host_map, &hown) ==
        GNTST_okay) {
        xtest_check(data[0] == 0x5e1f, "our own grant mapped reads %#lx", data[0]);
        data[1] = 0x5e2f;
        xtest_check(own[1] == 0x5e2f, "a write through our own grant mapping reads %#lx",
                    own[1]);
        expect_status("unmap of our own grant", grant_unmap(scratch_va(2), hown), GNTST_okay);
        expect_exception("read after unmapping our own grant",
                         (struct exinfo[]){ probe_read64(scratch_va(2), &v) }, 14, 0);
    } else {
        xtest_fail("map of our own grant after A's destruction failed");
    }
    scratch_restore(2);
    scratch_restore(1);
    expect_no_exception("read of scratch page 2 restored",
                        (struct exinfo[]){ probe_read64(scratch_va(2), &v) });
    scratch_restore(0);
}

void test_main(void)
{
    grant_pair_run(granter, mapper);
}
