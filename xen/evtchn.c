/*
 * Event channels, 2-level ABI (xeno/evtchn.h): the port table of each
 * domain, the sub-ops of event_channel_op, and delivery through the pending,
 * mask and selector bits the domain shares with the hypervisor.
 *
 * Error codes are Xen's: a port outside the table, or in the wrong state for
 * the operation, is -EINVAL; a vCPU that does not exist is -ENOENT; a domain
 * that does not exist is -ESRCH; naming another domain without privilege is
 * -EPERM; a full table is -ENOSPC; a VIRQ bound twice is -EEXIST; a global
 * VIRQ this domain does not handle is -EBUSY.
 */
#include <xeno/compiler.h>
#include <xeno/errno.h>
#include <xeno/evtchn.h>
#include <xeno/lib.h>
#include <xeno/string.h>

#define WORD_BITS 64

static const struct evtchn_hooks *hooks;
static DEFINE_SPINLOCK(global_lock);

void evtchn_set_hooks(const struct evtchn_hooks *h)
{
    BUG_ON(!h || !h->lookup || !h->kick);
    hooks = h;
}

/*
 * Bits the guest shares: it clears pending bits and flips mask bits with
 * locked instructions while we set them, so every change here is atomic too.
 */
static bool guest_test_and_set_bit(unsigned int nr, uint64_t *words)
{
    uint64_t bit = 1ULL << (nr % WORD_BITS);

    return __atomic_fetch_or(&words[nr / WORD_BITS], bit, __ATOMIC_SEQ_CST) & bit;
}

static bool guest_test_and_clear_bit(unsigned int nr, uint64_t *words)
{
    uint64_t bit = 1ULL << (nr % WORD_BITS);

    return __atomic_fetch_and(&words[nr / WORD_BITS], ~bit, __ATOMIC_SEQ_CST) & bit;
}

static bool guest_test_bit(unsigned int nr, const uint64_t *words)
{
    return (__atomic_load_n(&words[nr / WORD_BITS], __ATOMIC_SEQ_CST) >>
            (nr % WORD_BITS)) & 1;
}

enum evtchn_virq_type evtchn_virq_type(unsigned int virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return VIRQ_TYPE_VCPU;
    case VIRQ_ARGO:
        return VIRQ_TYPE_DOMAIN;
    default:
        return VIRQ_TYPE_GLOBAL;
    }
}

bool evtchn_port_valid(const struct evtchn_domain *d, evtchn_port_t port)
{
    return port < d->max_ports;
}

bool evtchn_port_is_pending(const struct evtchn_domain *d, evtchn_port_t port)
{
    return evtchn_port_valid(d, port) &&
           guest_test_bit(port, d->shared->evtchn_pending);
}

/* ------------------------------------------------------------------------
 * Delivery.  Called with d's lock held, or (interdomain send) the peer's.
 */

