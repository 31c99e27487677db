/*
 * xen/evtchn.c: the 2-level event-channel ABI.  Every sub-op, valid and
 * invalid (bad ports, vCPUs, VIRQs and domains; wrong states; privilege;
 * full tables), both ends of interdomain channels through bind and close,
 * and delivery on a plain shared_info: pending, mask and selector bits,
 * upcall_pending and the kicks they cause (masked sends, unmask re-raising,
 * a selector already set, close while pending, relocated vcpu_info).
 */
#include <xeno/errno.h>
#include <xeno/evtchn.h>
#include <xeno/string.h>
#include "harness.h"

#define NR_VCPUS 4
#define NR_DOMS 4

/* d0 is privileged (domain 0); d1, d2, d3 are ordinary guests. */
struct fixture_dom {
    struct evtchn_domain ev;
    struct shared_info shared;
    struct evtchn ports[EVTCHN_DEFAULT_MAX_PORTS];
    bool alive;
};
static struct fixture_dom doms[NR_DOMS];
#define D0 (&doms[0].ev)
#define A (&doms[1].ev)
#define B (&doms[2].ev)
#define C (&doms[3].ev)

static struct { uint16_t domid; unsigned int vcpu; } kicks[256];
static unsigned int nr_kicks, nr_port_pending;
static evtchn_port_t last_port_pending;

static struct evtchn_domain *fx_lookup(uint16_t domid)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (doms[i].alive && doms[i].ev.domid == domid)
            return &doms[i].ev;
    return NULL;
}

/* Hooks run under a domain lock: the domain's own, or for a send across
 * domains the sender's. */
static bool some_domain_locked(void)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (spin_is_locked(&doms[i].ev.lock))
            return true;
    return false;
}

static void fx_kick(struct evtchn_domain *d, unsigned int vcpu)
{
    CHECK(some_domain_locked());
    if (nr_kicks < ARRAY_SIZE(kicks)) {
        kicks[nr_kicks].domid = d->domid;
        kicks[nr_kicks].vcpu = vcpu;
    }
    nr_kicks++;
}

static void fx_port_pending(struct evtchn_domain *d, evtchn_port_t port)
{
    (void)d;
    nr_port_pending++;
    last_port_pending = port;
}

static const struct evtchn_hooks hooks = {
    .lookup = fx_lookup,
    .kick = fx_kick,
    .port_pending = fx_port_pending,
};

static void setup_sized(unsigned int max_ports_of_b)
{
    memset(doms, 0, sizeof(doms));
    evtchn_set_hooks(&hooks);
    for (unsigned int i = 0; i < NR_DOMS; i++) {
        unsigned int max = i == 2 ? max_ports_of_b : EVTCHN_DEFAULT_MAX_PORTS;

        CHECK_EQ(evtchn_domain_init(&doms[i].ev, (uint16_t)i, &doms[i].shared,
                                    doms[i].ports, max, NR_VCPUS), 0);
        doms[i].alive = true;
    }
    D0->privileged = true;
    nr_kicks = nr_port_pending = 0;
    last_port_pending = 0;
}

static void setup(void)
{
    setup_sized(EVTCHN_DEFAULT_MAX_PORTS);
}

/* No lock may be left held after an operation. */
static void check_unlocked(void)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        CHECK(!spin_is_locked(&doms[i].ev.lock));
}

/* ---- The guest's view of the shared bits. */

static bool pending(struct evtchn_domain *d, evtchn_port_t p)
{
    return (d->shared->evtchn_pending[p / 64] >> (p % 64)) & 1;
}

static bool sel(struct evtchn_domain *d, unsigned int vcpu, evtchn_port_t p)
{
    return (d->vcpu_info[vcpu]->evtchn_pending_sel >> (p / 64)) & 1;
}

static uint8_t upcall(struct evtchn_domain *d, unsigned int vcpu)
{
    return d->vcpu_info[vcpu]->evtchn_upcall_pending;
}

static void guest_mask(struct evtchn_domain *d, evtchn_port_t p)
{
    d->shared->evtchn_mask[p / 64] |= 1ULL << (p % 64);
}

/* What the guest's upcall handler does: take the selector and pending
 * bits and clear the upcall flag. */
static void guest_consume(struct evtchn_domain *d, unsigned int vcpu)
{
    struct vcpu_info *vi = d->vcpu_info[vcpu];

    vi->evtchn_upcall_pending = 0;
    for (unsigned int w = 0; w < 64; w++)
        if ((vi->evtchn_pending_sel >> w) & 1)
            d->shared->evtchn_pending[w] &= d->shared->evtchn_mask[w];
    vi->evtchn_pending_sel = 0;
}

static void clear_all_events(struct evtchn_domain *d)
{
    for (unsigned int v = 0; v < NR_VCPUS; v++) {
        d->vcpu_info[v]->evtchn_upcall_pending = 0;
        d->vcpu_info[v]->evtchn_pending_sel = 0;
    }
    memset(d->shared->evtchn_pending, 0, sizeof(d->shared->evtchn_pending));
    nr_kicks = nr_port_pending = 0;
}

/* ---- Helpers that expect success. */

