/*
 * Event channels, 2-level ABI (Xen's model; see docs/abi.md).
 *
 * Each domain has a table of ports (struct evtchn, storage supplied by the
 * caller, max_ports of them, at most EVTCHN_2L_NR_CHANNELS).  A port is free,
 * reserved (port 0, never handed out), unbound (waiting for one named domain
 * to bind to it), interdomain (bound to a port of another domain, or of the
 * same one), bound to a virtual IRQ of one vCPU, or an IPI to one vCPU.
 *
 * Delivery is the ABI's: sending sets the port's bit in shared_info's
 * evtchn_pending; if the port is not masked (evtchn_mask) and the bit for its
 * group of 64 in the target vCPU's evtchn_pending_sel was clear, that bit and
 * then evtchn_upcall_pending are set, and if upcall_pending was clear the
 * vCPU is kicked (hooks.kick: wake it from block, or IPI its CPU).  A port
 * sent while masked only becomes pending; unmasking it later raises the
 * selector and upcall then.  Delivering the upcall itself (the bounce to the
 * guest's event callback when upcall_pending && !upcall_mask) is the return
 * path's business, not this file's.
 *
 * Locking.
 * - Each domain's struct evtchn_domain has a lock (taken with interrupts off)
 *   over its port table, VIRQ table and vcpu_info pointers.  Every function
 *   here takes the locks it needs; callers hold none of them.
 * - A global lock serialises the operations that reach another domain by id
 *   or through a channel's peer to change it: alloc_unbound, bind_interdomain,
 *   close, status, reset and evtchn_domain_destroy.  Domain lookups (the
 *   lookup hook) happen only under it, and destroy takes it, so a domain
 *   such an operation reaches stays alive until it is done.  Those
 *   operations take two domain locks in domid order (lower first).
 * - send and unmask take only their own domain's lock: the peer end of an
 *   interdomain channel cannot change or go away meanwhile, because
 *   unbinding a pair needs both domains' locks.  The peer's notify vCPU and
 *   vcpu_info pointer are read once, without its lock.
 * - Lock order: global -> domain (lower domid first) -> whatever the hooks
 *   take.  The hooks run with a domain lock held (for a send to another
 *   domain, the sender's: the receiver stays alive meanwhile) and interrupts
 *   off; they must not call back into this file.
 *
 * Lifetime: the caller keeps a struct evtchn_domain alive while it calls a
 * function on it.  To destroy a domain: stop its hypervisor event sources
 * (timers sending VIRQs), make the lookup hook stop finding it, then call
 * evtchn_domain_destroy(), which closes every port (peers of interdomain
 * channels become unbound, waiting for this domid again, as in Xen); after
 * it returns nothing here refers to the domain.
 */
#ifndef XENO_EVTCHN_H
#define XENO_EVTCHN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/event_channel.h>
#include <public/xen.h>
#include <xeno/spinlock.h>

#define EVTCHN_DEFAULT_MAX_PORTS 1024
#define EVTCHN_MAX_VCPUS XEN_LEGACY_MAX_VCPUS

enum evtchn_state {
    ECS_FREE,
    ECS_RESERVED,               /* port 0 */
    ECS_UNBOUND,                /* remote_domid may bind to it */
    ECS_INTERDOMAIN,            /* bound to <peer, arg> */
    ECS_VIRQ,                   /* VIRQ arg of notify_vcpu (or vCPU 0's, global) */
    ECS_IPI,                    /* to notify_vcpu */
};

enum evtchn_virq_type { VIRQ_TYPE_VCPU, VIRQ_TYPE_DOMAIN, VIRQ_TYPE_GLOBAL };

struct evtchn_domain;

struct evtchn {
    uint8_t state;              /* enum evtchn_state */
    uint8_t notify_vcpu;        /* whose selector and upcall a send raises */
    uint16_t remote_domid;      /* unbound: who may bind; interdomain: the peer */
    uint32_t arg;               /* interdomain: the peer's port; virq: the VIRQ */
    struct evtchn_domain *peer; /* interdomain */
};
_Static_assert(sizeof(struct evtchn) == 16, "keep ports small: max_ports of them per domain");

struct evtchn_domain {
    spinlock_t lock;
    uint16_t domid;
    bool privileged;            /* may name other domains, bind global VIRQs */
    bool dying;                 /* destroyed: no new ports */
    unsigned int max_ports;     /* ports 0 .. max_ports-1 */
    unsigned int nr_vcpus;
    unsigned int nr_bound;      /* ports in use, port 0 not counted */
    struct shared_info *shared; /* evtchn_pending and evtchn_mask */
    struct vcpu_info *vcpu_info[EVTCHN_MAX_VCPUS];
    struct evtchn *ports;
    uint16_t virq_port[EVTCHN_MAX_VCPUS][NR_VIRQS];    /* 0: not bound */
    void *owner;                /* the caller's own structure (struct domain) */
};

