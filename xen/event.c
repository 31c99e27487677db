/*
 * Event channels inside the hypervisor: where a domain's ports live, how
 * xen/evtchn.c finds a domain by id, and what a send does to the vCPU it
 * notifies: a kick wakes a blocked vCPU, interrupts one running on another
 * CPU, and leaves one running here to take its upcall on its way back to the
 * guest (pv/return.c).
 */
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/event.h>
#include <xeno/evtchn.h>
#include <xeno/sched.h>
#include <xeno/sched_poll.h>
#include <xeno/xmalloc.h>

#define DOMAIN_MAX_PORTS EVTCHN_DEFAULT_MAX_PORTS

static struct evtchn_domain *lookup(uint16_t domid)
{
    struct domain *d = domain_by_id(domid);
    return d && d->state == DOMAIN_ACTIVE && d->evtchn_ports ? &d->evtchn : NULL;
}

static void kick(struct evtchn_domain *ed, unsigned int vcpu)
{
    struct domain *d = ed->owner;
    if (vcpu < d->nr_vcpus)
        vcpu_kick(d->vcpus[vcpu]);
}

static void port_pending(struct evtchn_domain *ed, evtchn_port_t port)
{
    (void)port;                 /* pollers are woken whatever port they poll */
    sched_poll_port_pending(ed->owner);
}

static const struct evtchn_hooks hooks = {
    .lookup = lookup, .kick = kick, .port_pending = port_pending,
};

void event_init(void)
{
    evtchn_set_hooks(&hooks);
}

int domain_event_init(struct domain *d)
{
    int rc;

    d->evtchn_ports = xzalloc_array(struct evtchn, DOMAIN_MAX_PORTS);
    if (!d->evtchn_ports)
        return -ENOMEM;
    rc = evtchn_domain_init(&d->evtchn, d->id, d->shared_info, d->evtchn_ports,
                            DOMAIN_MAX_PORTS, d->nr_vcpus);
    if (rc) {
        xfree(d->evtchn_ports);
        d->evtchn_ports = NULL;
        return rc;
    }
    d->evtchn.owner = d;
    d->evtchn.privileged = d->privileged;
    return 0;
}

void domain_event_destroy(struct domain *d)
{
    if (!d->evtchn_ports)
        return;
    evtchn_domain_destroy(&d->evtchn);
    xfree(d->evtchn_ports);
    d->evtchn_ports = NULL;
}