static evtchn_port_t unbound(struct evtchn_domain *d, uint16_t remote)
{
    struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = remote };

    CHECK_EQ(evtchn_alloc_unbound(d, &op), 0);
    return op.port;
}

/* A channel from a (port *pa) to b (port *pb). */
static void connect(struct evtchn_domain *a, evtchn_port_t *pa,
                    struct evtchn_domain *b, evtchn_port_t *pb)
{
    struct evtchn_bind_interdomain op;

    *pb = unbound(b, a->domid);
    op = (struct evtchn_bind_interdomain){ .remote_dom = b->domid, .remote_port = *pb };
    CHECK_EQ(evtchn_bind_interdomain(a, &op), 0);
    *pa = op.local_port;
}

static struct evtchn_status status_of(struct evtchn_domain *d, evtchn_port_t port)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

    CHECK_EQ(evtchn_status(d, &st), 0);
    return st;
}

static evtchn_port_t virq(struct evtchn_domain *d, uint32_t nr, uint32_t vcpu)
{
    struct evtchn_bind_virq op = { .virq = nr, .vcpu = vcpu };

    CHECK_EQ(evtchn_bind_virq(d, &op), 0);
    return op.port;
}

static evtchn_port_t ipi(struct evtchn_domain *d, uint32_t vcpu)
{
    struct evtchn_bind_ipi op = { .vcpu = vcpu };

    CHECK_EQ(evtchn_bind_ipi(d, &op), 0);
    return op.port;
}

/* ------------------------------------------------------------------------ */

TEST(init_reserves_port_zero_and_checks_sizes)
{
    static struct evtchn ports[8];
    struct evtchn_domain d;
    struct shared_info si;
    static const struct { unsigned int max_ports, nr_vcpus; bool null_shared; int rc; } cases[] = {
        { 8, 1, false, 0 },
        { 2, 1, false, 0 },
        { 1, 1, false, -EINVAL },
        { 0, 1, false, -EINVAL },
        { EVTCHN_2L_NR_CHANNELS + 1, 1, false, -EINVAL },
        { 8, 0, false, -EINVAL },
        { 8, EVTCHN_MAX_VCPUS + 1, false, -EINVAL },
        { 8, 1, true, -EINVAL },
    };

    setup();
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        CHECK_EQ(evtchn_domain_init(&d, 7, cases[i].null_shared ? NULL : &si, ports,
                                    cases[i].max_ports, cases[i].nr_vcpus), cases[i].rc);
    CHECK_EQ(A->ports[0].state, ECS_RESERVED);
    CHECK_EQ(status_of(A, 0).status, EVTCHNSTAT_closed);
    CHECK_EQ(evtchn_close(A, 0), -EINVAL);
    CHECK_EQ(evtchn_send(A, 0), -EINVAL);
    CHECK_EQ(evtchn_bind_vcpu(A, 0, 1), -EINVAL);
    CHECK(A->vcpu_info[3] == &doms[1].shared.vcpu_info[3]);
    CHECK_EQ(unbound(A, 2), 1);                     /* port 0 is never handed out */
    CHECK_EQ(A->nr_bound, 1);
}

TEST(op_sizes_follow_the_abi)
{
    static const struct { unsigned int cmd; size_t size; bool back; } cases[] = {
        { EVTCHNOP_bind_interdomain, 12, true },
        { EVTCHNOP_bind_virq, 12, true },
        { EVTCHNOP_bind_pirq, 12, false },
        { EVTCHNOP_close, 4, false },
        { EVTCHNOP_send, 4, false },
        { EVTCHNOP_status, 24, true },
        { EVTCHNOP_alloc_unbound, 8, true },
        { EVTCHNOP_bind_ipi, 8, true },
        { EVTCHNOP_bind_vcpu, 8, false },
        { EVTCHNOP_unmask, 4, false },
        { EVTCHNOP_reset, 2, false },
        { EVTCHNOP_init_control, 24, false },
        { EVTCHNOP_expand_array, 8, false },
        { EVTCHNOP_set_priority, 8, false },
        { 14, 0, false },
        { 0x80000000U, 0, false },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        CHECK_EQ(evtchn_op_size(cases[i].cmd), cases[i].size);
        CHECK_EQ(evtchn_op_copies_back(cases[i].cmd), cases[i].back);
    }
}

TEST(alloc_unbound_names_who_may_bind)
{
    struct evtchn_alloc_unbound op;
    struct evtchn_status st;
    static const struct { unsigned int caller; uint16_t dom; int rc; } cases[] = {
        { 1, DOMID_SELF, 0 },
        { 1, 1, 0 },                                /* its own id */
        { 1, 2, -EPERM },                           /* another, unprivileged */
        { 1, 42, -ESRCH },                          /* nobody */
        { 1, DOMID_IO, -ESRCH },
        { 1, DOMID_INVALID, -ESRCH },
        { 0, 2, 0 },                                /* dom0 may */
        { 0, 42, -ESRCH },
    };

    setup();
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        op = (struct evtchn_alloc_unbound){ .dom = cases[i].dom, .remote_dom = 3, .port = 0xdead };
        CHECK_EQ(evtchn_alloc_unbound(&doms[cases[i].caller].ev, &op), cases[i].rc);
        if (cases[i].rc)
            CHECK_EQ(op.port, 0xdead);
    }
    CHECK_EQ(A->nr_bound, 2);
    CHECK_EQ(B->nr_bound, 1);                       /* dom0's allocation in d2 */
    st = status_of(B, 1);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 3);
    CHECK_EQ(st.vcpu, 0);

    /* remote DOMID_SELF means the caller, even when allocating elsewhere. */
    op = (struct evtchn_alloc_unbound){ .dom = 2, .remote_dom = DOMID_SELF };
    CHECK_EQ(evtchn_alloc_unbound(D0, &op), 0);
    CHECK_EQ(status_of(B, op.port).u.unbound.dom, 0);
    check_unlocked();
}

