/*
 * SCHEDOP_poll (public/sched.h): the vCPU sleeps until one of the ports it
 * names is pending, masked or not, or until the timeout (absolute system
 * time; 0 for none) passes. Linux's PV spinlocks wait for their unlocker's
 * kick this way, on a masked port, with events off.
 */
#include "xtest.h"
#include "events.h"
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>

#define MS 1000000UL

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0, 0);
}

static long poll(evtchn_port_t *ports, uint32_t n, uint64_t timeout)
{
    struct sched_poll p = { .ports = (uint64_t)ports, .nr_ports = n, .timeout = timeout };
    return hc_sched_op(SCHEDOP_poll, &p);
}

static void set_bit_in(uint64_t *words, evtchn_port_t port, bool on)
{
    if (on)
        __atomic_or_fetch(&words[port / 64], 1UL << (port % 64), __ATOMIC_SEQ_CST);
    else
        __atomic_and_fetch(&words[port / 64], ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

void test_main(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi;
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct evtchn_send s;
    evtchn_port_t ports[2], many[129];
    uint64_t t0, t1;

    /* Events stay off throughout: a poll must not need them. */
    events_mask();
    expect_rc("alloc_unbound", evtchn_op(EVTCHNOP_alloc_unbound, &au), 0);
    bi = (struct evtchn_bind_interdomain){ .remote_dom = DOMID_SELF, .remote_port = au.port };
    expect_rc("bind_interdomain (loopback)", evtchn_op(EVTCHNOP_bind_interdomain, &bi), 0);
    expect_rc("bind VIRQ_TIMER", evtchn_op(EVTCHNOP_bind_virq, &bv), 0);
    ports[0] = au.port;
    ports[1] = bv.port;
    for (unsigned int i = 0; i < 3; i++)
        set_bit_in(xtest_shared_info->evtchn_mask, i == 0 ? au.port : i == 1 ? bi.local_port
                   : bv.port, true);
    set_bit_in(xtest_shared_info->evtchn_pending, au.port, false);
    set_bit_in(xtest_shared_info->evtchn_pending, bi.local_port, false);

    /* Bad arguments. */
    expect_rc("129 ports", poll(many, 129, 0), -EINVAL);
    many[0] = 5000;
    expect_rc("a port beyond the table", poll(many, 1, 0), -EINVAL);
    expect_rc("a bad port list", poll((evtchn_port_t *)BAD_VA_PAGE0, 1, 0), -EFAULT);
    expect_rc("a bad argument", hc_sched_op(SCHEDOP_poll, (void *)BAD_VA_PAGE0), -EFAULT);

    /* A send on the other end of the loopback: the masked port is pending,
     * the poll returns at once. */
    s.port = bi.local_port;
    expect_rc("send", evtchn_op(EVTCHNOP_send, &s), 0);
    t0 = pvclock_now_ns();
    expect_rc("poll of a pending port", poll(ports, 1, t0 + 5000 * MS), 0);
    xtest_check(pvclock_now_ns() - t0 < 50 * MS, "poll of a pending port took %lu ns",
                pvclock_now_ns() - t0);
    set_bit_in(xtest_shared_info->evtchn_pending, au.port, false);

    /* The timer's port fires while we poll it (and the other): woken then. */
    {
        struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = pvclock_now_ns() + 20 * MS };
        t0 = pvclock_now_ns();
        expect_rc("set a 20 ms timer", hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
        expect_rc("poll until the timer's port is pending", poll(ports, 2, 0), 0);
        t1 = pvclock_now_ns();
        printf("woken after %lu us by the 20 ms timer\n", (t1 - t0) / 1000);
        xtest_check(t1 >= st.timeout_abs_ns, "the poll ended %lu ns before the timer",
                    st.timeout_abs_ns - t1);
        xtest_check(xtest_shared_info->evtchn_pending[bv.port / 64] & (1UL << (bv.port % 64)),
                    "the poll ended but the timer port is not pending");
        set_bit_in(xtest_shared_info->evtchn_pending, bv.port, false);
    }

    /* Nothing comes: the timeout ends the poll, no earlier. */
    t0 = pvclock_now_ns();
    expect_rc("poll with a 30 ms timeout", poll(ports, 2, t0 + 30 * MS), 0);
    t1 = pvclock_now_ns();
    printf("a 30 ms timeout ended the poll after %lu us\n", (t1 - t0) / 1000);
    xtest_check(t1 - t0 >= 30 * MS, "the poll ended after %lu ns, before its timeout", t1 - t0);
    xtest_check(t1 - t0 < 500 * MS, "the poll ended after %lu ns: its 30 ms timeout did not",
                t1 - t0);

    /* A timeout already past: at once. */
    t0 = pvclock_now_ns();
    expect_rc("poll with a timeout in the past", poll(ports, 2, 1), 0);
    xtest_check(pvclock_now_ns() - t0 < 50 * MS, "a past timeout took %lu ns",
                pvclock_now_ns() - t0);
}
