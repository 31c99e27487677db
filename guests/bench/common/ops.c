/*
 * The measurements the PV and PVH benchmark guests share (ops.h): counting the
 * hypervisor's work around a measurement, and the hypercalls both time.
 */
#include "xtest.h"
#include "events.h"
#include "ops.h"
#include "pvguest.h"
#include <public/event_channel.h>

#define XENO_TEST_ARGS 6
#define TIMER_AHEAD_NS (3600UL * 1000000000UL)   /* a deadline no loop reaches */

struct bench_counts {
    uint64_t hypercalls, exits, host_exits;
};

/* What the closing xeno_stats call of a window counts for itself. */
static struct bench_counts closing_call;

static bool read_stats(struct xeno_stats *st)
{
    return expect_rc("xeno_stats", hc_xeno_stats(st), 0);
}

/* The hypervisor's counts from B to A, what A's own call counted included. */
static struct bench_counts counts_between(const struct xeno_stats *b, const struct xeno_stats *a)
{
    uint64_t host = a->vcpu_host_exits - b->vcpu_host_exits;

    return (struct bench_counts){ .hypercalls = a->hypercalls - b->hypercalls,
                                  .exits = a->vcpu_exits - b->vcpu_exits - host,
                                  .host_exits = host };
}

bool bench_counts_calibrate(void)
{
    struct xeno_stats b, a;
    bool ok;

    if (!read_stats(&b) || !read_stats(&a))
        return false;
    closing_call = counts_between(&b, &a);
    /* One hypercall, and one VMCALL exit where there are exits at all. */
    ok = closing_call.hypercalls == 1 && closing_call.exits <= 1;
    xtest_check(ok, "two xeno_stats calls back to back: the second counted %lu hypercalls "
                "and %lu exits, expected 1 and at most 1", closing_call.hypercalls,
                closing_call.exits);
    return ok;
}

struct bench_result bench_counted(const char *name, bench_batch batch, const void *ctx,
                                  uint64_t iterations, uint64_t ops)
{
    struct xeno_stats b, a;
    struct bench_counts c;
    struct bench_result r;
    bool counted = read_stats(&b);

    r = bench_batches(batch, ctx, iterations, ops);
    counted = read_stats(&a) && counted;
    printf("bench: %s%s cycles=%lu min=%lu max=%lu iterations=%lu batches=%u\n",
           BENCH_ENV_PREFIX, name, r.cycles, r.min, r.max, iterations,
           (unsigned int)BENCH_BATCHES);
    if (!counted)
        return r;               /* failed already; the benchmark finds no counts line */
    c = counts_between(&b, &a);
    printf("bench-counts: %s%s operations=%lu hypercalls=%lu exits=%lu host_exits=%lu\n",
           BENCH_ENV_PREFIX, name, ops * BENCH_RUNS, c.hypercalls - closing_call.hypercalls,
           c.exits - closing_call.exits, c.host_exits);
    return r;
}

static uint64_t run_in_kernel(bench_loop loop, uint64_t iterations, uint64_t nr,
                              uint64_t arg, const void *entry)
{
    return loop(iterations, nr, arg, entry);
}

struct bench_result bench_counted_loop(const char *name, bench_loop loop, bench_loop empty,
                                       uint64_t nr, uint64_t arg, const void *entry)
{
    const struct bench_measure_ctx m = { run_in_kernel, loop, empty, nr, arg, entry };

    return bench_counted(name, bench_measure_batch, &m, BENCH_ITERATIONS, BENCH_ITERATIONS);
}

/* ---- an event-channel send on a loopback channel ---- */

static evtchn_port_t receive_port;      /* where the sends arrive */
static struct evtchn_send send_op;      /* on the other end of the channel */

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0, 0);
}

/* An interdomain channel from the domain to itself, as a kernel loops back a
 * notification: sends on one end make the other pending. */
static bool loopback_channel(void)
{
    struct evtchn_alloc_unbound unbound = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };

    if (!expect_rc("evtchn alloc_unbound(self)", evtchn_op(EVTCHNOP_alloc_unbound, &unbound), 0))
        return false;
    bind.remote_port = unbound.port;
    if (!expect_rc("evtchn bind_interdomain(self)", evtchn_op(EVTCHNOP_bind_interdomain, &bind),
                   0))
        return false;
    receive_port = unbound.port;
    send_op.port = bind.local_port;
    return true;
}

static uint64_t *receive_word(void)
{
    return &xtest_shared_info->evtchn_pending[receive_port / 64];
}