static void mark_upcall_pending(struct evtchn_domain *d, unsigned int vcpu,
                                struct vcpu_info *vi)
{
    if (!__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        hooks->kick(d, vcpu);
}

/* Xen's order, which the guest relies on: pending, then (if unmasked) the
 * selector, then the upcall flag.  An already-pending port changes nothing. */
static void set_pending(struct evtchn_domain *d, evtchn_port_t port,
                        unsigned int vcpu)
{
    struct shared_info *s = d->shared;
    struct vcpu_info *vi = READ_ONCE(d->vcpu_info[vcpu]);

    if (guest_test_and_set_bit(port, s->evtchn_pending))
        return;
    if (!guest_test_bit(port, s->evtchn_mask) &&
        !guest_test_and_set_bit(port / WORD_BITS, &vi->evtchn_pending_sel))
        mark_upcall_pending(d, vcpu, vi);
    if (hooks->port_pending)
        hooks->port_pending(d, port);
}

/* ------------------------------------------------------------------------
 * Locks and lookups.
 */

static unsigned long lock_domain(struct evtchn_domain *d)
{
    return spin_lock_irqsave(&d->lock);
}

static void unlock_domain(struct evtchn_domain *d, unsigned long flags)
{
    spin_unlock_irqrestore(&d->lock, flags);
}

/* Both domains' locks, lower domid first (a and b may be the same). */
static unsigned long lock_pair(struct evtchn_domain *a, struct evtchn_domain *b)
{
    unsigned long flags;

    if (a == b)
        return lock_domain(a);
    if (a->domid > b->domid) {
        struct evtchn_domain *t = a;
        a = b;
        b = t;
    }
    flags = lock_domain(a);
    spin_lock(&b->lock);
    return flags;
}

static void unlock_pair(struct evtchn_domain *a, struct evtchn_domain *b,
                        unsigned long flags)
{
    if (a != b)
        spin_unlock(&b->lock);
    unlock_domain(a, flags);
}

/* The domain dom names (DOMID_SELF: the caller's own), as Xen resolves it:
 * -ESRCH if there is none, -EPERM if it is another and the caller is not
 * privileged.  Global lock held. */
static struct evtchn_domain *resolve(struct evtchn_domain *caller, uint16_t dom,
                                     int *rc)
{
    struct evtchn_domain *d;

    if (dom == DOMID_SELF || dom == caller->domid)
        return caller;
    d = dom < DOMID_FIRST_RESERVED ? hooks->lookup(dom) : NULL;
    if (!d) {
        *rc = -ESRCH;
        return NULL;
    }
    if (!caller->privileged) {
        *rc = -EPERM;
        return NULL;
    }
    return d;
}

/* ------------------------------------------------------------------------
 * The port table.  d's lock held throughout.
 */

/* The lowest free port; it stays free until its caller fills it in. */
static int find_free_port(const struct evtchn_domain *d)
{
    if (d->dying)
        return -EINVAL;
    for (unsigned int port = 1; port < d->max_ports; port++)
        if (d->ports[port].state == ECS_FREE)
            return (int)port;
    return -ENOSPC;
}

static struct evtchn *claim_port(struct evtchn_domain *d, int port,
                                 enum evtchn_state state, unsigned int vcpu)
{
    struct evtchn *chn = &d->ports[port];

    ASSERT(chn->state == ECS_FREE);
    chn->state = (uint8_t)state;
    chn->notify_vcpu = (uint8_t)vcpu;
    d->nr_bound++;
    return chn;
}

/* As Xen: the pending bit goes too, so a rebound port starts quiet, and the
 * notify vCPU goes back to 0. */
static void free_port(struct evtchn_domain *d, evtchn_port_t port)
{
    struct evtchn *chn = &d->ports[port];

    guest_test_and_clear_bit(port, d->shared->evtchn_pending);
    chn->state = ECS_FREE;
    WRITE_ONCE(chn->notify_vcpu, 0);
    chn->remote_domid = 0;
    chn->arg = 0;
    chn->peer = NULL;
    ASSERT(d->nr_bound > 0);
    d->nr_bound--;
}

/* ------------------------------------------------------------------------
 * Set-up and teardown.
 */

int evtchn_domain_init(struct evtchn_domain *d, uint16_t domid,
                       struct shared_info *shared, struct evtchn *ports,
                       unsigned int max_ports, unsigned int nr_vcpus)
{
    if (!shared || !ports || max_ports < 2 || max_ports > EVTCHN_2L_NR_CHANNELS ||
        nr_vcpus == 0 || nr_vcpus > EVTCHN_MAX_VCPUS)
        return -EINVAL;
    memset(d, 0, sizeof(*d));
    spin_lock_init(&d->lock);
    d->domid = domid;
    d->max_ports = max_ports;
    d->nr_vcpus = nr_vcpus;
    d->shared = shared;
    d->ports = ports;
    memset(ports, 0, max_ports * sizeof(*ports));
    ports[0].state = ECS_RESERVED;
    for (unsigned int i = 0; i < nr_vcpus; i++)
        d->vcpu_info[i] = &shared->vcpu_info[i];
    return 0;
}

void evtchn_set_vcpu_info(struct evtchn_domain *d, unsigned int vcpu,
                          struct vcpu_info *vi)
{
    unsigned long flags;

