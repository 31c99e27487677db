/*
 * vcpu_ipi: event channels between the two vCPUs of one domain. Each vCPU has
 * its own event callback (smp_upcall_vcpu0/1), so where an upcall runs says
 * which vCPU the hypervisor delivered it to. bind_ipi ports to vCPU 0 and
 * vCPU 1: a send from each to the other arrives only on the target, through
 * that vCPU's own selector; vCPU 1 sleeping in SCHEDOP_block (its runstate
 * says blocked) is woken by an IPI; a loopback interdomain port moved to vCPU
 * 1 with bind_vcpu is delivered there (an IPI port cannot be moved: -EINVAL;
 * vCPU 2: -ENOENT); VIRQ_TIMER bound for vCPU 1 fires on vCPU 1 when vCPU 1's
 * own one-shot timer expires while it blocks.
 */
#include "xtest.h"
#include "events.h"
#include "smp.h"
#include <public/callback.h>
#include <public/event_channel.h>

enum command { CMD_NONE, CMD_SEND_TO_0, CMD_BLOCK, CMD_TIMER };

static uint8_t stack1[SMP_STACK_SIZE] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static volatile uint64_t arrived[2][64];        /* upcalls per vCPU and port (ports < 64) */
static volatile uint64_t started, command, sent, woke, woke_by_timer;
static evtchn_port_t ipi0, ipi1;

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0, 0);
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };
    return evtchn_op(EVTCHNOP_send, &s);
}

/* Both vCPUs' callbacks: take what this vCPU's own selector says is pending. */
void smp_on_upcall(unsigned int vcpu)
{
    struct shared_info *s = xtest_shared_info;
    struct vcpu_info *vi = &s->vcpu_info[vcpu];
    uint64_t sel;

    vi->evtchn_upcall_pending = 0;
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    if (!(sel & 1))
        return;         /* every port here is below 64 */
    uint64_t bits = s->evtchn_pending[0] & ~s->evtchn_mask[0];
    for (unsigned int p = 0; p < 64; p++)
        if (bits >> p & 1) {
            __atomic_and_fetch(&s->evtchn_pending[0], ~(1UL << p), __ATOMIC_SEQ_CST);
            arrived[vcpu][p]++;
        }
}

static _Noreturn void secondary(uint64_t unused)
{
    (void)unused;
    xtest_shared_info->vcpu_info[1].evtchn_upcall_mask = 0;
    started = 1;
    for (;;) {
        switch (command) {
        case CMD_SEND_TO_0:
            command = CMD_NONE;
            send(ipi0);
            sent++;
            break;
        case CMD_BLOCK:
            command = CMD_NONE;
            hc_sched_op(SCHEDOP_block, NULL);
            woke++;
            break;
        case CMD_TIMER: {
            struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = pvclock_now_ns() + 10000000 };
            command = CMD_NONE;
            if (hc_vcpu_op(VCPUOP_set_singleshot_timer, 1, &t) == 0) {
                hc_sched_op(SCHEDOP_block, NULL);
                woke_by_timer++;
            }
            break;
        }
        default:
            break;
        }
        hc_sched_op(SCHEDOP_yield, NULL);
    }
}

static bool start_vcpu1(void)
{
    smp_context(&ctx, (uint64_t)secondary, 0, stack1 + sizeof(stack1));
    ctx.event_callback_eip = (uint64_t)smp_upcall_vcpu1;
    return expect_rc("initialise vCPU 1", hc_vcpu_op(VCPUOP_initialise, 1, &ctx), 0) &&
           expect_rc("up vCPU 1", hc_vcpu_op(VCPUOP_up, 1, NULL), 0) &&
           smp_wait_for(&started, 1);
}

static int runstate_of_vcpu1(void)
{
    struct vcpu_runstate_info r;
    return hc_vcpu_op(VCPUOP_get_runstate_info, 1, &r) == 0 ? r.state : -1;
}

static void test_ipis(void)
{
    if (!expect_rc("send an IPI to vCPU 1", send(ipi1), 0) || !smp_wait_for(&arrived[1][ipi1], 1))
        xtest_fail("the IPI to vCPU 1 never reached its callback");
    xtest_check(arrived[0][ipi1] == 0, "the IPI to vCPU 1 reached vCPU 0's callback");

    command = CMD_SEND_TO_0;
    if (!smp_wait_for(&arrived[0][ipi0], 1))
        xtest_fail("vCPU 1's IPI to vCPU 0 never reached vCPU 0's callback (sent %lu)", sent);
    xtest_check(arrived[1][ipi0] == 0, "the IPI to vCPU 0 reached vCPU 1's callback");
}

static bool vcpu1_blocked(void *ctx)
{
    (void)ctx;
    return runstate_of_vcpu1() == RUNSTATE_blocked;
}

