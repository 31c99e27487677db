/*
 * With memory = 7 the domain's RAM ends at 7 MiB, but the runtime's identity
 * map covers whole 2 MiB pages up to 8 MiB: the guest's own page tables allow
 * the read of 0x700000 and only EPT refuses it. The hypervisor must crash this
 * domain and name the address and the access (the manifest's crash_reason);
 * every other domain of the boot goes on.
 */
#include "xtest.h"
#include "pvh.h"

#define OUTSIDE_RAM 0x700000UL

static void read_outside(void)
{
    (void)*(volatile uint64_t *)OUTSIDE_RAM;
}

void test_main(void)
{
    if (pvh_ram_end <= OUTSIDE_RAM)
        xtest_abort("the runtime maps RAM only to %#lx, not past %#lx", pvh_ram_end,
                    OUTSIDE_RAM);
    xtest_expect_crash("a read of gpa 0x700000, outside the domain's RAM", read_outside);
}