TEST(status_of_other_domains_needs_privilege)
{
    struct evtchn_status st;

    setup();
    unbound(B, 1);
    st = (struct evtchn_status){ .dom = 2, .port = 1 };
    CHECK_EQ(evtchn_status(A, &st), -EPERM);
    CHECK_EQ(evtchn_status(D0, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 1);
    st = (struct evtchn_status){ .dom = 99, .port = 1 };
    CHECK_EQ(evtchn_status(D0, &st), -ESRCH);
    st = (struct evtchn_status){ .dom = DOMID_SELF, .port = EVTCHN_DEFAULT_MAX_PORTS };
    CHECK_EQ(evtchn_status(A, &st), -EINVAL);
    st = (struct evtchn_status){ .dom = DOMID_SELF, .port = 0xffffffffU };
    CHECK_EQ(evtchn_status(A, &st), -EINVAL);
    st = (struct evtchn_status){ .dom = DOMID_SELF, .port = 77 };
    CHECK_EQ(evtchn_status(A, &st), 0);             /* free: closed */
    CHECK_EQ(st.status, EVTCHNSTAT_closed);
    check_unlocked();
}

TEST(bind_interdomain_connects_both_ends)
{
    evtchn_port_t pa, pb;
    struct evtchn_status st;

    setup();
    connect(A, &pa, B, &pb);
    st = status_of(A, pa);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, 2);
    CHECK_EQ(st.u.interdomain.port, pb);
    st = status_of(B, pb);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, 1);
    CHECK_EQ(st.u.interdomain.port, pa);
    /* As Xen: the new local end starts pending, for sends lost meanwhile. */
    CHECK(pending(A, pa));
    CHECK(sel(A, 0, pa));
    CHECK_EQ(upcall(A, 0), 1);
    CHECK_EQ(nr_kicks, 1);
    CHECK_EQ(kicks[0].domid, 1);
    CHECK(!pending(B, pb));
    check_unlocked();
}

TEST(bind_interdomain_refuses_what_is_not_waiting_for_us)
{
    evtchn_port_t for_c, free_port = 200, virq_port, ipi_port, bound_a, bound_b;
    struct evtchn_bind_interdomain op;

    setup();
    for_c = unbound(B, 3);                          /* waits for d3, not d1 */
    virq_port = virq(B, VIRQ_TIMER, 0);
    ipi_port = ipi(B, 1);
    connect(C, &bound_a, B, &bound_b);              /* already connected */
    const struct { uint16_t dom; evtchn_port_t port; int rc; } cases[] = {
        { 42, 1, -ESRCH },
        { DOMID_XEN, 1, -ESRCH },
        { 2, EVTCHN_DEFAULT_MAX_PORTS, -EINVAL },
        { 2, 0xffffffffU, -EINVAL },
        { 2, 0, -EINVAL },                          /* reserved */
        { 2, free_port, -EINVAL },
        { 2, for_c, -EINVAL },
        { 2, virq_port, -EINVAL },
        { 2, ipi_port, -EINVAL },
        { 2, bound_b, -EINVAL },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        op = (struct evtchn_bind_interdomain){ .remote_dom = cases[i].dom,
                                               .remote_port = cases[i].port,
                                               .local_port = 0xdead };
        CHECK_EQ(evtchn_bind_interdomain(A, &op), cases[i].rc);
        CHECK_EQ(op.local_port, 0xdead);
        CHECK_EQ(A->nr_bound, 0);                   /* nothing allocated */
    }
    CHECK_EQ(status_of(B, for_c).status, EVTCHNSTAT_unbound);
    CHECK_EQ(status_of(B, bound_b).u.interdomain.dom, 3);
    /* d3, the named one, may. */
    op = (struct evtchn_bind_interdomain){ .remote_dom = 2, .remote_port = for_c };
    CHECK_EQ(evtchn_bind_interdomain(C, &op), 0);
    check_unlocked();
}

TEST(loopback_channel_within_one_domain)
{
    struct evtchn_bind_interdomain op;
    evtchn_port_t listen;

    setup();
    listen = unbound(A, DOMID_SELF);
    CHECK_EQ(status_of(A, listen).u.unbound.dom, 1);
    op = (struct evtchn_bind_interdomain){ .remote_dom = DOMID_SELF, .remote_port = listen };
    CHECK_EQ(evtchn_bind_interdomain(A, &op), 0);
    CHECK_EQ(status_of(A, listen).u.interdomain.port, op.local_port);
    CHECK_EQ(status_of(A, op.local_port).u.interdomain.port, listen);
    clear_all_events(A);
    CHECK_EQ(evtchn_send(A, op.local_port), 0);
    CHECK(pending(A, listen));
    CHECK(!pending(A, op.local_port));
    CHECK_EQ(evtchn_close(A, listen), 0);
    CHECK_EQ(status_of(A, op.local_port).status, EVTCHNSTAT_unbound);
    CHECK_EQ(status_of(A, op.local_port).u.unbound.dom, 1);
    check_unlocked();
}

