/*
 * Domain 0's main loop. It hears of domains starting and ending through
 * VIRQ_DOM_EXC and looks them up with domctl; for each domU whose rings it
 * serves (info.backend) it binds the two event channels, writes the
 * toolstack's part of the domain's xenstore tree, introduces the domain to
 * xenstored, and from then on serves its xenstore and console rings. Serial
 * input arrives through VIRQ_CONSOLE and domctl console_read. When no other
 * domain is left, Domain 0 ends too, and with it the run.
 *
 * It waits with SCHEDOP_poll on all its ports (events stay masked), with a
 * timeout so that a missed notification costs a moment, never a hang.
 */
#include <public/sched.h>
#include <public/xeno_domctl.h>
#include <xeno/errno.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>
#include "console.h"
#include "events.h"
#include "xtest.h"
#include "dom0.h"
#include "xenstored/proto.h"

#define POLL_NS 50000000UL             /* 50 ms */

struct domu {
    bool used;
    uint16_t domid;
    char name[64];
    struct xs_conn xs;
    struct cons_conn cons;
};

static struct domu domus[DOM0_MAX_DOMAINS];
static uint8_t mirrors[DOM0_MAX_DOMAINS][2][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static evtchn_port_t dom_exc_port, console_port;
static uint16_t self_id;
static bool others_seen;

long dom0_evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0, 0);
}

void dom0_notify(evtchn_port_t port)
{
    struct evtchn_send send = { .port = port };
    dom0_evtchn_op(EVTCHNOP_send, &send);
}

static long domctl(uint32_t cmd, uint16_t domid, struct xeno_domctl *op)
{
    op->cmd = cmd;
    op->version = XENO_DOMCTL_VERSION;
    op->domid = domid;
    return hc_domctl(op);
}

static evtchn_port_t bind_virq(uint32_t virq)
{
    struct evtchn_bind_virq bv = { .virq = virq, .vcpu = 0 };
    long rc = dom0_evtchn_op(EVTCHNOP_bind_virq, &bv);

    if (rc)
        xtest_abort("dom0: cannot bind VIRQ %u: %ld", virq, rc);
    return bv.port;
}

static bool take_pending(evtchn_port_t port)
{
    uint64_t bit = 1UL << (port % 64);
    return __atomic_fetch_and(&xtest_shared_info->evtchn_pending[port / 64], ~bit,
                              __ATOMIC_SEQ_CST) & bit;
}

/* ---- the toolstack's part of a new domain's tree */

static int write_domain_key(const char *dir, const char *key, const char *value)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_local_write(path, value);
}

/* A directory the domain may write in (owner: the domain). Like libxl's, nobody
 * else gets any access ("n"): "b" would let every domain read and write it. */
static int domain_writable(const char *dir, const char *key, uint16_t domid)
{
    char path[128], owner[16];
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    snprintf(owner, sizeof(owner), "n%u", domid);
    rc = xs_local_write(path, "");
    return rc ? rc : xs_local_perms(path, owner, NULL);
}

static int make_tree(const struct xeno_domctl_info *info)
{
    char dir[32], value[32], readable[16];
    int rc;

    snprintf(dir, sizeof(dir), "/local/domain/%u", info->domid);
    snprintf(readable, sizeof(readable), "r%u", info->domid);
    rc = xs_local_write(dir, "");
    /* Domain 0 owns the directory; the domain may read it, others not. */
    rc = rc ? rc : xs_local_perms(dir, "n0", readable);
    rc = rc ? rc : write_domain_key(dir, "name", info->name);
    snprintf(value, sizeof(value), "%u", info->domid);
    rc = rc ? rc : write_domain_key(dir, "domid", value);
    rc = rc ? rc : write_domain_key(dir, "device", "");
    for (unsigned int i = 0; i < info->nr_vcpus && !rc; i++) {
        char key[32];
        snprintf(key, sizeof(key), "cpu/%u/availability", i);
        rc = write_domain_key(dir, key, "online");
    }
    snprintf(value, sizeof(value), "%u", info->console_port);
    rc = rc ? rc : write_domain_key(dir, "console/port", value);
    snprintf(value, sizeof(value), "%lu", (unsigned long)info->console_mfn);
    rc = rc ? rc : write_domain_key(dir, "console/ring-ref", value);
    rc = rc ? rc : write_domain_key(dir, "console/type", "xeno-dom0");
    snprintf(value, sizeof(value), "%u", info->store_port);
    rc = rc ? rc : write_domain_key(dir, "store/port", value);
    snprintf(value, sizeof(value), "%lu", (unsigned long)info->store_mfn);
    rc = rc ? rc : write_domain_key(dir, "store/ring-ref", value);
    rc = rc ? rc : domain_writable(dir, "control", info->domid);
    rc = rc ? rc : domain_writable(dir, "data", info->domid);
    rc = rc ? rc : domain_writable(dir, "drivers", info->domid);
    rc = rc ? rc : domain_writable(dir, "feature", info->domid);
    rc = rc ? rc : domain_writable(dir, "attr", info->domid);
    rc = rc ? rc : domain_writable(dir, "error", info->domid);
    return rc;
}

