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
#include <xeno/guest_time.h>
#include <xeno/sched.h>
#include <xeno/sched_poll.h>

#define POLL_MAX_PORTS 128              /* as Xen */

struct poll_ports {
    uint32_t nr;
    evtchn_port_t port[POLL_MAX_PORTS];
};

/* A polled port is pending, or an upcall it could take now is due (which
 * ends the poll too, as in Xen), or the poll was ended already: its timeout
 * or a port of the domain turning pending cleared v->polling, maybe before
 * the vCPU blocked, where their wake would find nothing to wake. */
static bool poll_done(struct vcpu *v, void *ctx)
{
    const struct poll_ports *pp = ctx;
    const struct vcpu_info *vi = v->vcpu_info;

    if (!__atomic_load_n(&v->polling, __ATOMIC_ACQUIRE))
        return true;
    for (uint32_t i = 0; i < pp->nr; i++)
        if (evtchn_port_is_pending(&v->domain->evtchn, pp->port[i]))
            return true;
    return vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask;
}

long sched_poll(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct poll_ports pp;
    struct sched_poll p;

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -EINVAL;
    if (!d->evtchn_ports)
        return -ENOSYS;
    pp.nr = p.nr_ports;
    if (pp.nr && copy_from_guest(pp.port, p.ports, pp.nr * sizeof(pp.port[0])))
        return -EFAULT;
    for (uint32_t i = 0; i < pp.nr; i++)
        if (!evtchn_port_valid(&d->evtchn, pp.port[i]))
            return -EINVAL;
    __atomic_store_n(&v->polling, true, __ATOMIC_SEQ_CST);
    /* The timeout is an absolute system time; 0 waits for ever. */
    if (p.timeout)
        guest_poll_timer_set(v, p.timeout);
    /* Checks the ports once marked blocked: stays runnable if one is
     * pending already. The vCPU leaves its CPU on the way out of this call;
     * whoever wakes it clears `polling` (a stale flag, after a poll that
     * did not sleep, can only cause a wake-up, which the ABI allows). */
    sched_block_unless(v, poll_done, &pp);
    return 0;
}

void sched_poll_port_pending(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        /* sched_wake wakes it only if it is blocked, under its lock. */
        if (__atomic_load_n(&v->polling, __ATOMIC_ACQUIRE)) {
            v->polling = false;
            sched_wake(v);
        }
    }
}
