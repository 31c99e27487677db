/*
 * The VMX self-test's bench run (`vmx_selftest=bench`, bench.c): what the
 * self-test keeps of it and the calls it makes into bench.c.
 */
#ifndef HVM_SELFTEST_BENCH_H
#define HVM_SELFTEST_BENCH_H
#include <stdbool.h>
#include <stddef.h>
#include <hvm/container.h>
#include "selftest.h"

struct selftest_bench {
    int current;                    /* the measurement between BEGIN and END, or -1 */
    uint64_t exits[HVM_EXIT_NR];    /* the vCPU's exit counters at BEGIN */
    uint64_t irqs_injected;         /* and its injected interrupts */
    unsigned int reported;          /* one bit per measurement that ended */
    bool done;                      /* the guest wrote DONE */
    char error[128];                /* the first thing that went wrong, or "" */
};

void selftest_bench_init(struct selftest_bench *b);
/* One 32-bit write of the guest to SELFTEST_BENCH_PORT. */
void selftest_bench_command(struct selftest_bench *b, struct hvm_vcpu *v, uint32_t cmd);
/* After the run: every measurement reported, with the exits it should make. */
bool selftest_bench_check(const struct selftest_bench *b, char *why, size_t len);
#endif
