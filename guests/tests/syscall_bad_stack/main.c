/*
 * syscall_bad_stack: a system call from guest user mode while the stack_switch stack
 * (where the syscall callback's frame goes) is the top of an unmapped page. The
 * hypervisor cannot write the frame and crashes the domain, as Xen does, with the
 * same words whichever path makes the bounce: here the fast path
 * (arch/x86/entry_syscall.S), which has already switched to kernel mode when its
 * write faults and recovers through the exception table. Passes when the hypervisor
 * crashes it (expect_shutdown = "crash").
 */
#include "xtest.h"
#include "usermode.h"

static long user_syscall(void *unused)
{
    (void)unused;
    __asm__ volatile("syscall" ::: "rcx", "r11", "memory");
    return 0;
}

static void syscall_onto_the_guard_page(void)
{
    /* Nothing pending, so the fast path takes the bounce. */
    xtest_vcpu_info->evtchn_upcall_pending = 0;
    if (expect_rc("stack_switch(the top of the unmapped guard page)",
                  hc_stack_switch(FLAT_KERNEL_SS, (uint64_t)xtest_guard_page + PAGE_SIZE), 0))
        user_call(user_syscall, NULL, false);
}

void test_main(void)
{
    struct exinfo ex = probe_read64((uint64_t)xtest_guard_page, NULL);

    if (!xtest_vcpu_info)
        xtest_abort("shared_info is not mapped");
    expect_exception("a read of the guard page", &ex, X86_EXC_PF, 0);
    if (user_mode_setup())
        xtest_expect_crash("a system call with its frame due on an unmapped page",
                           syscall_onto_the_guard_page);
}
