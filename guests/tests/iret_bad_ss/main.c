/*
 * iret_bad_ss: HYPERVISOR_iret with a complete, readable frame whose SS is the null
 * selector (RPL 3). The hypervisor's own iretq to CPL3 would fault on it; it must
 * crash the domain instead. Passes when the hypervisor crashes it
 * (expect_shutdown = "crash") and carries on.
 */
#include "iret_frame.h"

static void iret_with_a_null_ss(void)
{
    iret_with((uint64_t)iret_with, IRET_GUEST_CS, 0);
}

void test_main(void)
{
    xtest_expect_crash("iret with SS 0", iret_with_a_null_ss);
}