    BUG_ON(vcpu >= d->nr_vcpus || !vi);
    flags = lock_domain(d);
    WRITE_ONCE(d->vcpu_info[vcpu], vi);
    unlock_domain(d, flags);
}

/* ------------------------------------------------------------------------
 * The sub-ops.
 */

int evtchn_alloc_unbound(struct evtchn_domain *caller, struct evtchn_alloc_unbound *op)
{
    struct evtchn_domain *d;
    struct evtchn *chn;
    unsigned long flags;
    int rc = 0, port;

    spin_lock(&global_lock);
    d = resolve(caller, op->dom, &rc);
    if (!d)
        goto out;
    flags = lock_domain(d);
    port = rc = find_free_port(d);
    if (port >= 0) {
        chn = claim_port(d, port, ECS_UNBOUND, 0);
        chn->remote_domid = op->remote_dom == DOMID_SELF ? caller->domid : op->remote_dom;
        op->port = (evtchn_port_t)port;
        rc = 0;
    }
    unlock_domain(d, flags);
out:
    spin_unlock(&global_lock);
    return rc;
}

/*
 * Both ends change together under both locks.  As Xen does, the new local
 * port starts pending: the peer may have sent while it was unbound, and that
 * notification was dropped.
 */
int evtchn_bind_interdomain(struct evtchn_domain *ld, struct evtchn_bind_interdomain *op)
{
    struct evtchn_domain *rd;
    struct evtchn *lchn, *rchn;
    evtchn_port_t rport = op->remote_port;
    unsigned long flags;
    int rc, lport;

    spin_lock(&global_lock);
    if (op->remote_dom == DOMID_SELF || op->remote_dom == ld->domid)
        rd = ld;
    else
        rd = op->remote_dom < DOMID_FIRST_RESERVED ? hooks->lookup(op->remote_dom) : NULL;
    if (!rd) {
        spin_unlock(&global_lock);
        return -ESRCH;
    }
    flags = lock_pair(ld, rd);
    lport = rc = find_free_port(ld);
    if (rc < 0)
        goto out;
    rc = -EINVAL;
    if (rport >= rd->max_ports)
        goto out;
    rchn = &rd->ports[rport];
    if (rchn->state != ECS_UNBOUND || rchn->remote_domid != ld->domid)
        goto out;

    lchn = claim_port(ld, lport, ECS_INTERDOMAIN, 0);
    lchn->peer = rd;
    lchn->remote_domid = rd->domid;
    lchn->arg = rport;
    rchn->peer = ld;
    rchn->remote_domid = ld->domid;
    rchn->arg = (uint32_t)lport;
    rchn->state = ECS_INTERDOMAIN;
    set_pending(ld, (evtchn_port_t)lport, lchn->notify_vcpu);
    op->local_port = (evtchn_port_t)lport;
    rc = 0;
out:
    unlock_pair(ld, rd, flags);
    spin_unlock(&global_lock);
    return rc;
}

int evtchn_bind_virq(struct evtchn_domain *d, struct evtchn_bind_virq *op)
{
    uint32_t virq = op->virq, vcpu = op->vcpu;
    enum evtchn_virq_type type;
    unsigned long flags;
    int rc, port;

    if (virq >= NR_VIRQS)
        return -EINVAL;
    type = evtchn_virq_type(virq);
    /* Per-domain and global VIRQs are bound on vCPU 0 (bind_vcpu moves them). */
    if (type != VIRQ_TYPE_VCPU && vcpu != 0)
        return -EINVAL;
    if (vcpu >= d->nr_vcpus)
        return -ENOENT;

    flags = lock_domain(d);
    /* Global VIRQs go to the domain that handles them: the privileged one. */
    if (type == VIRQ_TYPE_GLOBAL && !d->privileged) {
        rc = -EBUSY;
        goto out;
    }
    if (d->virq_port[vcpu][virq]) {
        rc = -EEXIST;
        goto out;
    }
    port = rc = find_free_port(d);
    if (port < 0)
        goto out;
    claim_port(d, port, ECS_VIRQ, vcpu)->arg = virq;
    d->virq_port[vcpu][virq] = (uint16_t)port;
    op->port = (evtchn_port_t)port;
    rc = 0;
out:
    unlock_domain(d, flags);
    return rc;
}

int evtchn_bind_ipi(struct evtchn_domain *d, struct evtchn_bind_ipi *op)
{
    unsigned long flags;
    int port;

    if (op->vcpu >= d->nr_vcpus)
        return -ENOENT;
    flags = lock_domain(d);
    port = find_free_port(d);
    if (port >= 0) {
        claim_port(d, port, ECS_IPI, op->vcpu);
        op->port = (evtchn_port_t)port;
    }
    unlock_domain(d, flags);
    return port < 0 ? port : 0;
}

/*
 * Close one port; the global lock is held.  The far end of an interdomain
 * channel becomes unbound, waiting for d again (as in Xen), keeping its own
 * pending bit and notify vCPU.
 */
static int close_port(struct evtchn_domain *d, evtchn_port_t port)
{
    struct evtchn_domain *rd = d;
    struct evtchn *chn = &d->ports[port];
    unsigned long flags;
    int rc = 0;

    flags = lock_domain(d);
    if (chn->state == ECS_INTERDOMAIN && chn->peer != d) {
        /* The pair needs both locks, lower domid first.  Only holders of the
         * global lock (us) change an interdomain channel, so it is the same
         * channel once both are held. */
        rd = chn->peer;
        unlock_domain(d, flags);
        flags = lock_pair(d, rd);
        ASSERT(chn->state == ECS_INTERDOMAIN && chn->peer == rd);
    }
    switch (chn->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        rc = -EINVAL;
        break;
    case ECS_UNBOUND:
    case ECS_IPI:
        free_port(d, port);
        break;
    case ECS_VIRQ: {
        unsigned int slot = evtchn_virq_type(chn->arg) == VIRQ_TYPE_VCPU ?
            chn->notify_vcpu : 0;

        ASSERT(d->virq_port[slot][chn->arg] == port);
        d->virq_port[slot][chn->arg] = 0;
        free_port(d, port);
        break;
    }
    case ECS_INTERDOMAIN: {
        struct evtchn *rchn = &rd->ports[chn->arg];

        ASSERT(rchn->state == ECS_INTERDOMAIN && rchn->peer == d &&
               rchn->arg == port);
        rchn->state = ECS_UNBOUND;
        rchn->remote_domid = d->domid;
        rchn->peer = NULL;
        rchn->arg = 0;
        free_port(d, port);
        break;
    }
    default:
        BUG();
    }
    unlock_pair(d, rd, flags);
    return rc;
}

int evtchn_close(struct evtchn_domain *d, evtchn_port_t port)
{
    int rc;

    if (!evtchn_port_valid(d, port))
        return -EINVAL;
    spin_lock(&global_lock);
    rc = close_port(d, port);
    spin_unlock(&global_lock);
    return rc;
}

/* Interdomain: to the peer's port and its notify vCPU.  IPI: to our own.
 * Unbound: dropped, as in Xen (bind_interdomain makes up for it). */
int evtchn_send(struct evtchn_domain *d, evtchn_port_t port)
{
    struct evtchn *chn;
    unsigned long flags;
    int rc = 0;

    if (!evtchn_port_valid(d, port))
        return -EINVAL;
    flags = lock_domain(d);
    chn = &d->ports[port];
    switch (chn->state) {
    case ECS_INTERDOMAIN: {
        struct evtchn_domain *rd = chn->peer;
        const struct evtchn *rchn = &rd->ports[chn->arg];

        set_pending(rd, chn->arg, READ_ONCE(rchn->notify_vcpu));
        break;
    }
    case ECS_IPI:
        set_pending(d, port, chn->notify_vcpu);
        break;
    case ECS_UNBOUND:
        break;
    default:
        rc = -EINVAL;
        break;
    }
    unlock_domain(d, flags);
    return rc;
}

int evtchn_status(struct evtchn_domain *caller, struct evtchn_status *op)
{
    struct evtchn_domain *d;
    const struct evtchn *chn;
    unsigned long flags;
    int rc = 0;

    spin_lock(&global_lock);
    d = resolve(caller, op->dom, &rc);
    if (!d)
        goto out;
    if (!evtchn_port_valid(d, op->port)) {
        rc = -EINVAL;
        goto out;
    }
    flags = lock_domain(d);
    chn = &d->ports[op->port];
    memset(&op->u, 0, sizeof(op->u));
    switch (chn->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        op->status = EVTCHNSTAT_closed;
        break;
    case ECS_UNBOUND:
        op->status = EVTCHNSTAT_unbound;
        op->u.unbound.dom = chn->remote_domid;
        break;
    case ECS_INTERDOMAIN:
        op->status = EVTCHNSTAT_interdomain;
        op->u.interdomain.dom = chn->remote_domid;
        op->u.interdomain.port = chn->arg;
        break;
    case ECS_VIRQ:
        op->status = EVTCHNSTAT_virq;
        op->u.virq = chn->arg;
        break;
    case ECS_IPI:
        op->status = EVTCHNSTAT_ipi;
        break;
    default:
        BUG();
    }
    op->vcpu = chn->notify_vcpu;
    unlock_domain(d, flags);
out:
    spin_unlock(&global_lock);
    return rc;
}

/* IPIs and per-vCPU VIRQs keep the vCPU they were bound to. */
int evtchn_bind_vcpu(struct evtchn_domain *d, evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn *chn;
    unsigned long flags;
    int rc = 0;

    if (vcpu >= d->nr_vcpus)
        return -ENOENT;
    if (!evtchn_port_valid(d, port))
        return -EINVAL;
    flags = lock_domain(d);
    chn = &d->ports[port];
    switch (chn->state) {
    case ECS_VIRQ:
        if (evtchn_virq_type(chn->arg) == VIRQ_TYPE_VCPU) {
            rc = -EINVAL;
            break;
        }
        /* fall through */
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
        WRITE_ONCE(chn->notify_vcpu, (uint8_t)vcpu);
        break;
    default:
        rc = -EINVAL;
        break;
    }
    unlock_domain(d, flags);
    return rc;
}

/* Unmasking a pending port raises what masking held back (any port state,
 * as in Xen). */
int evtchn_unmask(struct evtchn_domain *d, evtchn_port_t port)
{
    struct shared_info *s = d->shared;
    struct vcpu_info *vi;
    unsigned long flags;
    unsigned int vcpu;

    if (!evtchn_port_valid(d, port))
        return -EINVAL;
    flags = lock_domain(d);
    vcpu = d->ports[port].notify_vcpu;
    vi = d->vcpu_info[vcpu];
    if (guest_test_and_clear_bit(port, s->evtchn_mask) &&
        guest_test_bit(port, s->evtchn_pending) &&
        !guest_test_and_set_bit(port / WORD_BITS, &vi->evtchn_pending_sel))
        mark_upcall_pending(d, vcpu, vi);
    unlock_domain(d, flags);
    return 0;
}

static void close_all(struct evtchn_domain *d)
{
    for (evtchn_port_t port = 1; port < d->max_ports; port++)
        if (d->ports[port].state != ECS_FREE)
            close_port(d, port);
}

int evtchn_reset(struct evtchn_domain *caller, const struct evtchn_reset *op)
{
    struct evtchn_domain *d;
    int rc = 0;

    spin_lock(&global_lock);
    d = resolve(caller, op->dom, &rc);
    if (d)
        close_all(d);
    spin_unlock(&global_lock);
    return rc;
}

void evtchn_domain_destroy(struct evtchn_domain *d)
{
    unsigned long flags;

    spin_lock(&global_lock);
    flags = lock_domain(d);
    d->dying = true;
    unlock_domain(d, flags);
    close_all(d);
    ASSERT(d->nr_bound == 0);
    spin_unlock(&global_lock);
}

int evtchn_send_virq(struct evtchn_domain *d, unsigned int vcpu, unsigned int virq)
{
    unsigned int slot;
    unsigned long flags;
    evtchn_port_t port;

    if (virq >= NR_VIRQS)
        return -EINVAL;
    if (evtchn_virq_type(virq) == VIRQ_TYPE_VCPU) {
        if (vcpu >= d->nr_vcpus)
            return -EINVAL;
        slot = vcpu;
    } else {
        slot = 0;
    }
    flags = lock_domain(d);
    port = d->virq_port[slot][virq];
    if (port)
        set_pending(d, port, d->ports[port].notify_vcpu);
    unlock_domain(d, flags);
    return port ? 0 : -ENOENT;
}

/* ------------------------------------------------------------------------
 * The dispatcher behind event_channel_op.
 */

static const struct {
    uint8_t size;
    bool copy_back;
} op_info[] = {
    [EVTCHNOP_bind_interdomain] = { sizeof(struct evtchn_bind_interdomain), true },
    [EVTCHNOP_bind_virq] = { sizeof(struct evtchn_bind_virq), true },
    [EVTCHNOP_bind_pirq] = { sizeof(struct evtchn_bind_pirq), false },
    [EVTCHNOP_close] = { sizeof(struct evtchn_close), false },
    [EVTCHNOP_send] = { sizeof(struct evtchn_send), false },
    [EVTCHNOP_status] = { sizeof(struct evtchn_status), true },
    [EVTCHNOP_alloc_unbound] = { sizeof(struct evtchn_alloc_unbound), true },
    [EVTCHNOP_bind_ipi] = { sizeof(struct evtchn_bind_ipi), true },
    [EVTCHNOP_bind_vcpu] = { sizeof(struct evtchn_bind_vcpu), false },
    [EVTCHNOP_unmask] = { sizeof(struct evtchn_unmask), false },
    [EVTCHNOP_reset] = { sizeof(struct evtchn_reset), false },
    [EVTCHNOP_init_control] = { sizeof(struct evtchn_init_control), false },
    [EVTCHNOP_expand_array] = { sizeof(struct evtchn_expand_array), false },
    [EVTCHNOP_set_priority] = { sizeof(struct evtchn_set_priority), false },
};

size_t evtchn_op_size(unsigned int cmd)
{
    return cmd < ARRAY_SIZE(op_info) ? op_info[cmd].size : 0;
}

bool evtchn_op_copies_back(unsigned int cmd)
{
    return cmd < ARRAY_SIZE(op_info) && op_info[cmd].copy_back;
}

int evtchn_do_op(struct evtchn_domain *caller, unsigned int cmd, void *arg)
{
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        return evtchn_alloc_unbound(caller, arg);
    case EVTCHNOP_bind_interdomain:
        return evtchn_bind_interdomain(caller, arg);
    case EVTCHNOP_bind_virq:
        return evtchn_bind_virq(caller, arg);
    case EVTCHNOP_bind_ipi:
        return evtchn_bind_ipi(caller, arg);
    case EVTCHNOP_close:
        return evtchn_close(caller, ((struct evtchn_close *)arg)->port);
    case EVTCHNOP_send:
        return evtchn_send(caller, ((struct evtchn_send *)arg)->port);
    case EVTCHNOP_status:
        return evtchn_status(caller, arg);
    case EVTCHNOP_bind_vcpu: {
        const struct evtchn_bind_vcpu *op = arg;
        return evtchn_bind_vcpu(caller, op->port, op->vcpu);
    }
    case EVTCHNOP_unmask:
        return evtchn_unmask(caller, ((struct evtchn_unmask *)arg)->port);
    case EVTCHNOP_reset:
        return evtchn_reset(caller, arg);
    case EVTCHNOP_set_priority:
        /* Priorities are a FIFO-ABI feature: a valid port gets -ENOSYS. */
        return evtchn_port_valid(caller, ((struct evtchn_set_priority *)arg)->port) ?
            -ENOSYS : -EINVAL;
    case EVTCHNOP_bind_pirq:        /* no physical IRQs reach guests */
    case EVTCHNOP_init_control:     /* no FIFO ABI: guests use 2-level */
    case EVTCHNOP_expand_array:
    default:
        return -ENOSYS;
    }
}
