/*
 * pv_pvh_peers, the PV side (peer 0): finds the PVH domain's grant by polling
 * with GNTTABOP_copy (the domains share nothing else at first), copies the whole
 * page, maps it at a scratch page, binds the port the page names, answers through
 * the mapping and by grant copy, and trades events with the PVH side.
 */
#include "grants.h"
#include "pagetable.h"
#include "../pv_pvh_peers.h"

const unsigned int side_peer = 0;

static uint8_t buf[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint16_t pvh;

static bool grant_found(void *ctx)
{
    (void)ctx;
    return grant_copy(grant_copy_from(pvh, SHARED_REF, 0, buf, 0, sizeof(struct shared))) ==
           GNTST_okay && ((struct shared *)buf)->magic == MAGIC;
}

static bool pattern_ok(const volatile uint8_t *p, const char *how)
{
    for (unsigned int i = PATTERN_OFF; i < PATTERN_END; i++)
        if (p[i] != pattern_byte(i)) {
            xtest_fail("the PVH grant's pattern %s: byte %u is %#x, expected %#x", how, i,
                       p[i], pattern_byte(i));
            return false;
        }
    return true;
}

void side_run(const struct peers *peers)
{
    volatile struct shared *sh = (volatile struct shared *)scratch_va(1);
    volatile uint8_t *mapped = (volatile uint8_t *)scratch_va(1);
    struct evtchn_bind_interdomain bi;
    struct evtchn_status st;
    grant_handle_t h;
    evtchn_port_t port;

    pvh = peers->domid[1];
    if (!peer_wait("the PVH side's grant (copy from its ref)", grant_found, NULL))
        return;
    memset(buf, 0, sizeof(buf));
    expect_status("copy of the whole PVH grant",
                  grant_copy(grant_copy_from(pvh, SHARED_REF, 0, buf, 0, PAGE_SIZE)), GNTST_okay);
    if (pattern_ok(buf, "copied"))
        printf("copied the PVH grant: pattern ok\n");
    if (grant_map(pvh, SHARED_REF, scratch_va(1), GNTMAP_host_map, &h) != GNTST_okay) {
        xtest_fail("map of the PVH domain's grant ref %u failed", SHARED_REF);
        scratch_restore(1);
        return;
    }
    if (pattern_ok(mapped, "through the mapping"))
        printf("mapped the PVH grant: pattern ok\n");
    xtest_check(sh->port == ((struct shared *)buf)->port, "the mapping's port %lu, copied %lu",
                sh->port, ((struct shared *)buf)->port);

    bi = (struct evtchn_bind_interdomain){ .remote_dom = pvh,
                                           .remote_port = (evtchn_port_t)sh->port };
    if (!expect_rc("bind_interdomain to the PVH side's port",
                   evtchn_op(EVTCHNOP_bind_interdomain, &bi), 0))
        goto unmap;
    port = bi.local_port;
    st = port_status(port);
    xtest_check(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == pvh &&
                st.u.interdomain.port == bi.remote_port, "our bound port: status %u, d%u port %u",
                st.status, st.u.interdomain.dom, st.u.interdomain.port);
    printf("bound d%u port %u as port %u\n", pvh, bi.remote_port, port);
    /* As in Xen, the bind leaves our new port pending; the PVH side sends
     * nothing before our first event, so this is the bind's. */
    xtest_check(wait_port(port, "the bind's event on our new port"),
                "the bound port was not pending");

    /* The answer: half through the mapping, half by copy into the grant. */
    for (unsigned int i = ANSWER_OFF; i < ANSWER_COPY_OFF; i++)
        mapped[i] = answer_byte(i);
    for (unsigned int i = ANSWER_COPY_OFF; i < PAGE_SIZE; i++)
        buf[i] = answer_byte(i);
    expect_status("copy into the PVH grant", grant_copy(grant_copy_to(
                  buf, ANSWER_COPY_OFF, pvh, SHARED_REF, ANSWER_COPY_OFF,
                  PAGE_SIZE - ANSWER_COPY_OFF)), GNTST_okay);
    sh->a_step = 1;
    send_port(port);

    if (wait_port(port, "the PVH side's event"))
        xtest_check(sh->b_step == 1, "the PVH side's step is %lu, expected 1", sh->b_step);

unmap:
    expect_status("unmap of the PVH grant", grant_unmap(scratch_va(1), h), GNTST_okay);
    scratch_restore(1);
    /* Event 2 (if bound) tells the PVH side the grant is no longer mapped. */
    if (bi.local_port && port_status(bi.local_port).status == EVTCHNSTAT_interdomain)
        send_port(bi.local_port);
}