TEST(send_sets_pending_selector_and_upcall_once)
{
    evtchn_port_t pa, pb;

    setup();
    connect(A, &pa, B, &pb);
    clear_all_events(A);
    CHECK_EQ(evtchn_send(A, pa), 0);
    CHECK(pending(B, pb));
    CHECK(sel(B, 0, pb));
    CHECK_EQ(upcall(B, 0), 1);
    CHECK_EQ(nr_kicks, 1);
    CHECK_EQ(kicks[0].domid, 2);
    CHECK_EQ(kicks[0].vcpu, 0);
    CHECK_EQ(nr_port_pending, 1);
    CHECK_EQ(last_port_pending, pb);
    CHECK(!pending(A, pa));                         /* nothing comes back */

    /* Still pending: nothing changes, nobody is kicked again. */
    CHECK_EQ(evtchn_send(A, pa), 0);
    CHECK_EQ(nr_kicks, 1);
    CHECK_EQ(nr_port_pending, 1);

    /* The guest took the event: the next send raises everything again. */
    guest_consume(B, 0);
    CHECK_EQ(evtchn_send(A, pa), 0);
    CHECK_EQ(upcall(B, 0), 1);
    CHECK_EQ(nr_kicks, 2);

    /* The other way round. */
    CHECK_EQ(evtchn_send(B, pb), 0);
    CHECK(pending(A, pa));
    CHECK_EQ(kicks[2].domid, 1);
    check_unlocked();
}

TEST(selector_already_set_raises_no_second_upcall)
{
    evtchn_port_t p1, p2, q1, q2;

    setup();
    connect(A, &p1, B, &q1);
    connect(A, &p2, B, &q2);
    CHECK_EQ(q1 / 64, q2 / 64);                     /* one selector word */
    clear_all_events(B);
    CHECK_EQ(evtchn_send(A, p1), 0);
    CHECK_EQ(nr_kicks, 1);
    /* The guest clears upcall_pending but has not looked at the selector yet. */
    B->vcpu_info[0]->evtchn_upcall_pending = 0;
    CHECK_EQ(evtchn_send(A, p2), 0);
    CHECK(pending(B, q2));
    CHECK_EQ(upcall(B, 0), 0);                      /* the selector bit was set */
    CHECK_EQ(nr_kicks, 1);
    /* The upcall already pending: a new selector word still raises no kick. */
    B->vcpu_info[0]->evtchn_upcall_pending = 1;
    B->vcpu_info[0]->evtchn_pending_sel = 0;
    B->shared->evtchn_pending[0] = 0;
    CHECK_EQ(evtchn_send(A, p1), 0);
    CHECK(sel(B, 0, q1));
    CHECK_EQ(nr_kicks, 1);
}

TEST(ports_above_63_use_their_own_selector_bit)
{
    evtchn_port_t pa, pb;
    struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = 1 };

    setup();
    for (unsigned int i = 1; i < 130; i++)
        CHECK_EQ(evtchn_alloc_unbound(B, &op), 0);
    connect(A, &pa, B, &pb);
    CHECK_EQ(pb, 130);
    clear_all_events(A);
    CHECK_EQ(evtchn_send(A, pa), 0);
    CHECK_EQ(B->vcpu_info[0]->evtchn_pending_sel, 1ULL << 2);
    CHECK_EQ(B->shared->evtchn_pending[2], 1ULL << 2);
}

TEST(masked_send_waits_for_unmask)
{
    evtchn_port_t pa, pb;

    setup();
    connect(A, &pa, B, &pb);
    clear_all_events(A);
    guest_mask(B, pb);
    CHECK_EQ(evtchn_send(A, pa), 0);
    CHECK(pending(B, pb));
    CHECK(!sel(B, 0, pb));
    CHECK_EQ(upcall(B, 0), 0);
    CHECK_EQ(nr_kicks, 0);
    CHECK_EQ(nr_port_pending, 1);                   /* pollers still hear of it */

    CHECK_EQ(evtchn_unmask(B, pb), 0);              /* re-raised */
    CHECK(sel(B, 0, pb));
    CHECK_EQ(upcall(B, 0), 1);
    CHECK_EQ(nr_kicks, 1);
    CHECK_EQ(B->shared->evtchn_mask[pb / 64], 0);

    CHECK_EQ(evtchn_unmask(B, pb), 0);              /* not masked: nothing */
    CHECK_EQ(nr_kicks, 1);

    /* Unmasking a port that is not pending raises nothing. */
    guest_consume(B, 0);
    guest_mask(B, pb);
    CHECK_EQ(evtchn_unmask(B, pb), 0);
    CHECK_EQ(upcall(B, 0), 0);
    CHECK_EQ(nr_kicks, 1);

    /* Unmask re-raises on the port's notify vCPU. */
    CHECK_EQ(evtchn_bind_vcpu(B, pb, 3), 0);
    guest_mask(B, pb);
    CHECK_EQ(evtchn_send(A, pa), 0);
    CHECK_EQ(evtchn_unmask(B, pb), 0);
    CHECK(sel(B, 3, pb));
    CHECK_EQ(kicks[1].vcpu, 3);

    CHECK_EQ(evtchn_unmask(B, EVTCHN_DEFAULT_MAX_PORTS), -EINVAL);
    CHECK_EQ(evtchn_unmask(B, 0xffffffffU), -EINVAL);
    check_unlocked();
}

