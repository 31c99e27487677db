/*
 * The event upcall (docs/abi.md): with events pending (evtchn_upcall_pending) the
 * hypervisor enters the guest's event callback, with events masked, the next time
 * it returns to the guest, and only while they are unmasked (pv64:
 * evtchn_upcall_mask; pvh64: RFLAGS.IF, the callback an interrupt vector; events.h).
 * No event channel is needed: the test sets the pending flag in its own vcpu_info,
 * as register_vcpu_info does, and uses xen_version(0), the hypercall Linux uses to
 * make the hypervisor look. How the callback was entered is the environment's
 * (ENV/frame.c).
 */
#include "xtest.h"
#include <public/sched.h>
#include "events.h"
#include "event_upcall.h"

void test_main(void)
{
    struct vcpu_info *vi = xtest_vcpu_info;

    expect_rc("register the event callback", events_register_upcall(), 0);

    /* Masked: nothing arrives. */
    events_mask();
    vi->evtchn_upcall_pending = 1;
    hc_xen_version(XENVER_version, NULL);
    xtest_check(upcall_count == 0, "an upcall arrived while events were masked");

    /* Unmasked: exactly one, right after the next hypercall returns. */
    events_unmask();
    hc_xen_version(XENVER_version, NULL);
    xtest_check(upcall_count == 1, "%lu upcalls after unmasking, expected 1", upcall_count);
    xtest_check(upcall_mask_seen == 1, "the callback ran with events unmasked");
    xtest_check(upcall_frame[UPCALL_FRAME_RIP] >= (uint64_t)_image_start &&
                upcall_frame[UPCALL_FRAME_RIP] < (uint64_t)_image_end,
                "RIP %#lx is not in the image", upcall_frame[UPCALL_FRAME_RIP]);
    xtest_check(upcall_frame[UPCALL_FRAME_RFLAGS] & (1UL << 9), "RFLAGS %#lx: IF is not set",
                upcall_frame[UPCALL_FRAME_RFLAGS]);
    check_upcall_frame();

    /* Nothing pending: nothing arrives. */
    hc_xen_version(XENVER_version, NULL);
    xtest_check(upcall_count == 1, "an upcall arrived with nothing pending");

    /* Blocking with an event pending returns at once, into the callback. */
    events_mask();
    vi->evtchn_upcall_pending = 1;
    expect_rc("blocking with an event pending", events_block(), 0);
    xtest_check(upcall_count == 2, "%lu upcalls after blocking, expected 2", upcall_count);
    events_mask();
    check_environment();
}
