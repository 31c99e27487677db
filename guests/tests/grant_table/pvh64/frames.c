/*
 * grant_table in pvh64: a PVH guest reaches its table's frames by putting them at
 * guest frames of its own with add_to_physmap (XENMAPSPACE_grant_table, as Linux
 * does), here the runtime's grant pages; setup_table then names those guest
 * frames, and a frame beyond the table's limit is refused.
 */
#include "grants.h"
#include "pvh.h"
#include "xtest.h"
#include "../grant_table.h"

#define MAX_FRAMES 32           /* query_size's max_nr_frames */

static long put_frame(uint64_t idx, unsigned int page)
{
    return pvh_add_to_physmap(XENMAPSPACE_grant_table, idx, pvh_grant_pages[page]);
}

void check_own_frames(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    uint64_t frames[2] = { 0 };
    int16_t st;
    char what[80];

    for (unsigned int i = 0; i < 2; i++) {
        volatile uint64_t *page = (volatile uint64_t *)pvh_grant_pages[i];

        snprintf(what, sizeof(what), "add_to_physmap of grant frame %u at gpfn %#lx", i,
                 virt_to_mfn((uint64_t)page));
        if (!expect_rc(what, put_frame(i, i), 0))
            continue;
        for (unsigned int b = 0; b < PAGE_SIZE / 8; b++)
            xtest_check(page[b] == 0, "grant frame %u not zero at %u", i, b * 8);
        page[0] = 0x1234 + i;           /* writable, and stays ours */
    }
    expect_rc("add_to_physmap of grant frame 0 again, at the same gpfn", put_frame(0, 0), 0);
    xtest_check(*(volatile uint64_t *)pvh_grant_pages[0] == 0x1234,
                "grant frame 0 lost its contents");
    hc_grant_table_op(GNTTABOP_query_size, &q, 1);
    xtest_check(q.nr_frames == 2, "query_size after add_to_physmap: %u frames", q.nr_frames);
    expect_rc("setup_table of 2 frames", setup(DOMID_SELF, 2, frames, &st), 0);
    for (unsigned int i = 0; i < 2; i++)
        xtest_check(st == GNTST_okay && frames[i] == virt_to_mfn((uint64_t)pvh_grant_pages[i]),
                    "setup_table: status %d, frame %u is %#lx, expected gpfn %#lx", st, i,
                    frames[i], virt_to_mfn((uint64_t)pvh_grant_pages[i]));
    snprintf(what, sizeof(what), "add_to_physmap of grant frame %u (of at most %u)",
             MAX_FRAMES, MAX_FRAMES);
    expect_rc(what, put_frame(MAX_FRAMES, 2), -EINVAL);
    xtest_applies(false, "giving a grant frame back (decrease_reservation) or pinning it as "
                  "a page table (PV only)");
}
