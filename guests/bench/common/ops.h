/*
 * What the PV and the PVH benchmark guests (pvbench, pvhbench) measure the same way:
 * ops.c, compiled once for each environment, so that both make the same calls
 * around the one instruction that differs (docs/benchmarks.md, `tools/xeno bench
 * pvh_ops`).
 *
 * A counted measurement reads xeno_stats before and after its batches (outside
 * the timed loops) and prints, after its `bench:` line,
 *
 *   bench-counts: NAME operations=N hypercalls=N exits=N host_exits=N
 *
 * operations: the measured operation's count over every batch (the warm-up
 * included); hypercalls: those the hypervisor dispatched meanwhile; exits: the
 * vCPU's VM exits meanwhile (always 0 in PV), less host_exits, the exits the host
 * caused (its interrupts); the closing xeno_stats call's own counts left out. The
 * twins make no hypercall and no exit, so exits / operations is the measured
 * operation's exits.
 */
#ifndef BENCH_OPS_H
#define BENCH_OPS_H
#include "xtest.h"
#include "bench.h"

/* Every name a guest prints starts with its environment's: pv_ or pvh_. */
#define BENCH_ENV_PREFIX (XTEST_ENV_PV ? "pv_" : "pvh_")

/* Measures what the closing xeno_stats call of a window counts for itself (one
 * hypercall; in PVH one exit), which every counted measurement takes off. False,
 * with the test failed, if xeno_stats does not answer or counts otherwise. */
bool bench_counts_calibrate(void);

/* bench_batches(BATCH, CTX, ITERATIONS, OPS), counted; prints `bench:` and
 * `bench-counts:` lines named BENCH_ENV_PREFIX NAME. */
struct bench_result bench_counted(const char *name, bench_batch batch, const void *ctx,
                                  uint64_t iterations, uint64_t ops);

/* bench_measure in guest kernel mode (BENCH_ITERATIONS of LOOP against EMPTY),
 * counted. */
struct bench_result bench_counted_loop(const char *name, bench_loop loop, bench_loop empty,
                                       uint64_t nr, uint64_t arg, const void *entry);

/* The hypercalls both environments time, each checked once first, then timed and
 * counted: xen_version by DIRECT (the environment's instruction, a loops.S loop:
 * bench_loop_syscall or bench_loop_vmcall) and through the hypercall page, an
 * event-channel send on a loopback channel, set_timer_op, and xeno_test writing
 * its arguments to a guest buffer. */
void bench_hypercall_ops(bench_loop direct);
#endif
