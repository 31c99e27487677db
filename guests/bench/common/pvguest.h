/*
 * What the benchmark guests on the guest runtime with loops in C share (pvgrant,
 * pvevtchn, ops.c of pvbench and pvhbench; pvmem for the `bench:` line): reading
 * the TSC, the empty twin of a C loop, timing a C loop in batches (bench_batches,
 * bench.h), and the `bench:` line with the iterations the guest chose.
 */
#ifndef BENCH_PVGUEST_H
#define BENCH_PVGUEST_H
#include "xtest.h"
#include "bench.h"

/* The TSC, once every earlier instruction has completed (lfence). */
static inline uint64_t bench_tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return (uint64_t)hi << 32 | lo;
}

/* A loop in C: its operation ITERATIONS times; returns the TSC cycles it took. */
typedef uint64_t (*bench_c_loop)(uint64_t iterations);

/* The empty twin of every C loop: the same loop, nothing in it. */
static inline uint64_t bench_c_loop_empty(uint64_t iterations)
{
    uint64_t start = bench_tsc();

    for (uint64_t i = 0; i < iterations; i++)
        __asm__ volatile("" ::: "memory");
    return bench_tsc() - start;
}

static inline uint64_t bench_c_batch(const void *ctx, bool empty, uint64_t iterations)
{
    const bench_c_loop *loop = ctx;

    return empty ? bench_c_loop_empty(iterations) : (*loop)(iterations);
}

/* LOOP timed against bench_c_loop_empty in batches of ITERATIONS (bench_batches);
 * OPS: the operations a batch counts for (ITERATIONS, or a multiple when one
 * iteration is several). */
static inline struct bench_result bench_c_measure(bench_c_loop loop, uint64_t iterations,
                                                  uint64_t ops)
{
    return bench_batches(bench_c_batch, &loop, iterations, ops);
}

/* The `bench:` line (bench.h) of a measurement of ITERATIONS per batch. */
static inline void bench_report(const char *name, struct bench_result r, uint64_t iterations)
{
    printf("bench: %s cycles=%lu min=%lu max=%lu iterations=%lu batches=%u\n", name,
           r.cycles, r.min, r.max, iterations, (unsigned int)BENCH_BATCHES);
}
#endif
