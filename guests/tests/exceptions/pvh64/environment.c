/* exceptions in pvh64: CR0.TS written directly (the guest runs at CPL 0), the
 * CPU's own frame of an int3. */
#include "xtest.h"
#include "pvh.h"
#include "../exceptions.h"

#define CR0_TS (1UL << 3)
#define RFLAGS_IF (1UL << 9)

bool set_task_switched(bool on)
{
    uint64_t cr0;

    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = on ? cr0 | CR0_TS : cr0 & ~CR0_TS;
    __asm__ volatile("mov %0, %%cr0" :: "r"(cr0) : "memory");
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    xtest_check(!!(cr0 & CR0_TS) == on, "CR0 %#lx after %s TS", cr0, on ? "setting" : "clearing");
    return !!(cr0 & CR0_TS) == on;
}

void check_bp_frame(const struct exinfo *ex)
{
    uint64_t rflags;

    __asm__ volatile("pushfq\n\tpop %0" : "=r"(rflags));
    xtest_check(ex->cs == PVH_KERNEL_CS, "#BP frame CS %#lx, expected %#x", ex->cs,
                PVH_KERNEL_CS);
    xtest_check(ex->ss == PVH_KERNEL_DS, "#BP frame SS %#lx, expected %#x", ex->ss,
                PVH_KERNEL_DS);
    xtest_check((ex->rflags & RFLAGS_IF) == (rflags & RFLAGS_IF),
                "#BP frame RFLAGS %#lx: IF should be as it is (%#lx)", ex->rflags, rflags);
}
