/* pvh64's own grant table for tests (grants.h): grant frame 0 put over the
 * runtime's first grant page with add_to_physmap. */
#include "grants.h"
#include "pvh.h"

struct grant_entry_v1 *grant_own_table(void)
{
    long rc = pvh_add_to_physmap(XENMAPSPACE_grant_table, 0, pvh_grant_pages[0]);

    if (rc)
        xtest_abort("add_to_physmap(grant_table, frame 0, gpfn %#lx) returned %ld",
                    virt_to_mfn((uint64_t)pvh_grant_pages[0]), rc);
    return (struct grant_entry_v1 *)pvh_grant_pages[0];
}
