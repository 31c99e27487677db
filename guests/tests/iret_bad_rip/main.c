/*
 * iret_bad_rip: HYPERVISOR_iret with a complete, readable frame whose RIP is not
 * canonical. Handed to the hardware, the hypervisor's own iretq would fault in the
 * hypervisor; it must crash the domain instead (Xen crashes it too). Passes when
 * the hypervisor crashes it (expect_shutdown = "crash") and carries on.
 */
#include "iret_frame.h"

static void iret_to_a_noncanonical_rip(void)
{
    iret_with(0x0000800000000000UL, IRET_GUEST_CS, IRET_GUEST_SS);
}

void test_main(void)
{
    xtest_expect_crash("iret to RIP 0x0000800000000000", iret_to_a_noncanonical_rip);
}
