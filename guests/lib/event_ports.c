/* Event-channel helpers on top of the upcall (events.h), the same in every
 * environment. */
#include "xtest.h"
#include "events.h"

evtchn_port_t events_bind_timer(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };

    if (events_register_upcall())
        xtest_abort("cannot register the event upcall");
    if (hypercall6(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (unsigned long)&bv,
                   0, 0, 0, 0))
        xtest_abort("cannot bind VIRQ_TIMER");
    return bv.port;
}

void events_clear_port(evtchn_port_t port)
{
    __atomic_exchange_n(&xtest_vcpu_info->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    __atomic_and_fetch(&xtest_shared_info->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}
