/*
 * What the PV and PVH benchmark guests and the native benchmark kernel share: the
 * measuring loops (loops.S), the numbers of the two system calls their user mode
 * makes, and the statistics. All print one line per measurement (docs/benchmarks.md):
 *
 *   bench: NAME cycles=N min=N max=N iterations=N batches=N
 *
 * cycles: the median over the batches of one round trip's TSC cycles (a batch's
 * loop minus the same loop without the measured instruction, divided by the
 * iterations, rounded); min and max: the extreme batches.
 */
#ifndef BENCH_H
#define BENCH_H

/* The system calls the user-mode loops make: a null one, and the one that ends
 * user mode and hands the loop's result (rdi) back to the kernel. */
#define BENCH_NR_NULL 39
#define BENCH_NR_EXIT 60

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#define BENCH_BATCHES 9
/* Batches of a loop and of its twin run per measurement: the warm-up and the rest. */
#define BENCH_RUNS (BENCH_BATCHES + 1)
#define BENCH_ITERATIONS 2000

/* loops.S: each returns the TSC cycles its loop took. */
typedef uint64_t (*bench_loop)(uint64_t iterations, uint64_t nr, uint64_t arg,
                               const void *entry);
uint64_t bench_loop_syscall(uint64_t iterations, uint64_t nr, uint64_t arg,
                            const void *entry);
uint64_t bench_loop_syscall_empty(uint64_t iterations, uint64_t nr, uint64_t arg,
                                  const void *entry);
/* bench_loop_syscall with vmcall (a PVH kernel's hypercall); the same empty twin. */
uint64_t bench_loop_vmcall(uint64_t iterations, uint64_t nr, uint64_t arg,
                           const void *entry);
uint64_t bench_loop_call(uint64_t iterations, uint64_t nr, uint64_t arg, const void *entry);
uint64_t bench_loop_call_empty(uint64_t iterations, uint64_t nr, uint64_t arg,
                               const void *entry);
/* Where user mode starts: calls r12(rbx, r13, r14, r15), then makes the
 * BENCH_NR_EXIT system call with the result in rdi. */
extern char bench_user_trampoline[];

/* Runs LOOP somewhere (kernel or user mode) and returns its result. */
typedef uint64_t (*bench_runner)(bench_loop loop, uint64_t iterations, uint64_t nr,
                                 uint64_t arg, const void *entry);

struct bench_result {
    uint64_t cycles, min, max;      /* per round trip: median, lowest, highest batch */
};

static inline void bench_sort(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned int j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* One batch of a measurement: runs the measured loop (EMPTY false) or its empty
 * twin (the same loop without the measured operation) ITERATIONS times and returns
 * the TSC cycles it took. CTX is the caller's. */
typedef uint64_t (*bench_batch)(const void *ctx, bool empty, uint64_t iterations);

/* One warm-up batch of each (not counted), then BENCH_BATCHES of each. A batch's
 * cost: the loop's cycles minus the empty twin's, divided by OPS (the operations
 * one batch of ITERATIONS counts for), rounded; the median and the extremes. */
static inline struct bench_result bench_batches(bench_batch batch, const void *ctx,
                                                uint64_t iterations, uint64_t ops)
{
    uint64_t per[BENCH_BATCHES];

    batch(ctx, false, iterations);
    batch(ctx, true, iterations);
    for (unsigned int b = 0; b < BENCH_BATCHES; b++) {
        uint64_t full = batch(ctx, false, iterations);
        uint64_t base = batch(ctx, true, iterations);
        uint64_t diff = full > base ? full - base : 0;
        per[b] = (diff + ops / 2) / ops;
    }
    bench_sort(per, BENCH_BATCHES);
    return (struct bench_result){ .cycles = per[BENCH_BATCHES / 2], .min = per[0],
                                  .max = per[BENCH_BATCHES - 1] };
}

struct bench_measure_ctx {
    bench_runner run;
    bench_loop loop, empty;
    uint64_t nr, arg;
    const void *entry;
};

static inline uint64_t bench_measure_batch(const void *ctx, bool empty, uint64_t iterations)
{
    const struct bench_measure_ctx *m = ctx;

    return m->run(empty ? m->empty : m->loop, iterations, m->nr, m->arg, m->entry);
}

/* bench_batches of BENCH_ITERATIONS of LOOP and EMPTY (loops.S), each run through
 * RUN. */
static inline struct bench_result bench_measure(bench_runner run, bench_loop loop,
                                                bench_loop empty, uint64_t nr,
                                                uint64_t arg, const void *entry)
{
    const struct bench_measure_ctx m = { run, loop, empty, nr, arg, entry };

    return bench_batches(bench_measure_batch, &m, BENCH_ITERATIONS, BENCH_ITERATIONS);
}

#define BENCH_LINE_FMT "bench: %s cycles=%lu min=%lu max=%lu iterations=%u batches=%u\n"
#define BENCH_LINE_ARGS(name, r)                                                      \
    (name), (r).cycles, (r).min, (r).max, (unsigned int)BENCH_ITERATIONS,             \
    (unsigned int)BENCH_BATCHES

#endif /* !__ASSEMBLER__ */
#endif /* BENCH_H */
