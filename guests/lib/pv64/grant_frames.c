/* pv64's own grant table for tests (grants.h): setup_table, then a writable
 * mapping of its frame at scratch page 0. */
#include "grants.h"
#include "pagetable.h"

struct grant_entry_v1 *grant_own_table(void)
{
    uint64_t frame = 0;
    struct gnttab_setup_table op = { .dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = (uint64_t)&frame };

    if (hc_grant_table_op(GNTTABOP_setup_table, &op, 1) || op.status)
        xtest_abort("setup_table: status %d", op.status);
    if (scratch_map(0, frame, PTE_RW_FLAGS))
        xtest_abort("cannot map the grant table frame %#lx", frame);
    return (struct grant_entry_v1 *)scratch_va(0);
}
