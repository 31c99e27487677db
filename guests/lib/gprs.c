/* Register patterns and comparisons for gprs_run() (gprs.h). */
#include "xtest.h"
#include "gprs.h"

_Static_assert(__builtin_offsetof(struct gprs, rsp) == 120, "gprs_run.S offsets");
_Static_assert(__builtin_offsetof(struct gprs, rsp_delta) == 128, "gprs_run.S offsets");

const char *const gprs_names[GPRS_NR] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12",
    "r13", "r14", "r15",
};

void gprs_fill(struct gprs *in, unsigned int seed)
{
    uint64_t *r = (uint64_t *)in;

    for (unsigned int i = 0; i < GPRS_NR; i++) {
        uint64_t n = seed * GPRS_NR + i + 1;
        /* 0x8n..n: a 32-bit truncation or a swap of two registers shows. */
        r[i] = 0x8000000000000000ULL | (n << 48) | (0x0000010101010101ULL * (n & 0xff));
    }
    in->rsp = 0;
    in->rsp_delta = 0;
}

void gprs_expect_same(const char *what, const struct gprs *in, const struct gprs *out,
                      unsigned int skip)
{
    const uint64_t *a = (const uint64_t *)in, *b = (const uint64_t *)out;

    for (unsigned int i = 0; i < GPRS_NR; i++)
        if (!(skip & (1U << i)) && a[i] != b[i])
            xtest_fail("%s changed %s: %#lx before, %#lx after", what, gprs_names[i], a[i],
                       b[i]);
    if (out->rsp_delta)
        xtest_fail("%s moved rsp by %ld", what, out->rsp_delta);
}
