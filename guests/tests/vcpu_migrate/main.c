/*
 * A vCPU moving between CPUs (XENO_DOMCTL_setvcpuaffinity; for a PVH vCPU its
 * VMCS follows it: docs/hvm.md "VMCS moves between CPUs"). Peer 0 is the
 * control domain: after checking the refusals it pins peer 1's vCPU to CPU 0,
 * then CPU 1, and so on until peer 1 ends, retrying while peer 1 runs outside
 * the new mask (-EBUSY). Peer 1 sleeps in short SCHEDOP_poll timeouts, so it is mostly not
 * running and each pin moves it; after every wake it checks that what it left
 * in an SSE register and on its stack is still there and that a hypercall with
 * a guest-virtual buffer still works, and it counts its moves with xeno_stats
 * until there have been enough.
 */
#include "xtest.h"
#include "peers.h"
#include "events.h"
#include <public/sched.h>
#include <public/xeno_domctl.h>

#define US 1000UL
#define MS 1000000UL
#define MOVES_SEEN 16           /* moves peer 1 must see before it ends */
#define MAX_PINS 200            /* pins peer 0 makes at most */
#define NAP_NS (1 * MS)         /* peer 1's sleep between checks */
#define MAX_NAPS 4000
#define BUSY_TRIES 2000         /* -EBUSY answers a pin may get before it counts as failed */

static long set_affinity(uint16_t domid, uint32_t vcpu, uint64_t cpumap, uint32_t pad)
{
    struct xeno_domctl op = {
        .cmd = XENO_DOMCTL_setvcpuaffinity, .version = XENO_DOMCTL_VERSION, .domid = domid,
        .u.affinity = { .vcpu = vcpu, .pad = pad, .cpumap = cpumap },
    };
    return hc_domctl(&op);
}

static void nap(uint64_t ns)
{
    struct sched_poll p = { .ports = 0, .nr_ports = 0, .timeout = pvclock_now_ns() + ns };
    expect_rc("SCHEDOP_poll with a timeout and no ports", hc_sched_op(SCHEDOP_poll, &p), 0);
}

static bool still_running(uint16_t domid)
{
    struct xeno_domctl op = { .cmd = XENO_DOMCTL_getinfo, .version = XENO_DOMCTL_VERSION,
                              .domid = domid };
    return hc_domctl(&op) == 0 && op.u.info.state == XENO_DOMSTATE_active;
}

/* Pin peer 1 to CPU 0, CPU 1, CPU 0, ... until it has seen enough moves and
 * ended (it decides when: it is the one that can count them). */
static void control(uint16_t other)
{
    unsigned int pins = 0;

    expect_rc("vCPU 1 of 1", set_affinity(other, 1, 1, 0), -EINVAL);
    expect_rc("no CPU", set_affinity(other, 0, 0, 0), -EINVAL);
    expect_rc("only CPU 63 (offline)", set_affinity(other, 0, 1UL << 63, 0), -EINVAL);
    expect_rc("pad set", set_affinity(other, 0, 1, 1), -EINVAL);
    expect_rc("a domain that does not exist", set_affinity(77, 0, 1, 0), -ESRCH);

    while (pins < MAX_PINS && xtest_status() == XTEST_PASS && still_running(other)) {
        unsigned int busy = 0;
        long rc;

        while ((rc = set_affinity(other, 0, 1UL << (pins & 1), 0)) == -EBUSY &&
               busy++ < BUSY_TRIES)
            nap(100 * US);
        if (rc && !still_running(other))
            break;              /* it ended between the check and the pin */
        expect_rc("pin peer 1 to one CPU", rc, 0);
        pins++;
        nap(3 * MS);            /* peer 1 wakes (on the new CPU) about three times */
    }
    printf("pinned peer 1 %u times\n", pins);
    xtest_check(pins >= MOVES_SEEN, "peer 1 ended after %u pins", pins);
    xtest_check(!still_running(other), "peer 1 still runs after %u pins", pins);
}

/* Save an SSE register, nap, and read it back: the FPU state of a vCPU must
 * come along when it moves. (Guests are built -mgeneral-regs-only: the
 * compiler never uses xmm5, so it needs no clobber, and cannot take one.) */
static uint64_t sse_round_trip(uint64_t value)
{
    uint64_t back;

    __asm__ volatile("movq %0, %%xmm5" :: "r"(value));
    nap(NAP_NS);
    __asm__ volatile("movq %%xmm5, %0" : "=r"(back));
    return back;
}

static void moved(void)
{
    struct xeno_stats st = { 0 };
    volatile uint64_t on_stack[8];
    unsigned int naps;

    expect_rc("domctl from a domU", set_affinity(peers_get()->domid[0], 0, 1, 0), -EPERM);
    for (naps = 0; naps < MAX_NAPS; naps++) {
        uint64_t pattern = 0x5eed0000UL + naps, echo[6] = { 0 };

        for (unsigned int k = 0; k < ARRAY_LEN(on_stack); k++)
            on_stack[k] = pattern ^ k;
        uint64_t back = sse_round_trip(pattern);
        xtest_check(back == pattern, "nap %u: xmm5 %#lx, left %#lx", naps, back, pattern);
        for (unsigned int k = 0; k < ARRAY_LEN(on_stack); k++)
            xtest_check(on_stack[k] == (pattern ^ k), "nap %u: stack word %u changed", naps, k);
        expect_rc("xeno_test echo", hc_xeno_test((unsigned long)echo, pattern, 2, 3, 4, 5), 6);
        xtest_check(echo[1] == pattern, "nap %u: echo %#lx", naps, echo[1]);
        expect_rc("xeno_stats", hc_xeno_stats(&st), 0);
        if (xtest_status() != XTEST_PASS || st.cpu_moves >= MOVES_SEEN)
            break;
    }
    printf("moved %lu times in %u naps\n", (unsigned long)st.cpu_moves, naps);
    xtest_check(st.cpu_moves >= MOVES_SEEN, "moved only %lu times in %u naps",
                (unsigned long)st.cpu_moves, naps);
}

void test_main(void)
{
    const struct peers *p = peers_get();

    if (p->self == 0)
        control(p->domid[1]);
    else
        moved();
}
