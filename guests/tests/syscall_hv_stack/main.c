/*
 * syscall_hv_stack: a system call from guest user mode while the stack_switch stack
 * (stack_switch takes any canonical address) lies in the hypervisor's direct map of
 * RAM, which the hypervisor could write. The syscall callback's frame must not go
 * there: the bounce refuses the range (guest_range_ok's rule, which the fast path in
 * arch/x86/entry_syscall.S applies before it switches modes) and the domain crashes,
 * naming the frame's address. Passes when the hypervisor crashes it
 * (expect_shutdown = "crash").
 */
#include "xtest.h"
#include "usermode.h"

/* 1 MiB into the direct map: the frame would be the 56 bytes below, 16-byte aligned. */
#define HYPERVISOR_STACK (BAD_VA_HYPERVISOR + 0x100000UL)

static long user_syscall(void *unused)
{
    (void)unused;
    __asm__ volatile("syscall" ::: "rcx", "r11", "memory");
    return 0;
}

static void syscall_onto_the_hypervisor(void)
{
    xtest_vcpu_info->evtchn_upcall_pending = 0;
    if (expect_rc("stack_switch(the hypervisor's direct map)",
                  hc_stack_switch(FLAT_KERNEL_SS, HYPERVISOR_STACK), 0))
        user_call(user_syscall, NULL, false);
}

void test_main(void)
{
    if (!xtest_vcpu_info)
        xtest_abort("shared_info is not mapped");
    if (user_mode_setup())
        xtest_expect_crash("a system call with its frame due in the hypervisor",
                           syscall_onto_the_hypervisor);
}
