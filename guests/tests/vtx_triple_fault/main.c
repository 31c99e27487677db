/*
 * No exception is intercepted in a container, so the guest's own faults are
 * the CPU's business until it cannot deliver one: with an empty IDT, ud2's #UD
 * becomes #GP, then #DF, then a triple fault, which exits to the hypervisor.
 * It must crash this domain ("triple fault") and nothing else.
 */
#include "xtest.h"

static void triple_fault(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } empty = { 0, 0 };

    __asm__ volatile("lidt %0; ud2" :: "m"(empty) : "memory");
}

void test_main(void)
{
    xtest_expect_crash("ud2 with an empty IDT", triple_fault);
}
