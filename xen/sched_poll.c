/*
 * SCHEDOP_poll: sleep until one of a few event-channel ports is pending,
 * masked or not (PV spinlocks: Linux waits for the unlocker's kick on a
 * masked IPI port this way, and BUGs if poll fails). Any event that would
 * wake a blocked vCPU wakes a polling one too, as in Xen; a wake-up before a
 * polled port is pending is allowed by the ABI (the guest checks again).
 */
#include <asm/guest_access.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/evtchn.h>
#include <xeno/sched.h>
#include <xeno/sched_poll.h>

#define POLL_MAX_PORTS 128              /* as Xen */

long sched_poll(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    const struct vcpu_info *vi = v->vcpu_info;
    struct sched_poll p;

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -EINVAL;
    if (!d->evtchn_ports)
        return -ENOSYS;
    for (uint32_t i = 0; i < p.nr_ports; i++) {
        evtchn_port_t port;
        if (copy_from_guest(&port, p.ports + i * sizeof(port), sizeof(port)))
            return -EFAULT;
        if (!evtchn_port_valid(&d->evtchn, port))
            return -EINVAL;
        if (evtchn_port_is_pending(&d->evtchn, port))
            return 0;
    }
    /* An upcall it could take now ends the poll, as in Xen. */
    if (vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask)
        return 0;
    /* No poll timer yet: a poll with a timeout returns at once, as if it had
     * timed out (Linux's spinlocks poll without one). */
    if (p.timeout)
        return 0;
    v->polling = true;
    v->state = VCPU_BLOCKED;
    sched_sleep(v);
    return 0;
}

void sched_poll_port_pending(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        if (v->polling && v->state == VCPU_BLOCKED) {
            v->polling = false;
            sched_wake(v);
        }
    }
}
