/*
 * Domain control (public/xeno_domctl.h). Peer 0 is the control domain
 * (`privileged = 1` in its config): it looks peer 1 up, lists the domains,
 * pauses peer 1 (its CPU time stops growing) and unpauses it (it grows
 * again), then waits for VIRQ_DOM_EXC: peer 1's end. Peer 1 is an ordinary
 * domain: every domctl is -EPERM for it, and VIRQ_DOM_EXC is not its to bind;
 * it spins for a while, so there is something to pause, then ends.
 */
#include "xtest.h"
#include "peers.h"
#include "events.h"
#include "cmdline.h"
#include "grants.h"
#include "pagetable.h"
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/xeno_domctl.h>

#define MS 1000000UL
#define PEER1_RUNS_NS (1500 * MS)

static const struct peers *peers;

static long domctl(uint32_t cmd, uint16_t domid, struct xeno_domctl *op)
{
    op->cmd = cmd;
    op->version = XENO_DOMCTL_VERSION;
    op->domid = domid;
    return hc_domctl(op);
}

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0, 0);
}

static uint64_t cpu_time_of(uint16_t domid)
{
    struct xeno_domctl op = { 0 };
    if (domctl(XENO_DOMCTL_getinfo, domid, &op))
        return 0;
    return op.u.info.cpu_time_ns;
}

static void sleep_ns(uint64_t ns)
{
    uint64_t end = pvclock_now_ns() + ns;
    while (pvclock_now_ns() < end)
        hc_sched_op(SCHEDOP_yield, NULL);
}

static void check_refusals(uint16_t other)
{
    struct xeno_domctl op = { .cmd = XENO_DOMCTL_getinfo, .version = 0, .domid = other };

    expect_rc("domctl with version 0", hc_domctl(&op), -EINVAL);
    expect_rc("domctl command 99", domctl(99, other, &op), -EINVAL);
    expect_rc("getinfo of no domain", domctl(XENO_DOMCTL_getinfo, 77, &op), -ESRCH);
    expect_rc("pause of itself", domctl(XENO_DOMCTL_pause, DOMID_SELF, &op), -EINVAL);
    expect_rc("destroy of itself", domctl(XENO_DOMCTL_destroy, peers->domid[0], &op), -EINVAL);
    expect_rc("unpause of a domain not paused", domctl(XENO_DOMCTL_unpause, other, &op), -EINVAL);
    expect_rc("domctl at a bad address", hc_domctl((void *)BAD_VA_PAGE0), -EFAULT);
    op.u.list = (struct xeno_domctl_list){ .infos = BAD_VA_PAGE0, .max = 4 };
    expect_rc("list into a bad buffer", domctl(XENO_DOMCTL_list, 0, &op), -EFAULT);
    op.u.list = (struct xeno_domctl_list){ .infos = BAD_VA_PAGE0, .max = 129 };
    expect_rc("list of 129", domctl(XENO_DOMCTL_list, 0, &op), -EINVAL);
}

/* The other domain's xenstore and console rings are ours to serve (we are the
 * first privileged domain): the ports and frames getinfo names, the two
 * reserved grants (and no other), and the console operations. */
