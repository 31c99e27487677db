/*
 * event_upcall in pvh64: the callback is an interrupt through the guest's own IDT
 * (the CPU's frame, IF clear inside), first at HVM_PARAM_CALLBACK_IRQ's vector;
 * then HVMOP_set_evtchn_upcall_vector gives vCPU 0 a vector of its own, which Xen
 * uses in preference to the domain's.
 */
#include "xtest.h"
#include "events.h"
#include "pvh.h"
#include "../event_upcall.h"

static long set_upcall_vector(uint32_t vcpu, uint8_t vector)
{
    struct xen_hvm_evtchn_upcall_vector op = { .vcpu = vcpu, .vector = vector };

    return hc_hvm_op(HVMOP_set_evtchn_upcall_vector, &op);
}

void check_upcall_frame(void)
{
    xtest_check(upcall_vector == PVH_UPCALL_VECTOR, "the upcall came through vector %#lx, "
                "expected %#x (HVM_PARAM_CALLBACK_IRQ)", upcall_vector, PVH_UPCALL_VECTOR);
    xtest_check(upcall_frame[UPCALL_FRAME_CS] == PVH_KERNEL_CS, "CS %#lx, expected %#x",
                upcall_frame[UPCALL_FRAME_CS], PVH_KERNEL_CS);
    xtest_check(xtest_vcpu_info->evtchn_upcall_pending == 0,
                "after the handler: upcall_pending %u", xtest_vcpu_info->evtchn_upcall_pending);
}

void check_environment(void)
{
    uint64_t before = upcall_count;

    /* Xen refuses the vectors of exceptions and a vCPU the domain lacks. */
    expect_rc("set_evtchn_upcall_vector 0x0f", set_upcall_vector(0, 0x0f), -EINVAL);
    expect_rc("set_evtchn_upcall_vector for vCPU 1 of 1", set_upcall_vector(1, PVH_UPCALL_VECTOR_2),
              -ENOENT);
    if (!expect_rc("set_evtchn_upcall_vector for vCPU 0",
                   set_upcall_vector(0, PVH_UPCALL_VECTOR_2), 0))
        return;
    xtest_vcpu_info->evtchn_upcall_pending = 1;
    events_unmask();
    hc_xen_version(XENVER_version, NULL);
    events_mask();
    xtest_check(upcall_count == before + 1, "%lu upcalls with the vCPU's own vector, expected 1",
                upcall_count - before);
    xtest_check(upcall_vector == PVH_UPCALL_VECTOR_2, "the upcall came through vector %#lx, "
                "expected the vCPU's own %#x", upcall_vector, PVH_UPCALL_VECTOR_2);
}