static int introduce(const struct xeno_domctl_info *info, bool release)
{
    char domid[8], mfn[24], port[12];
    const char *args[] = { domid, mfn, port };

    snprintf(domid, sizeof(domid), "%u", info->domid);
    snprintf(mfn, sizeof(mfn), "%lu", (unsigned long)info->store_mfn);
    snprintf(port, sizeof(port), "%u", info->store_port);
    return release ? xs_local_simple(XS_RELEASE, args, 1)
                   : xs_local_simple(XS_INTRODUCE, args, 3);
}

/* ---- domains coming and going */

static struct domu *find(uint16_t domid)
{
    for (unsigned int i = 0; i < DOM0_MAX_DOMAINS; i++)
        if (domus[i].used && domus[i].domid == domid)
            return &domus[i];
    return NULL;
}

static evtchn_port_t bind_to(uint16_t domid, uint32_t remote_port)
{
    struct evtchn_bind_interdomain op = { .remote_dom = domid, .remote_port = remote_port };
    return dom0_evtchn_op(EVTCHNOP_bind_interdomain, &op) ? 0 : op.local_port;
}

static void close_port(evtchn_port_t port)
{
    struct evtchn_close op = { .port = port };
    if (port)
        dom0_evtchn_op(EVTCHNOP_close, &op);
}

static void connect(const struct xeno_domctl_info *info)
{
    unsigned int slot = 0;
    struct domu *u;
    evtchn_port_t store, cons;
    int rc;

    while (slot < DOM0_MAX_DOMAINS && domus[slot].used)
        slot++;
    if (slot == DOM0_MAX_DOMAINS) {
        printf("dom0: no room for d%u: it gets no xenstore or console\n", info->domid);
        return;
    }
    u = &domus[slot];
    store = bind_to(info->domid, info->store_port);
    cons = bind_to(info->domid, info->console_port);
    if (!store || !cons) {
        printf("dom0: d%u: cannot bind its channels (it is going?)\n", info->domid);
        close_port(store);
        close_port(cons);
        return;
    }
    memset(mirrors[slot], 0, sizeof(mirrors[slot]));
    rc = xs_conn_init(&u->xs, info->domid, store, mirrors[slot][0]);
    rc = rc ? rc : make_tree(info);
    rc = rc ? rc : introduce(info, false);
    if (rc) {
        char dir[32];
        printf("dom0: d%u: xenstore setup failed (%d)\n", info->domid, rc);
        snprintf(dir, sizeof(dir), "/local/domain/%u", info->domid);
        xs_local_rm(dir);               /* whatever of its tree was made */
        xs_conn_free(&u->xs);
        close_port(store);
        close_port(cons);
        return;
    }
    cons_conn_init(&u->cons, info->domid, cons, mirrors[slot][1]);
    u->used = true;
    u->domid = info->domid;
    strlcpy(u->name, info->name, sizeof(u->name));
    printf("dom0: d%u '%s' connected: xenstore port %u, console port %u\n", info->domid,
           info->name, store, cons);
}

static void disconnect(struct domu *u)
{
    char dir[32];
    struct xeno_domctl_info info = { .domid = u->domid };

    cons_conn_serve(&u->cons);          /* its last words, if the ring is still there */
    cons_conn_end_partial_line(&u->cons, UINT64_MAX);
    introduce(&info, true);             /* @releaseDomain; drops its watches */
    snprintf(dir, sizeof(dir), "/local/domain/%u", u->domid);
    xs_local_rm(dir);
    close_port(u->xs.port);
    close_port(u->cons.port);
    xs_conn_free(&u->xs);
    u->used = false;
    printf("dom0: d%u '%s' disconnected after %lu xenstore requests; xenstored heap %lu "
           "bytes in use\n", u->domid, u->name, (unsigned long)u->xs.requests,
           (unsigned long)heap_in_use());
}

/* Compare the domains there are with those served; returns how many other
 * domains are alive. */
