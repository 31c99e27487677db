/*
 * grant_table in pv64: the table's frames come from setup_table as machine
 * frames, which the guest maps with update_va_mapping (scratch pages), and stay
 * the hypervisor's: they cannot be given back or made a page table.
 */
#include <public/memory.h>
#include "grants.h"
#include "pagetable.h"
#include "xtest.h"
#include "../grant_table.h"

void check_own_frames(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    uint64_t frames[4] = { 0 }, again[1] = { 0 };
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
    int16_t st;

    expect_rc("setup_table of 2 frames", setup(DOMID_SELF, 2, frames, &st), 0);
    xtest_check(st == GNTST_okay, "setup_table of 2 frames: status %d", st);
    for (unsigned int i = 0; i < 2; i++) {
        if (!expect_rc("mapping a grant frame writable", scratch_map(i, frames[i], PTE_RW_FLAGS), 0))
            continue;
        for (unsigned int b = 0; b < PAGE_SIZE; b += 8)
            xtest_check(*(volatile uint64_t *)(scratch_va(i) + b) == 0,
                        "grant frame %u not zero at %u", i, b);
        *(volatile uint64_t *)scratch_va(i) = 0x1234;   /* writable, and stays ours */
    }
    expect_rc("setup_table of 1 frame", setup(DOMID_SELF, 1, again, &st), 0);
    xtest_check(st == GNTST_okay && again[0] == frames[0],
                "setup_table again: status %d, frame %#lx (was %#lx)", st, again[0], frames[0]);
    xtest_check(*(volatile uint64_t *)scratch_va(0) == 0x1234, "grant frame lost its contents");
    q.dom = DOMID_SELF;
    hc_grant_table_op(GNTTABOP_query_size, &q, 1);
    xtest_check(q.nr_frames == 2, "query_size after setup: %u frames", q.nr_frames);
    /* The hypervisor keeps the frames: the guest cannot hand one back or make it a table. */
    r.extent_start = (uint64_t)&frames[1];
    expect_rc("decrease_reservation of a grant frame",
              hypercall(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, &r, 0, 0, 0, 0), 0);
    scratch_restore(0);
    scratch_restore(1);
    expect_rc("pinning a grant frame as an L1", mmuext(MMUEXT_PIN_L1_TABLE, frames[1]), -EINVAL);
}