TEST(send_in_each_port_state)
{
    evtchn_port_t listen, vport, pa, pb;

    setup();
    listen = unbound(A, 2);
    vport = virq(A, VIRQ_TIMER, 0);
    connect(A, &pa, B, &pb);
    clear_all_events(A);
    const struct { evtchn_port_t port; int rc; } cases[] = {
        { listen, 0 },                              /* unbound: dropped */
        { vport, -EINVAL },
        { 0, -EINVAL },
        { 500, -EINVAL },                           /* free */
        { EVTCHN_DEFAULT_MAX_PORTS, -EINVAL },
        { 0xffffffffU, -EINVAL },
        { pa, 0 },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        CHECK_EQ(evtchn_send(A, cases[i].port), cases[i].rc);
    CHECK_EQ(nr_kicks, 1);                          /* only the interdomain send */
    CHECK(!pending(A, listen));
    CHECK(!pending(A, vport));
    check_unlocked();
}

TEST(ipi_goes_to_its_vcpu)
{
    struct evtchn_bind_ipi op = { .vcpu = NR_VCPUS };
    evtchn_port_t p;
    struct evtchn_status st;

    setup();
    CHECK_EQ(evtchn_bind_ipi(A, &op), -ENOENT);
    op.vcpu = 0xffffffffU;
    CHECK_EQ(evtchn_bind_ipi(A, &op), -ENOENT);
    CHECK_EQ(A->nr_bound, 0);
    p = ipi(A, 2);
    st = status_of(A, p);
    CHECK_EQ(st.status, EVTCHNSTAT_ipi);
    CHECK_EQ(st.vcpu, 2);
    CHECK_EQ(evtchn_send(A, p), 0);
    CHECK(pending(A, p));
    CHECK(sel(A, 2, p));
    CHECK(!sel(A, 0, p));
    CHECK_EQ(upcall(A, 2), 1);
    CHECK_EQ(kicks[0].domid, 1);
    CHECK_EQ(kicks[0].vcpu, 2);
    CHECK_EQ(evtchn_bind_vcpu(A, p, 1), -EINVAL);   /* fixed at bind */
    check_unlocked();
}

TEST(bind_virq_checks_number_vcpu_and_handler)
{
    static const struct { bool privileged; uint32_t virq, vcpu; int rc; } cases[] = {
        { false, VIRQ_TIMER, 0, 0 },
        { false, VIRQ_TIMER, 3, 0 },
        { false, VIRQ_TIMER, 0, -EEXIST },          /* one port per (virq, vcpu) */
        { false, VIRQ_TIMER, NR_VCPUS, -ENOENT },
        { false, VIRQ_TIMER, 0xffffffffU, -ENOENT },
        { false, VIRQ_DEBUG, 1, 0 },
        { false, VIRQ_XENPMU, 2, 0 },
        { false, VIRQ_CONSOLE, 0, -EBUSY },         /* global: dom0's */
        { false, VIRQ_DOM_EXC, 0, -EBUSY },
        { false, VIRQ_CONSOLE, 1, -EINVAL },        /* global: vCPU 0 only */
        { false, VIRQ_ARGO, 0, 0 },                 /* per domain */
        { false, VIRQ_ARGO, 0, -EEXIST },
        { false, VIRQ_ARGO, 1, -EINVAL },
        { false, NR_VIRQS, 0, -EINVAL },
        { false, 0xffffffffU, 0, -EINVAL },
        { true, VIRQ_CONSOLE, 0, 0 },
        { true, VIRQ_DOM_EXC, 0, 0 },
        { true, VIRQ_DOM_EXC, 0, -EEXIST },
        { true, VIRQ_ARCH_0, 0, 0 },
    };
    struct evtchn_bind_virq op;

    setup();
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        struct evtchn_domain *d = cases[i].privileged ? D0 : A;
        unsigned int before = d->nr_bound;

        op = (struct evtchn_bind_virq){ .virq = cases[i].virq, .vcpu = cases[i].vcpu,
                                        .port = 0xdead };
        CHECK_EQ(evtchn_bind_virq(d, &op), cases[i].rc);
        if (cases[i].rc) {
            CHECK_EQ(op.port, 0xdead);
            CHECK_EQ(d->nr_bound, before);
        } else {
            struct evtchn_status st = status_of(d, op.port);

            CHECK_EQ(st.status, EVTCHNSTAT_virq);
            CHECK_EQ(st.u.virq, cases[i].virq);
            CHECK_EQ(st.vcpu, cases[i].vcpu);
        }
    }
    check_unlocked();
}