/* What a kernel polling with events masked does with an event: the port's pending
 * bit, the selector and the upcall flag cleared, so that the next send sets all
 * three again (a send to a port already pending changes nothing). */
static inline void take_event(uint64_t *word, uint64_t bit)
{
    __atomic_and_fetch(word, ~bit, __ATOMIC_SEQ_CST);
    __atomic_store_n(&xtest_vcpu_info->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&xtest_vcpu_info->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
}

static uint64_t loop_send(uint64_t iterations)
{
    uint64_t *word = receive_word(), bit = 1UL << (receive_port % 64);
    uint64_t start = bench_tsc();

    for (uint64_t i = 0; i < iterations; i++) {
        evtchn_op(EVTCHNOP_send, &send_op);
        take_event(word, bit);
    }
    return bench_tsc() - start;
}

static uint64_t loop_send_empty(uint64_t iterations)
{
    uint64_t *word = receive_word(), bit = 1UL << (receive_port % 64);
    uint64_t start = bench_tsc();

    for (uint64_t i = 0; i < iterations; i++)
        take_event(word, bit);
    return bench_tsc() - start;
}

static uint64_t batch_send(const void *ctx, bool empty, uint64_t iterations)
{
    (void)ctx;
    return empty ? loop_send_empty(iterations) : loop_send(iterations);
}

static void measure_evtchn_send(void)
{
    events_mask();              /* the sends raise no upcall: the loop takes them */
    if (!loopback_channel())
        return;
    take_event(receive_word(), 1UL << (receive_port % 64));
    if (!expect_rc("evtchn send(loopback)", evtchn_op(EVTCHNOP_send, &send_op), 0))
        return;
    if (!(*receive_word() >> (receive_port % 64) & 1)) {
        xtest_fail("a send on port %u left port %u not pending", send_op.port, receive_port);
        return;
    }
    bench_counted("evtchn_send_self", batch_send, NULL, BENCH_ITERATIONS, BENCH_ITERATIONS);
}

/* ---- the rest: one hypercall in the loops of loops.S ---- */

static uint64_t xeno_test_buffer[XENO_TEST_ARGS];

void bench_hypercall_ops(bench_loop direct)
{
    const void *page_entry = hypercall_page + HYPERCALL_PAGE_ENTRY_SIZE * __HYPERVISOR_xen_version;
    uint64_t deadline;

    /* The null hypercall answers as it should (4.17), both ways. */
    expect_rc("xen_version(XENVER_version)", hc_xen_version(XENVER_version, NULL),
              (4 << 16) | 17);
    expect_rc("xen_version(XENVER_version) through the hypercall page",
              hypercall6_page(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0, 0),
              (4 << 16) | 17);
    bench_counted_loop("null_hypercall", direct, bench_loop_syscall_empty,
                       __HYPERVISOR_xen_version, XENVER_version, NULL);
    bench_counted_loop("null_hypercall_page", bench_loop_call, bench_loop_call_empty,
                       __HYPERVISOR_xen_version, XENVER_version, page_entry);

    measure_evtchn_send();

    /* A one-shot timer moved to the same far deadline each time, then stopped. */
    deadline = pvclock_now_ns() + TIMER_AHEAD_NS;
    expect_rc("set_timer_op(an hour ahead)", hypercall(__HYPERVISOR_set_timer_op, deadline,
                                                       0, 0, 0, 0, 0), 0);
    bench_counted_loop("set_timer_op", direct, bench_loop_syscall_empty,
                       __HYPERVISOR_set_timer_op, deadline, NULL);
    expect_rc("set_timer_op(0)", hypercall(__HYPERVISOR_set_timer_op, 0, 0, 0, 0, 0, 0), 0);

    /* The loops pass 0 in the second argument register; the buffer gets it back. */
    expect_rc("xeno_test(buffer)", hc_xeno_test((unsigned long)xeno_test_buffer, 0, 0, 0, 0, 0),
              XENO_TEST_ARGS);
    xtest_check(xeno_test_buffer[0] == (uint64_t)xeno_test_buffer && xeno_test_buffer[1] == 0,
                "xeno_test wrote %#lx %#lx, expected %p 0", xeno_test_buffer[0],
                xeno_test_buffer[1], (void *)xeno_test_buffer);
    bench_counted_loop("xeno_test_buffer", direct, bench_loop_syscall_empty,
                       __HYPERVISOR_xeno_test, (uint64_t)xeno_test_buffer, NULL);
}
