/* event_upcall in pv64: the bounce frame of the event callback (docs/abi.md). */
#include "xtest.h"
#include "events.h"
#include "../event_upcall.h"

void check_upcall_frame(void)
{
    uint64_t cs = upcall_frame[UPCALL_FRAME_CS];

    xtest_check(((cs >> 32) & 0xff) == 0, "CS slot %#lx: saved mask is not 0", cs);
    xtest_check((cs & 0xffff) == FLAT_KERNEL_CS64 - 3,
                "CS slot %#lx: expected the kernel CS with RPL 0", cs);
    /* The iret hypercall restored the mask from the frame's IF. */
    xtest_check(xtest_vcpu_info->evtchn_upcall_pending == 0 &&
                xtest_vcpu_info->evtchn_upcall_mask == 0,
                "after the callback's iret: pending %u mask %u",
                xtest_vcpu_info->evtchn_upcall_pending, xtest_vcpu_info->evtchn_upcall_mask);
}

void check_environment(void)
{
    xtest_applies(false, "a per-vCPU upcall vector (HVMOP_set_evtchn_upcall_vector, "
                  "pvh64 only)");
}