static void check_rings(uint16_t self, uint16_t other)
{
    static uint8_t page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    static const char hello[] = "the backend speaks for this domain\n";
    struct xeno_domctl op = { 0 };
    struct evtchn_bind_interdomain bind = { 0 };
    char input[16];

    if (expect_rc("getinfo of itself", domctl(XENO_DOMCTL_getinfo, DOMID_SELF, &op), 0))
        xtest_check(!op.u.info.store_port && !op.u.info.console_port && !op.u.info.backend,
                    "the control domain has rings: ports %u/%u backend d%u",
                    op.u.info.store_port, op.u.info.console_port, op.u.info.backend);
    if (!expect_rc("getinfo of the other", domctl(XENO_DOMCTL_getinfo, other, &op), 0))
        return;
    xtest_check(op.u.info.backend == self && op.u.info.store_port && op.u.info.console_port &&
                op.u.info.store_port != op.u.info.console_port && op.u.info.store_mfn &&
                op.u.info.console_mfn && op.u.info.store_mfn != op.u.info.console_mfn,
                "rings of d%u: backend d%u ports %u/%u frames %#lx/%#lx", other,
                op.u.info.backend, op.u.info.store_port, op.u.info.console_port,
                op.u.info.store_mfn, op.u.info.console_mfn);
    bind = (struct evtchn_bind_interdomain){ .remote_dom = other,
                                             .remote_port = op.u.info.store_port };
    expect_rc("bind to its xenstore channel", evtchn_op(EVTCHNOP_bind_interdomain, &bind), 0);
    /* Grant entries 1 (xenstore) and 0 (console) are ours; entry 2 is nobody's. */
    expect_status("copy from its xenstore ring",
                  grant_copy(grant_copy_from(other, 1, 2048, page, 0, 16)), GNTST_okay);
    expect_status("copy from its console ring",
                  grant_copy(grant_copy_from(other, 0, 3072, page, 0, 16)), GNTST_okay);
    xtest_check(grant_copy(grant_copy_from(other, 2, 0, page, 0, 16)) != GNTST_okay,
                "a copy from its grant 2, never granted, worked");
    /* The right to map the frames getinfo names: its console ring, mapped
     * through grant 0, is the frame getinfo reported. */
    grant_handle_t handle;
    uint64_t console_mfn = op.u.info.console_mfn;
    int16_t st = grant_map(other, 0, scratch_va(0), GNTMAP_host_map, &handle);
    expect_status("map its console ring", st, GNTST_okay);
    if (st == GNTST_okay) {
        uint64_t mapped = pte_mfn(initial_entry(scratch_va(0), 1, NULL));
        xtest_check(mapped == console_mfn, "grant 0 maps mfn %#lx, getinfo said %#lx",
                    mapped, console_mfn);
        expect_status("unmap its console ring", grant_unmap(scratch_va(0), handle), GNTST_okay);
    }

    op.u.console = (struct xeno_domctl_console){ .buf = (uint64_t)hello,
                                                 .len = sizeof(hello) - 1 };
    expect_rc("console_write for it", domctl(XENO_DOMCTL_console_write, other, &op), 0);
    expect_rc("console_write for itself (no rings)",
              domctl(XENO_DOMCTL_console_write, DOMID_SELF, &op), -EPERM);
    op.u.console.len = 65537;
    expect_rc("console_write of 64 KiB + 1", domctl(XENO_DOMCTL_console_write, other, &op),
              -EINVAL);
    op.u.console = (struct xeno_domctl_console){ .buf = BAD_VA_PAGE0, .len = 8 };
    expect_rc("console_write from a bad buffer",
              domctl(XENO_DOMCTL_console_write, other, &op), -EFAULT);
    /* Nothing waits, so nothing is written: only a buffer that is not the
     * guest's at all is refused before that. */
    op.u.console.buf = BAD_VA_HYPERVISOR;
    expect_rc("console_read into the hypervisor", domctl(XENO_DOMCTL_console_read, 0, &op),
              -EFAULT);
    op.u.console = (struct xeno_domctl_console){ .buf = (uint64_t)input, .len = sizeof(input) };
    if (expect_rc("console_read", domctl(XENO_DOMCTL_console_read, 0, &op), 0))
        xtest_check(op.u.console.len == 0, "console_read: %u bytes nobody typed",
                    op.u.console.len);
}