TEST(send_virq_reaches_the_bound_vcpu)
{
    evtchn_port_t t2, con;

    setup();
    t2 = virq(A, VIRQ_TIMER, 2);
    CHECK_EQ(evtchn_send_virq(A, 2, VIRQ_TIMER), 0);
    CHECK(pending(A, t2));
    CHECK(sel(A, 2, t2));
    CHECK_EQ(nr_kicks, 1);
    CHECK_EQ(kicks[0].vcpu, 2);
    CHECK_EQ(evtchn_send_virq(A, 2, VIRQ_TIMER), 0);    /* still pending */
    CHECK_EQ(nr_kicks, 1);
    CHECK_EQ(evtchn_send_virq(A, 1, VIRQ_TIMER), -ENOENT);
    CHECK_EQ(evtchn_send_virq(A, 0, VIRQ_DEBUG), -ENOENT);
    CHECK_EQ(evtchn_send_virq(A, NR_VCPUS, VIRQ_TIMER), -EINVAL);
    CHECK_EQ(evtchn_send_virq(A, 0, NR_VIRQS), -EINVAL);

    /* A global VIRQ follows bind_vcpu; the vcpu argument does not matter. */
    con = virq(D0, VIRQ_CONSOLE, 0);
    CHECK_EQ(evtchn_bind_vcpu(D0, con, 3), 0);
    CHECK_EQ(status_of(D0, con).vcpu, 3);
    CHECK_EQ(evtchn_send_virq(D0, 1, VIRQ_CONSOLE), 0);
    CHECK(sel(D0, 3, con));
    CHECK_EQ(kicks[1].domid, 0);
    CHECK_EQ(kicks[1].vcpu, 3);
    /* A per-vCPU one cannot move. */
    CHECK_EQ(evtchn_bind_vcpu(A, t2, 1), -EINVAL);
    check_unlocked();
}

