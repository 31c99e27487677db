/* exceptions in pv64: CR0.TS by fpu_taskswitch, the bounce frame of an int3. */
#include "xtest.h"
#include "../exceptions.h"

#define RFLAGS_IF (1UL << 9)

bool set_task_switched(bool on)
{
    return expect_rc(on ? "fpu_taskswitch(1)" : "fpu_taskswitch(0)", hc_fpu_taskswitch(on), 0);
}

void check_bp_frame(const struct exinfo *ex)
{
    uint8_t mask = xtest_vcpu_info ? xtest_vcpu_info->evtchn_upcall_mask : 1;

    xtest_check((ex->cs & 0xffff) == (FLAT_KERNEL_CS & ~3),
                "#BP frame CS %#lx, expected %#x (kernel mode: RPL 0)", ex->cs & 0xffff,
                FLAT_KERNEL_CS & ~3);
    xtest_check(((ex->cs >> 32) & 0xff) == mask,
                "#BP frame CS bits 32-39 %#lx, expected the saved upcall mask %u",
                (ex->cs >> 32) & 0xff, mask);
    xtest_check(!(ex->rflags & RFLAGS_IF) == !!mask,
                "#BP frame RFLAGS %#lx: IF should be %s with upcall_mask %u", ex->rflags,
                mask ? "clear" : "set", mask);
    xtest_check((ex->ss & 0xffff) == FLAT_KERNEL_SS, "#BP frame SS %#lx, expected %#x",
                ex->ss & 0xffff, FLAT_KERNEL_SS);
}