static void control_domain(void)
{
    uint16_t self = peers->domid[0], other = peers->domid[1];
    struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    static struct xeno_domctl_info infos[4];
    struct xeno_domctl op = { 0 };
    uint64_t t0, t1;

    expect_rc("bind VIRQ_DOM_EXC", evtchn_op(EVTCHNOP_bind_virq, &bv), 0);
    if (expect_rc("getinfo of itself", domctl(XENO_DOMCTL_getinfo, DOMID_SELF, &op), 0))
        xtest_check(op.u.info.domid == self && (op.u.info.flags & XENO_DOMINFO_privileged) &&
                    op.u.info.state == XENO_DOMSTATE_active && op.u.info.nr_vcpus == 1 &&
                    op.u.info.tot_pages >= 2048 && !strcmp(op.u.info.name, "domctl-p0"),
                    "getinfo of itself: d%u flags %#x state %u vcpus %u pages %lu '%s'",
                    op.u.info.domid, op.u.info.flags, op.u.info.state, op.u.info.nr_vcpus,
                    op.u.info.tot_pages, op.u.info.name);
    if (expect_rc("getinfo of the other", domctl(XENO_DOMCTL_getinfo, other, &op), 0))
        xtest_check(op.u.info.domid == other && !(op.u.info.flags & XENO_DOMINFO_privileged) &&
                    op.u.info.state == XENO_DOMSTATE_active && !strcmp(op.u.info.name, "domctl-p1"),
                    "getinfo of d%u: d%u flags %#x state %u '%s'", other, op.u.info.domid,
                    op.u.info.flags, op.u.info.state, op.u.info.name);
    op.u.list = (struct xeno_domctl_list){ .infos = (uint64_t)infos, .max = 4, .first = 0 };
    if (expect_rc("list", domctl(XENO_DOMCTL_list, 0, &op), 0))
        xtest_check(op.u.list.count == 2 && infos[0].domid == self && infos[1].domid == other,
                    "list: %u domains, d%u and d%u", op.u.list.count, infos[0].domid,
                    infos[1].domid);
    op.u.list = (struct xeno_domctl_list){ .infos = (uint64_t)infos, .max = 4, .first = other };
    if (expect_rc("list from the other's id", domctl(XENO_DOMCTL_list, 0, &op), 0))
        xtest_check(op.u.list.count == 1 && infos[0].domid == other, "list from d%u: %u",
                    other, op.u.list.count);
    check_refusals(other);
    check_rings(self, other);

    /* Pause: its CPU time stands still; unpause: it moves again. */
    sleep_ns(50 * MS);
    expect_rc("pause the other", domctl(XENO_DOMCTL_pause, other, &op), 0);
    expect_rc("getinfo after the pause", domctl(XENO_DOMCTL_getinfo, other, &op), 0);
    xtest_check(op.u.info.flags & XENO_DOMINFO_paused, "paused flag not set: %#x",
                op.u.info.flags);
    sleep_ns(20 * MS);           /* its CPU decides, and charges the last stint */
    t0 = cpu_time_of(other);
    sleep_ns(100 * MS);
    t1 = cpu_time_of(other);
    xtest_check(t1 == t0, "a paused domain's CPU time grew from %lu to %lu ns", t0, t1);
    expect_rc("unpause the other", domctl(XENO_DOMCTL_unpause, other, &op), 0);
    sleep_ns(100 * MS);
    xtest_check(cpu_time_of(other) > t1, "the unpaused domain's CPU time did not grow");

    /* Its end arrives as VIRQ_DOM_EXC (events stay masked: look at the bit).
     * A bound in time: yields return at once while it runs on the other CPU. */
    for (uint64_t end = pvclock_now_ns() + 5 * PEER1_RUNS_NS; pvclock_now_ns() < end;) {
        if (xtest_shared_info->evtchn_pending[bv.port / 64] & (1UL << (bv.port % 64))) {
            __atomic_and_fetch(&xtest_shared_info->evtchn_pending[bv.port / 64],
                               ~(1UL << (bv.port % 64)), __ATOMIC_SEQ_CST);
            if (domctl(XENO_DOMCTL_getinfo, other, &op) == -ESRCH ||
                op.u.info.state == XENO_DOMSTATE_shutdown)
                break;
        }
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    long rc = domctl(XENO_DOMCTL_getinfo, other, &op);
    xtest_check(rc == -ESRCH || (rc == 0 && op.u.info.state == XENO_DOMSTATE_shutdown &&
                                 op.u.info.shutdown_reason == SHUTDOWN_poweroff),
                "after VIRQ_DOM_EXC: getinfo %ld, state %u, reason %u", rc, op.u.info.state,
                op.u.info.shutdown_reason);
}

static void ordinary_domain(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    struct xeno_domctl op = { 0 };
    uint64_t end = pvclock_now_ns() + PEER1_RUNS_NS;

    expect_rc("getinfo from a domU", domctl(XENO_DOMCTL_getinfo, DOMID_SELF, &op), -EPERM);
    expect_rc("pause from a domU", domctl(XENO_DOMCTL_pause, peers->domid[0], &op), -EPERM);
    expect_rc("destroy from a domU", domctl(XENO_DOMCTL_destroy, peers->domid[0], &op), -EPERM);
    expect_rc("bind VIRQ_DOM_EXC in a domU", evtchn_op(EVTCHNOP_bind_virq, &bv), -EBUSY);
    op.u.console = (struct xeno_domctl_console){ .buf = (uint64_t)"x", .len = 1 };
    expect_rc("console_write from a domU", domctl(XENO_DOMCTL_console_write, DOMID_SELF, &op),
              -EPERM);
    /* The control domain serves its rings: the builder gave it both channels. */
    xtest_check(xtest_start_info->store_evtchn && xtest_start_info->console_evtchn &&
                xtest_start_info->store_evtchn != xtest_start_info->console_evtchn,
                "start_info: store evtchn %u, console evtchn %u",
                xtest_start_info->store_evtchn, xtest_start_info->console_evtchn);
    /* Something to pause: spin, yielding now and then. */
    while (pvclock_now_ns() < end)
        hc_sched_op(SCHEDOP_yield, NULL);
}

/* With `destroy=N` on its command line (tests/system/test_domctl.py boots it
 * so, privileged, beside a ticker): destroy domain N once it runs, hear of
 * its end, and find it gone or going. */
static void destroy_mode(unsigned long victim)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    struct xeno_domctl op = { 0 };
    uint64_t end = pvclock_now_ns() + 5000 * MS;
    long rc;

    expect_rc("bind VIRQ_DOM_EXC", evtchn_op(EVTCHNOP_bind_virq, &bv), 0);
    while (domctl(XENO_DOMCTL_getinfo, (uint16_t)victim, &op) == 0 &&
           op.u.info.cpu_time_ns == 0 && pvclock_now_ns() < end)
        hc_sched_op(SCHEDOP_yield, NULL);
    __atomic_and_fetch(&xtest_shared_info->evtchn_pending[bv.port / 64],
                       ~(1UL << (bv.port % 64)), __ATOMIC_SEQ_CST);
    if (!expect_rc("destroy the victim", domctl(XENO_DOMCTL_destroy, (uint16_t)victim, &op), 0))
        return;
    /* Stopping (-EBUSY) or gone already (-ESRCH): CPU 0 may have destroyed it. */
    rc = domctl(XENO_DOMCTL_destroy, (uint16_t)victim, &op);
    xtest_check(rc == -EBUSY || rc == -ESRCH, "destroy it again: %ld", rc);
    while (!(xtest_shared_info->evtchn_pending[bv.port / 64] & (1UL << (bv.port % 64))) &&
           pvclock_now_ns() < end)
        hc_sched_op(SCHEDOP_yield, NULL);
    xtest_check(xtest_shared_info->evtchn_pending[bv.port / 64] & (1UL << (bv.port % 64)),
                "no VIRQ_DOM_EXC after the destroy");
    rc = domctl(XENO_DOMCTL_getinfo, (uint16_t)victim, &op);
    xtest_check(rc == -ESRCH || (rc == 0 && op.u.info.state == XENO_DOMSTATE_shutdown &&
                                 op.u.info.shutdown_reason == XENO_SHUTDOWN_destroyed),
                "after the destroy: getinfo %ld, state %u, reason %u", rc, op.u.info.state,
                op.u.info.shutdown_reason);
}

void test_main(void)
{
    unsigned long victim = cmdline_value("destroy", 0);

    if (victim) {
        destroy_mode(victim);
        return;
    }
    peers = peers_get();
    if (peers->self == 0)
        control_domain();
    else
        ordinary_domain();
}
