/*
 * The event upcall (docs/abi.md): with events pending (evtchn_upcall_pending) the
 * hypervisor enters the guest's event callback, with events masked, the next time
 * it returns to the guest, and only while they are unmasked. Nothing sends events
 * yet (event channels come with the next issue), so the test sets the pending flag
 * in its own vcpu_info, as register_vcpu_info does, and uses xen_version(0), the
 * hypercall Linux uses to make the hypervisor look.
 */
#include "xtest.h"
#include <public/callback.h>
#include <public/sched.h>
#include "events.h"

void test_main(void)
{
    struct vcpu_info *vi = xtest_vcpu_info;
    struct callback_register cb = { .type = CALLBACKTYPE_event, .address = (uint64_t)upcall_entry };

    upcall_vcpu_info = vi;
    expect_rc("register the event callback", hc_callback_op(CALLBACKOP_register, &cb), 0);

    /* Masked: nothing arrives. */
    vi->evtchn_upcall_mask = 1;
    vi->evtchn_upcall_pending = 1;
    hc_xen_version(XENVER_version, NULL);
    xtest_check(upcall_count == 0, "an upcall arrived while events were masked");

    /* Unmasked: exactly one, right after the next hypercall returns. */
    vi->evtchn_upcall_mask = 0;
    hc_xen_version(XENVER_version, NULL);
    xtest_check(upcall_count == 1, "%lu upcalls after unmasking, expected 1", upcall_count);
    xtest_check(upcall_mask_seen == 1, "the callback ran with events unmasked");
    xtest_check(((upcall_frame[3] >> 32) & 0xff) == 0, "CS slot %#lx: saved mask is not 0",
                upcall_frame[3]);
    xtest_check((upcall_frame[3] & 0xffff) == FLAT_KERNEL_CS64 - 3,
                "CS slot %#lx: expected the kernel CS with RPL 0", upcall_frame[3]);
    xtest_check(upcall_frame[4] & (1UL << 9), "RFLAGS slot %#lx: IF is not set", upcall_frame[4]);
    xtest_check(upcall_frame[2] >= (uint64_t)_image_start && upcall_frame[2] < (uint64_t)_image_end,
                "RIP slot %#lx is not in the image", upcall_frame[2]);
    xtest_check(vi->evtchn_upcall_pending == 0 && vi->evtchn_upcall_mask == 0,
                "after the callback's iret: pending %u mask %u", vi->evtchn_upcall_pending,
                vi->evtchn_upcall_mask);

    /* Nothing pending: nothing arrives. */
    hc_xen_version(XENVER_version, NULL);
    xtest_check(upcall_count == 1, "an upcall arrived with nothing pending");

    /* block with an event pending returns at once, into the callback. */
    vi->evtchn_upcall_mask = 1;
    vi->evtchn_upcall_pending = 1;
    expect_rc("sched_op(block) with an event pending", hc_sched_op(SCHEDOP_block, NULL), 0);
    xtest_check(upcall_count == 2, "%lu upcalls after block, expected 2", upcall_count);
    vi->evtchn_upcall_mask = 1;
}
