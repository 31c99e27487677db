/*
 * Event channels (2-level ABI) from one domain: a channel to itself (alloc_unbound
 * for DOMID_SELF, bind_interdomain to that port), so a send on one end raises the
 * other end's pending bit, the selector bit and the upcall; masking holds the
 * upcall back and unmask re-raises it; close and status; bad ports and sub-ops.
 * The upcall is the runtime's (events.h): a PV event callback, or in pvh64 an
 * interrupt vector masked by RFLAGS.IF.
 */
#include "xtest.h"
#include "events.h"
#include <public/event_channel.h>

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0, 0);
}

static bool pending(evtchn_port_t p)
{
    return xtest_shared_info->evtchn_pending[p / 64] >> (p % 64) & 1;
}

static void clear_pending(evtchn_port_t p)
{
    __atomic_and_fetch(&xtest_shared_info->evtchn_pending[p / 64], ~(1UL << (p % 64)),
                       __ATOMIC_SEQ_CST);
}

void test_main(void)
{
    struct vcpu_info *vi = xtest_vcpu_info;
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi;
    struct evtchn_send send;
    struct evtchn_status st;
    evtchn_port_t a, b;

    expect_rc("register the event callback", events_register_upcall(), 0);
    events_mask();
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;

    expect_rc("alloc_unbound for ourselves", evtchn_op(EVTCHNOP_alloc_unbound, &au), 0);
    a = au.port;
    bi = (struct evtchn_bind_interdomain){ .remote_dom = DOMID_SELF, .remote_port = a };
    expect_rc("bind_interdomain to it", evtchn_op(EVTCHNOP_bind_interdomain, &bi), 0);
    b = bi.local_port;
    xtest_check(a != 0 && b != 0 && a != b, "ports %u and %u", a, b);
    /* As in Xen, binding marks the new port pending (an event sent before the
     * bind is not lost): take that notification first. */
    xtest_check(pending(b), "bind_interdomain did not mark the new port pending");
    clear_pending(b);
    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;

    /* Send on b: a becomes pending, its selector bit and the upcall with it. */
    send.port = b;
    expect_rc("send", evtchn_op(EVTCHNOP_send, &send), 0);
    xtest_check(pending(a) && !pending(b), "after send: pending a %d b %d", pending(a), pending(b));
    xtest_check(vi->evtchn_pending_sel >> (a / 64) & 1, "selector %#lx lacks port %u's word",
                vi->evtchn_pending_sel, a);
    xtest_check(vi->evtchn_upcall_pending, "upcall_pending not set");
    xtest_check(upcall_count == 0, "an upcall while events were masked");

    /* Unmask events: the upcall arrives on the next return from the hypervisor. */
    events_unmask();
    hc_xen_version(XENVER_version, NULL);
    xtest_check(upcall_count == 1, "%lu upcalls, expected 1", upcall_count);
    clear_pending(a);
    vi->evtchn_pending_sel = 0;

    /* A masked port: send sets pending but no selector or upcall; unmask raises them. */
    __atomic_or_fetch(&xtest_shared_info->evtchn_mask[a / 64], 1UL << (a % 64), __ATOMIC_SEQ_CST);
    expect_rc("send to a masked port", evtchn_op(EVTCHNOP_send, &send), 0);
    xtest_check(pending(a) && vi->evtchn_upcall_pending == 0 && vi->evtchn_pending_sel == 0,
                "masked send: pending %d upcall %u sel %#lx", pending(a),
                vi->evtchn_upcall_pending, vi->evtchn_pending_sel);
    struct evtchn_unmask um = { .port = a };
    expect_rc("unmask", evtchn_op(EVTCHNOP_unmask, &um), 0);
    xtest_check(upcall_count == 2, "%lu upcalls after unmask, expected 2", upcall_count);
    clear_pending(a);
    vi->evtchn_pending_sel = 0;

    /* status, close, and the other end after close. */
    st = (struct evtchn_status){ .dom = DOMID_SELF, .port = b };
    expect_rc("status", evtchn_op(EVTCHNOP_status, &st), 0);
    xtest_check(st.status == EVTCHNSTAT_interdomain, "status of b is %u", st.status);
    struct evtchn_close cl = { .port = a };
    expect_rc("close a", evtchn_op(EVTCHNOP_close, &cl), 0);
    expect_rc("send on b after a closed", evtchn_op(EVTCHNOP_send, &send), 0);
    xtest_check(!pending(a), "a closed port became pending");
    expect_rc("close a twice", evtchn_op(EVTCHNOP_close, &cl), -EINVAL);

    /* Bad ports, sub-ops and pointers. */
    send.port = 0;
    expect_rc("send on port 0", evtchn_op(EVTCHNOP_send, &send), -EINVAL);
    send.port = 100000;
    expect_rc("send on a port beyond the table", evtchn_op(EVTCHNOP_send, &send), -EINVAL);
    expect_rc("init_control (FIFO ABI)", evtchn_op(EVTCHNOP_init_control, &send), -ENOSYS);
    expect_rc("an unknown sub-op", evtchn_op(63, &send), -ENOSYS);
    expect_rc("alloc_unbound with a bad pointer",
              evtchn_op(EVTCHNOP_alloc_unbound, (void *)BAD_VA_HYPERVISOR), -EFAULT);
    events_mask();
}
