/*
 * pv_pvh_peers, the PVH side (peer 1): grants a page of its image (a PVH grant
 * names the page's guest frame number, which the hypervisor translates through
 * this domain's p2m when the PV side maps it) and offers an unbound port; the
 * port number travels in the page itself, as a backend's would through xenstore.
 */
#include "grants.h"
#include "../pv_pvh_peers.h"

const unsigned int side_peer = 1;

static uint8_t page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
#define SH ((struct shared *)page)

static void check_answer(void)
{
    for (unsigned int i = ANSWER_OFF; i < PAGE_SIZE; i++)
        if (page[i] != answer_byte(i)) {
            xtest_fail("the PV side's answer (%s): byte %u is %#x, expected %#x",
                       i < ANSWER_COPY_OFF ? "through its mapping" : "by grant copy", i,
                       page[i], answer_byte(i));
            return;
        }
    printf("the PV side's answer is here (through its mapping and by grant copy)\n");
}

void side_run(const struct peers *peers)
{
    uint16_t pv = peers->domid[0];
    struct grant_entry_v1 *gt = grant_own_table();
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = pv };
    struct evtchn_status st;
    uint16_t flags;

    if (!expect_rc("alloc_unbound for the PV domain", evtchn_op(EVTCHNOP_alloc_unbound, &au), 0))
        return;
    memset(page, 0, sizeof(page));
    for (unsigned int i = PATTERN_OFF; i < PATTERN_END; i++)
        page[i] = pattern_byte(i);
    SH->port = au.port;
    SH->magic = MAGIC;
    /* grant_page writes the flags last (release): the PV side can only find the
     * grant once the page above is complete. */
    grant_page(gt, SHARED_REF, pv, page, GTF_permit_access);
    printf("granted gpfn %#lx as ref %u to d%u, offering port %u\n",
           virt_to_mfn((uint64_t)page), SHARED_REF, pv, au.port);

    /* Event 1: the PV side bound our port, mapped the page and answered. */
    if (!wait_port(au.port, "the PV side's first event"))
        return;
    st = port_status(au.port);
    xtest_check(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == pv,
                "our port after the PV side's event: status %u, d%u", st.status,
                st.u.interdomain.dom);
    xtest_check(SH->a_step == 1, "the PV side's step is %lu, expected 1", SH->a_step);
    check_answer();
    flags = __atomic_load_n(&gt[SHARED_REF].flags, __ATOMIC_SEQ_CST);
    xtest_check((flags & (GTF_reading | GTF_writing)) == (GTF_reading | GTF_writing),
                "while the PV side maps our grant writable its flags are %#x", flags);
    SH->b_step = 1;
    send_port(au.port);

    /* Event 2: the PV side has unmapped (before its send): the grant is idle. */
    if (!wait_port(au.port, "the PV side's event after its unmap"))
        return;
    flags = __atomic_load_n(&gt[SHARED_REF].flags, __ATOMIC_SEQ_CST);
    xtest_check(!(flags & (GTF_reading | GTF_writing)),
                "after the PV side's unmap our grant's flags are %#x", flags);
    printf("events received from the PV side: 2\n");
}