TEST(bind_vcpu_moves_notifications)
{
    evtchn_port_t pa, pb, listen;

    setup();
    connect(A, &pa, B, &pb);
    listen = unbound(B, 3);
    const struct { evtchn_port_t port; uint32_t vcpu; int rc; } cases[] = {
        { pb, 2, 0 },
        { listen, 1, 0 },
        { pb, NR_VCPUS, -ENOENT },
        { pb, 0xffffffffU, -ENOENT },
        { 0, 1, -EINVAL },
        { 300, 1, -EINVAL },                        /* free */
        { EVTCHN_DEFAULT_MAX_PORTS, 1, -EINVAL },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        CHECK_EQ(evtchn_bind_vcpu(B, cases[i].port, cases[i].vcpu), cases[i].rc);
    CHECK_EQ(status_of(B, pb).vcpu, 2);
    CHECK_EQ(status_of(B, listen).vcpu, 1);
    clear_all_events(A);
    CHECK_EQ(evtchn_send(A, pa), 0);
    CHECK(sel(B, 2, pb));
    CHECK(!sel(B, 0, pb));
    CHECK_EQ(kicks[0].vcpu, 2);
    check_unlocked();
}

TEST(close_interdomain_leaves_the_peer_unbound)
{
    evtchn_port_t pa, pb;
    struct evtchn_bind_interdomain op;

    setup();
    connect(A, &pa, B, &pb);
    CHECK_EQ(evtchn_send(B, pb), 0);                /* pending in A */
    CHECK(pending(A, pa));
    CHECK_EQ(evtchn_send(A, pa), 0);                /* pending in B */
    CHECK_EQ(evtchn_close(A, pa), 0);
    CHECK_EQ(status_of(A, pa).status, EVTCHNSTAT_closed);
    CHECK(!pending(A, pa));                         /* closing clears it */
    CHECK(pending(B, pb));                          /* the peer keeps its own */
    CHECK_EQ(status_of(B, pb).status, EVTCHNSTAT_unbound);
    CHECK_EQ(status_of(B, pb).u.unbound.dom, 1);    /* waiting for A again */
    CHECK_EQ(A->nr_bound, 0);
    CHECK_EQ(B->nr_bound, 1);

    nr_kicks = 0;
    CHECK_EQ(evtchn_send(B, pb), 0);                /* unbound now: dropped */
    CHECK_EQ(nr_kicks, 0);
    CHECK_EQ(evtchn_send(A, pa), -EINVAL);
    CHECK_EQ(evtchn_close(A, pa), -EINVAL);         /* closed twice */

    /* A may connect again, and gets the lowest free port back. */
    op = (struct evtchn_bind_interdomain){ .remote_dom = 2, .remote_port = pb };
    CHECK_EQ(evtchn_bind_interdomain(A, &op), 0);
    CHECK_EQ(op.local_port, pa);
    CHECK_EQ(status_of(B, pb).u.interdomain.port, pa);

    /* Closing from the other side works the same. */
    CHECK_EQ(evtchn_close(B, pb), 0);
    CHECK_EQ(status_of(A, pa).status, EVTCHNSTAT_unbound);
    CHECK_EQ(status_of(A, pa).u.unbound.dom, 2);
    check_unlocked();
}

TEST(close_in_each_state)
{
    evtchn_port_t listen, t, i2;
    struct evtchn_bind_virq op = { .virq = VIRQ_TIMER, .vcpu = 1 };

    setup();
    listen = unbound(A, 2);
    t = virq(A, VIRQ_TIMER, 1);
    i2 = ipi(A, 2);
    CHECK_EQ(evtchn_send(A, i2), 0);
    CHECK(pending(A, i2));
    const struct { evtchn_port_t port; int rc; } cases[] = {
        { 0, -EINVAL },
        { 400, -EINVAL },
        { EVTCHN_DEFAULT_MAX_PORTS, -EINVAL },
        { 0xffffffffU, -EINVAL },
        { listen, 0 },
        { t, 0 },
        { i2, 0 },                                  /* while pending */
        { i2, -EINVAL },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        CHECK_EQ(evtchn_close(A, cases[i].port), cases[i].rc);
    CHECK(!pending(A, i2));
    CHECK_EQ(A->nr_bound, 0);
    CHECK_EQ(status_of(A, i2).vcpu, 0);             /* reset to vCPU 0 */
    CHECK_EQ(evtchn_send_virq(A, 1, VIRQ_TIMER), -ENOENT);
    CHECK_EQ(evtchn_bind_virq(A, &op), 0);          /* bindable again */
    CHECK_EQ(op.port, listen);                      /* lowest free */
    check_unlocked();
}

TEST(per_domain_port_limit)
{
    struct evtchn_bind_interdomain bop;
    struct evtchn_bind_virq vop = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct evtchn_bind_ipi iop = { .vcpu = 0 };
    struct evtchn_alloc_unbound aop = { .dom = DOMID_SELF, .remote_dom = 1 };
    evtchn_port_t listen;

    setup_sized(8);                                 /* d2: ports 1..7 */
    listen = unbound(A, 2);
    for (unsigned int i = 1; i < 8; i++) {
        CHECK_EQ(evtchn_alloc_unbound(B, &aop), 0);
        CHECK_EQ(aop.port, i);
    }
    CHECK_EQ(evtchn_alloc_unbound(B, &aop), -ENOSPC);
    CHECK_EQ(evtchn_bind_virq(B, &vop), -ENOSPC);
    CHECK_EQ(evtchn_bind_ipi(B, &iop), -ENOSPC);
    bop = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = listen };
    CHECK_EQ(evtchn_bind_interdomain(B, &bop), -ENOSPC);
    CHECK_EQ(status_of(A, listen).status, EVTCHNSTAT_unbound);  /* untouched */
    CHECK_EQ(evtchn_send(B, 8), -EINVAL);
    CHECK_EQ(evtchn_close(B, 8), -EINVAL);
    CHECK_EQ(B->nr_bound, 7);

    CHECK_EQ(evtchn_close(B, 5), 0);
    CHECK_EQ(evtchn_bind_interdomain(B, &bop), 0);
    CHECK_EQ(bop.local_port, 5);
    check_unlocked();
}

TEST(dispatcher_runs_every_sub_op)
{
    union {
        struct evtchn_alloc_unbound alloc;
        struct evtchn_bind_interdomain bind;
        struct evtchn_bind_virq virq;
        struct evtchn_bind_ipi ipi;
        struct evtchn_close close;
        struct evtchn_send send;
        struct evtchn_status status;
        struct evtchn_bind_vcpu bvcpu;
        struct evtchn_unmask unmask;
        struct evtchn_reset reset;
        struct evtchn_init_control init;
        struct evtchn_expand_array expand;
        struct evtchn_set_priority prio;
        struct evtchn_bind_pirq pirq;
    } u;

    setup();
    u.alloc = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF, .remote_dom = 1 };
    CHECK_EQ(evtchn_do_op(B, EVTCHNOP_alloc_unbound, &u), 0);
    CHECK_EQ(u.alloc.port, 1);
    u.bind = (struct evtchn_bind_interdomain){ .remote_dom = 2, .remote_port = 1 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_bind_interdomain, &u), 0);
    CHECK_EQ(u.bind.local_port, 1);
    u.virq = (struct evtchn_bind_virq){ .virq = VIRQ_DEBUG, .vcpu = 1 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_bind_virq, &u), 0);
    CHECK_EQ(u.virq.port, 2);
    u.ipi = (struct evtchn_bind_ipi){ .vcpu = 3 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_bind_ipi, &u), 0);
    CHECK_EQ(u.ipi.port, 3);
    u.send = (struct evtchn_send){ .port = 1 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_send, &u), 0);
    CHECK(pending(B, 1));
    u.status = (struct evtchn_status){ .dom = DOMID_SELF, .port = 3 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_status, &u), 0);
    CHECK_EQ(u.status.status, EVTCHNSTAT_ipi);
    CHECK_EQ(u.status.vcpu, 3);
    u.bvcpu = (struct evtchn_bind_vcpu){ .port = 1, .vcpu = 2 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_bind_vcpu, &u), 0);
    guest_mask(A, 3);
    u.unmask = (struct evtchn_unmask){ .port = 3 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_unmask, &u), 0);
    CHECK_EQ(A->shared->evtchn_mask[0], 0);
    u.close = (struct evtchn_close){ .port = 2 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_close, &u), 0);
    u.init = (struct evtchn_init_control){ .control_gfn = 5 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_init_control, &u), -ENOSYS);
    u.expand = (struct evtchn_expand_array){ .array_gfn = 5 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_expand_array, &u), -ENOSYS);
    u.prio = (struct evtchn_set_priority){ .port = 1, .priority = 3 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_set_priority, &u), -ENOSYS);
    u.prio = (struct evtchn_set_priority){ .port = EVTCHN_DEFAULT_MAX_PORTS };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_set_priority, &u), -EINVAL);
    u.pirq = (struct evtchn_bind_pirq){ .pirq = 1 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_bind_pirq, &u), -ENOSYS);
    CHECK_EQ(evtchn_do_op(A, 14, &u), -ENOSYS);
    CHECK_EQ(evtchn_do_op(A, 0xffffffffU, &u), -ENOSYS);
    u.reset = (struct evtchn_reset){ .dom = 2 };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_reset, &u), -EPERM);
    u.reset = (struct evtchn_reset){ .dom = DOMID_SELF };
    CHECK_EQ(evtchn_do_op(A, EVTCHNOP_reset, &u), 0);
    CHECK_EQ(A->nr_bound, 0);
    CHECK_EQ(status_of(B, 1).status, EVTCHNSTAT_unbound);
    check_unlocked();
}