struct evtchn_hooks {
    /* The event state of live domain domid (never DOMID_SELF), or NULL.
     * Called with the global lock held. */
    struct evtchn_domain *(*lookup)(uint16_t domid);
    /* vCPU vcpu of d has a newly pending upcall: wake it if it blocks, or
     * make its CPU look at it soon if it runs elsewhere. */
    void (*kick)(struct evtchn_domain *d, unsigned int vcpu);
    /* port of d became pending, masked or not (for SCHEDOP_poll). May be NULL. */
    void (*port_pending)(struct evtchn_domain *d, evtchn_port_t port);
};

/* Install the hooks (once at boot; tests install their own). */
void evtchn_set_hooks(const struct evtchn_hooks *hooks);

/*
 * Set up d's event state: ports[] (max_ports entries, 2..4096) becomes its
 * port table, port 0 reserved; every vCPU's vcpu_info starts as its slot in
 * shared (the lead moves it with evtchn_set_vcpu_info).  -EINVAL on bad
 * sizes.  Set d->privileged and d->owner afterwards as needed.
 */
int evtchn_domain_init(struct evtchn_domain *d, uint16_t domid,
                       struct shared_info *shared, struct evtchn *ports,
                       unsigned int max_ports, unsigned int nr_vcpus);
/* Close every port (see "Lifetime" above); d refuses new ports afterwards. */
void evtchn_domain_destroy(struct evtchn_domain *d);
/* Where vCPU vcpu's selector and upcall flag live from now on
 * (VCPUOP_register_vcpu_info). */
void evtchn_set_vcpu_info(struct evtchn_domain *d, unsigned int vcpu,
                          struct vcpu_info *vi);

/*
 * event_channel_op on argument blocks already copied in:
 * evtchn_op_size(cmd) is how many bytes cmd's block has (0: unknown cmd),
 * evtchn_do_op runs it for the calling domain, and when it returns 0 and
 * evtchn_op_copies_back(cmd), the block goes back to the guest.
 * Returns 0 or a negative errno, as Xen's do_event_channel_op.
 */
size_t evtchn_op_size(unsigned int cmd);
bool evtchn_op_copies_back(unsigned int cmd);
int evtchn_do_op(struct evtchn_domain *caller, unsigned int cmd, void *arg);

/* The workers, one per sub-op (caller = the calling domain's state). */
int evtchn_alloc_unbound(struct evtchn_domain *caller, struct evtchn_alloc_unbound *op);
int evtchn_bind_interdomain(struct evtchn_domain *caller, struct evtchn_bind_interdomain *op);
int evtchn_bind_virq(struct evtchn_domain *d, struct evtchn_bind_virq *op);
int evtchn_bind_ipi(struct evtchn_domain *d, struct evtchn_bind_ipi *op);
int evtchn_close(struct evtchn_domain *d, evtchn_port_t port);
int evtchn_send(struct evtchn_domain *d, evtchn_port_t port);
int evtchn_status(struct evtchn_domain *caller, struct evtchn_status *op);
int evtchn_bind_vcpu(struct evtchn_domain *d, evtchn_port_t port, uint32_t vcpu);
int evtchn_unmask(struct evtchn_domain *d, evtchn_port_t port);
int evtchn_reset(struct evtchn_domain *caller, const struct evtchn_reset *op);

/*
 * From the hypervisor: raise VIRQ virq of vCPU vcpu (per-vCPU VIRQs), or of
 * the domain (the others; vcpu is ignored, the port's notify vCPU is used).
 * 0 if it was raised (or was pending already), -ENOENT if the guest has not
 * bound it, -EINVAL for a bad virq or vcpu.
 */
int evtchn_send_virq(struct evtchn_domain *d, unsigned int vcpu, unsigned int virq);

enum evtchn_virq_type evtchn_virq_type(unsigned int virq);

/* For SCHEDOP_poll: is port one of d's, and is it pending? */
bool evtchn_port_valid(const struct evtchn_domain *d, evtchn_port_t port);
bool evtchn_port_is_pending(const struct evtchn_domain *d, evtchn_port_t port);

/* Should the return path bounce to the guest's event callback now? */
static inline bool evtchn_upcall_deliverable(const struct vcpu_info *vi)
{
    return __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_RELAXED) &&
           !__atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_RELAXED);
}

#endif /* XENO_EVTCHN_H */
