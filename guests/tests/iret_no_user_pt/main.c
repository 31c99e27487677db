/*
 * iret_no_user_pt: HYPERVISOR_iret with a frame for guest user mode (CS RPL 3, the
 * flat selectors, a canonical RIP: all the fast path in arch/x86/entry_syscall.S
 * takes) from a kernel that never gave a user page table (MMUEXT_NEW_USER_BASEPTR).
 * There is no CR3 to switch to: the domain crashes, as Xen's would. Passes when the
 * hypervisor crashes it (expect_shutdown = "crash").
 */
#include "iret_frame.h"

static void iret_into_user_mode(void)
{
    xtest_vcpu_info->evtchn_upcall_pending = 0;
    iret_with((uint64_t)iret_into_user_mode, FLAT_USER_CS64, FLAT_USER_SS64);
}

void test_main(void)
{
    if (!xtest_vcpu_info)
        xtest_abort("shared_info is not mapped");
    xtest_expect_crash("iret to user mode with no user page table", iret_into_user_mode);
}
