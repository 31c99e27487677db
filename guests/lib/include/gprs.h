/*
 * Every general register across one piece of code: a hypercall (raw or through the
 * hypercall page) or an exception and the return from it (lib/gprs_run.S).
 */
#ifndef GUEST_GPRS_H
#define GUEST_GPRS_H

#include <stdint.h>

struct gprs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rsp;           /* out: rsp when the code started */
    int64_t rsp_delta;      /* out: how far rsp moved across it (0) */
};
#define GPRS_NR 15          /* rax .. r15 */

extern const char *const gprs_names[GPRS_NR];

/* Loads IN (rsp aside), calls CODE, stores the registers into OUT. */
void gprs_run(const struct gprs *in, struct gprs *out, const void *code);
/* CODE for gprs_run(): the environment's hypercall instruction (xtest_env.h), a
 * bare `syscall`, an int3 the exception handler resumes from. */
extern const char gprs_hypercall[], gprs_syscall[], gprs_int3[];

/* IN with a distinct pattern (high bits set) in every register; SEED varies them. */
void gprs_fill(struct gprs *in, unsigned int seed);
/* Fails the test for each register OUT holds differently from IN, but those in the
 * SKIP mask (1 << index in struct gprs, e.g. GPRS_BIT(rcx)), and for a moved rsp. */
void gprs_expect_same(const char *what, const struct gprs *in, const struct gprs *out,
                      unsigned int skip);
#define GPRS_BIT(reg) (1U << (__builtin_offsetof(struct gprs, reg) / 8))

#endif /* GUEST_GPRS_H */