static void test_block_woken_by_ipi(void)
{
    command = CMD_BLOCK;
    xtest_check(smp_wait_until(vcpu1_blocked, NULL), "vCPU 1's runstate is %d, not blocked",
                runstate_of_vcpu1());
    for (int i = 0; i < 20; i++)
        hc_sched_op(SCHEDOP_yield, NULL);
    xtest_check(woke == 0, "vCPU 1 left SCHEDOP_block with no event");
    expect_rc("send an IPI to the blocked vCPU 1", send(ipi1), 0);
    if (!smp_wait_for(&woke, 1))
        xtest_fail("the IPI did not wake vCPU 1 from SCHEDOP_block");
    xtest_check(arrived[1][ipi1] == 2, "vCPU 1's callback saw the IPI %lu times in all",
                arrived[1][ipi1]);
}

static void test_bind_vcpu(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi;
    struct evtchn_bind_vcpu bv;

    if (!expect_rc("alloc_unbound for ourselves", evtchn_op(EVTCHNOP_alloc_unbound, &au), 0))
        return;
    bi = (struct evtchn_bind_interdomain){ .remote_dom = DOMID_SELF, .remote_port = au.port };
    if (!expect_rc("bind_interdomain to it", evtchn_op(EVTCHNOP_bind_interdomain, &bi), 0))
        return;
    /* Binding marks the new port pending, on vCPU 0 (its notify vCPU so far). */
    smp_wait_for(&arrived[0][bi.local_port], 1);
    bv = (struct evtchn_bind_vcpu){ .port = bi.local_port, .vcpu = 1 };
    expect_rc("bind_vcpu(interdomain port, vCPU 1)", evtchn_op(EVTCHNOP_bind_vcpu, &bv), 0);
    bv = (struct evtchn_bind_vcpu){ .port = ipi0, .vcpu = 1 };
    expect_rc("bind_vcpu(IPI port, vCPU 1)", evtchn_op(EVTCHNOP_bind_vcpu, &bv), -EINVAL);
    bv = (struct evtchn_bind_vcpu){ .port = bi.local_port, .vcpu = 2 };
    expect_rc("bind_vcpu(port, vCPU 2)", evtchn_op(EVTCHNOP_bind_vcpu, &bv), -ENOENT);
    bv = (struct evtchn_bind_vcpu){ .port = 5000, .vcpu = 1 };
    expect_rc("bind_vcpu(port 5000)", evtchn_op(EVTCHNOP_bind_vcpu, &bv), -EINVAL);

    expect_rc("send on the other end", send(au.port), 0);
    if (!smp_wait_for(&arrived[1][bi.local_port], 1))
        xtest_fail("the port moved to vCPU 1 was not delivered there");
    xtest_check(arrived[0][bi.local_port] == 1, "the moved port still reached vCPU 0 (%lu)",
                arrived[0][bi.local_port]);
}

static void test_timer_per_vcpu(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 1 };
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = pvclock_now_ns() + 1000000 };

    if (!expect_rc("bind_virq(VIRQ_TIMER, vCPU 1)", evtchn_op(EVTCHNOP_bind_virq, &bv), 0))
        return;
    expect_rc("vCPU 0 setting vCPU 1's one-shot timer", hc_vcpu_op(VCPUOP_set_singleshot_timer, 1, &t),
              -EINVAL);
    command = CMD_TIMER;
    if (!smp_wait_for(&woke_by_timer, 1))
        xtest_fail("vCPU 1's one-shot timer did not wake it");
    xtest_check(arrived[1][bv.port] == 1 && arrived[0][bv.port] == 0,
                "VIRQ_TIMER of vCPU 1 reached vCPU 1 %lu times and vCPU 0 %lu times",
                arrived[1][bv.port], arrived[0][bv.port]);
}

void test_main(void)
{
    struct callback_register cb = { .type = CALLBACKTYPE_event, .address = (uint64_t)smp_upcall_vcpu0 };
    struct evtchn_bind_ipi b0 = { .vcpu = 0 }, b1 = { .vcpu = 1 }, b2 = { .vcpu = 2 };
    struct vcpu_info *vi0 = &xtest_shared_info->vcpu_info[0];

    expect_rc("register vCPU 0's event callback", hc_callback_op(CALLBACKOP_register, &cb), 0);
    if (!expect_rc("bind_ipi(vCPU 0)", evtchn_op(EVTCHNOP_bind_ipi, &b0), 0) ||
        !expect_rc("bind_ipi(vCPU 1)", evtchn_op(EVTCHNOP_bind_ipi, &b1), 0))
        return;
    expect_rc("bind_ipi(vCPU 2)", evtchn_op(EVTCHNOP_bind_ipi, &b2), -ENOENT);
    ipi0 = b0.port;
    ipi1 = b1.port;
    xtest_check(ipi0 < 64 && ipi1 < 64 && ipi0 != ipi1, "IPI ports %u and %u", ipi0, ipi1);
    vi0->evtchn_upcall_mask = 0;
    if (!start_vcpu1()) {
        xtest_fail("vCPU 1 did not start");
        return;
    }
    test_ipis();
    test_block_woken_by_ipi();
    test_bind_vcpu();
    test_timer_per_vcpu();
    vi0->evtchn_upcall_mask = 1;
}
