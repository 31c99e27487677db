/*
 * crash_report: a fatal fault for the hypervisor's crash report to describe.
 * test_main calls crash_level_one, which calls crash_level_two, which forgets
 * every trap handler, loads marker values into rbx and r12-r15 and reads an
 * unmapped address: a #PF the hypervisor cannot deliver, so it crashes the
 * domain. tests/system/test_crash_report.py checks the report names the fault,
 * the markers, cr2 = CRASH_ADDRESS and a stack whose words resolve (through
 * this guest's System.map) to the three functions. Each call is followed by
 * an empty asm so that none becomes a tail call and every return address stays
 * on the stack.
 */
#include "hypercall.h"
#include "xtest.h"

#define CRASH_ADDRESS 0xdead000UL       /* below the guest's 8 MiB: never mapped */

__attribute__((noinline)) static void crash_level_two(void)
{
    hc_set_trap_table(NULL);
    __asm__ volatile("mov $0x1111111111111111, %%rbx\n\t"
                     "mov $0x1212121212121212, %%r12\n\t"
                     "mov $0x1313131313131313, %%r13\n\t"
                     "mov $0x1414141414141414, %%r14\n\t"
                     "mov $0x1515151515151515, %%r15\n\t"
                     "mov (%0), %%rax"
                     :: "r"(CRASH_ADDRESS) : "rax", "rbx", "r12", "r13", "r14", "r15", "memory");
    __asm__ volatile("");
}

__attribute__((noinline)) static void crash_level_one(void)
{
    crash_level_two();
    __asm__ volatile("");
}

void test_main(void)
{
    xtest_expect_crash("a page fault with no handler", crash_level_one);
}