TEST(destroy_unbinds_peers_and_refuses_new_ports)
{
    evtchn_port_t pa, pb, qa, qc;
    struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = 2 };

    setup();
    connect(A, &pa, B, &pb);
    connect(C, &qc, A, &qa);
    virq(A, VIRQ_TIMER, 0);
    ipi(A, 1);
    unbound(A, DOMID_SELF);
    doms[1].alive = false;                          /* no longer found */
    evtchn_domain_destroy(A);
    CHECK_EQ(A->nr_bound, 0);
    CHECK(A->dying);
    CHECK_EQ(status_of(B, pb).status, EVTCHNSTAT_unbound);
    CHECK_EQ(status_of(B, pb).u.unbound.dom, 1);
    CHECK_EQ(status_of(C, qc).status, EVTCHNSTAT_unbound);
    CHECK_EQ(evtchn_alloc_unbound(A, &op), -EINVAL);
    CHECK_EQ(evtchn_send(B, pb), 0);                /* dropped, A untouched */
    CHECK(!pending(A, pa));
    /* B's port waits for d1 (a new domain reusing the id could bind). */
    struct evtchn_bind_interdomain bop = { .remote_dom = 2, .remote_port = pb };
    CHECK_EQ(evtchn_bind_interdomain(C, &bop), -EINVAL);    /* not for d3 */
    bop = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = pa };
    CHECK_EQ(evtchn_bind_interdomain(B, &bop), -ESRCH);     /* d1 gone */
    check_unlocked();
}

TEST(relocated_vcpu_info_receives_the_bits)
{
    static struct vcpu_info moved;
    evtchn_port_t p;

    setup();
    p = ipi(A, 1);
    evtchn_set_vcpu_info(A, 1, &moved);
    CHECK_EQ(evtchn_send(A, p), 0);
    CHECK_EQ(moved.evtchn_pending_sel, 1);
    CHECK_EQ(moved.evtchn_upcall_pending, 1);
    CHECK_EQ(doms[1].shared.vcpu_info[1].evtchn_pending_sel, 0);
    CHECK(evtchn_upcall_deliverable(&moved));
    moved.evtchn_upcall_mask = 1;
    CHECK(!evtchn_upcall_deliverable(&moved));
    EXPECT_PANIC(evtchn_set_vcpu_info(A, NR_VCPUS, &moved));
    check_unlocked();
}

TEST(poll_helpers)
{
    evtchn_port_t p;

    setup();
    p = ipi(A, 0);
    CHECK(evtchn_port_valid(A, p));
    CHECK(!evtchn_port_valid(A, EVTCHN_DEFAULT_MAX_PORTS));
    CHECK(!evtchn_port_is_pending(A, p));
    guest_mask(A, p);
    CHECK_EQ(evtchn_send(A, p), 0);
    CHECK(evtchn_port_is_pending(A, p));            /* masked, still pending */
    CHECK(!evtchn_port_is_pending(A, EVTCHN_DEFAULT_MAX_PORTS));
}

TEST(virq_types_follow_xen)
{
    static const struct { unsigned int virq; enum evtchn_virq_type type; } cases[] = {
        { VIRQ_TIMER, VIRQ_TYPE_VCPU }, { VIRQ_DEBUG, VIRQ_TYPE_VCPU },
        { VIRQ_CONSOLE, VIRQ_TYPE_GLOBAL }, { VIRQ_DOM_EXC, VIRQ_TYPE_GLOBAL },
        { VIRQ_TBUF, VIRQ_TYPE_GLOBAL }, { VIRQ_XENOPROF, VIRQ_TYPE_VCPU },
        { VIRQ_ARGO, VIRQ_TYPE_DOMAIN }, { VIRQ_XENPMU, VIRQ_TYPE_VCPU },
        { VIRQ_ARCH_0, VIRQ_TYPE_GLOBAL }, { VIRQ_ARCH_7, VIRQ_TYPE_GLOBAL },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        CHECK_EQ(evtchn_virq_type(cases[i].virq), cases[i].type);
}