static unsigned int discover(void)
{
    static struct xeno_domctl_info infos[XENO_DOMCTL_LIST_MAX];
    struct xeno_domctl op = { 0 };
    unsigned int alive = 0;
    bool listed[DOM0_MAX_DOMAINS] = { false };

    op.u.list = (struct xeno_domctl_list){ .infos = (uint64_t)infos,
                                           .max = XENO_DOMCTL_LIST_MAX, .first = 0 };
    if (domctl(XENO_DOMCTL_list, 0, &op))
        xtest_abort("dom0: domctl list failed");
    for (uint32_t i = 0; i < op.u.list.count; i++) {
        const struct xeno_domctl_info *info = &infos[i];
        struct domu *u;

        if (info->domid == self_id || info->state == XENO_DOMSTATE_shutdown)
            continue;
        alive++;
        u = find(info->domid);
        if (u)
            listed[u - domus] = true;
        else if (info->state == XENO_DOMSTATE_active && info->backend == self_id &&
                 info->store_port && info->console_port) {
            connect(info);
            if ((u = find(info->domid)) != NULL)
                listed[u - domus] = true;
        }
    }
    for (unsigned int i = 0; i < DOM0_MAX_DOMAINS; i++)
        if (domus[i].used && !listed[i])
            disconnect(&domus[i]);
    others_seen |= alive != 0;
    return alive;
}

/* Serial input, once every domain has taken what it was given (so that the
 * next piece fits whichever domain it is for). */
static void take_input(void)
{
    static char buf[256];
    struct xeno_domctl op = { 0 };

    for (unsigned int i = 0; i < DOM0_MAX_DOMAINS; i++)
        if (domus[i].used && domus[i].cons.input_len)
            return;
    for (;;) {
        op.u.console = (struct xeno_domctl_console){ .buf = (uint64_t)buf, .len = sizeof(buf) };
        if (domctl(XENO_DOMCTL_console_read, 0, &op) || op.u.console.len == 0)
            return;
        struct domu *u = find(op.u.console.domid);
        if (u) {
            cons_conn_add_input(&u->cons, buf, op.u.console.len);
            return;
        }
    }
}

static void wait_for_events(bool partial)
{
    static evtchn_port_t ports[2 + 2 * DOM0_MAX_DOMAINS];
    struct sched_poll poll = { .ports = (uint64_t)ports };
    unsigned int n = 0;

    ports[n++] = dom_exc_port;
    ports[n++] = console_port;
    for (unsigned int i = 0; i < DOM0_MAX_DOMAINS; i++)
        if (domus[i].used) {
            ports[n++] = domus[i].xs.port;
            ports[n++] = domus[i].cons.port;
        }
    poll.nr_ports = n;
    poll.timeout = pvclock_now_ns() + (partial ? CONS_PARTIAL_NS : POLL_NS);
    hc_sched_op(SCHEDOP_poll, &poll);
}

void test_main(void)
{
    static const struct xs_alloc alloc = { heap_alloc, heap_free, NULL };
    struct xeno_domctl op = { 0 };

    if (domctl(XENO_DOMCTL_getinfo, DOMID_SELF, &op))
        xtest_abort("dom0: domctl refused: is this domain `privileged = 1`?");
    self_id = op.u.info.domid;
    if (xs_store_init(&dom0_store, &alloc))
        xtest_abort("dom0: no memory for xenstored");
    dom_exc_port = bind_virq(VIRQ_DOM_EXC);
    console_port = bind_virq(VIRQ_CONSOLE);
    printf("dom0: d%u serves xenstore and the consoles\n", self_id);
    for (bool first = true;; first = false) {
        bool busy = true;

        if ((take_pending(dom_exc_port) || first) && discover() == 0 && others_seen)
            break;
        take_pending(console_port);
        take_input();
        /* Serve until nothing moves: a request of one domain can fire
         * another's watch. */
        for (unsigned int round = 0; busy && round < 64; round++) {
            busy = false;
            for (unsigned int i = 0; i < DOM0_MAX_DOMAINS; i++) {
                struct domu *u = &domus[i];
                if (!u->used)
                    continue;
                take_pending(u->xs.port);
                take_pending(u->cons.port);
                busy |= xs_conn_serve(&u->xs);
                busy |= cons_conn_serve(&u->cons);
            }
        }
        bool partial = false;
        for (unsigned int i = 0; i < DOM0_MAX_DOMAINS; i++)
            if (domus[i].used) {
                cons_conn_end_partial_line(&domus[i].cons, pvclock_now_ns());
                partial |= domus[i].cons.partial;
            }
        if (!busy)
            wait_for_events(partial);
    }
    printf("dom0: no other domain is left; Domain 0 ends\n");
}
