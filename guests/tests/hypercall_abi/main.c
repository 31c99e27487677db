/*
 * hypercall_abi: the 64-bit hypercall convention (rax = number, arguments in rdi,
 * rsi, rdx, r10, r8 and for PV r9, result in rax; pv64's syscall clobbers rcx and
 * r11, pvh64's vmcall nothing else), through the raw instruction (xtest_env.h) and
 * through the hypercall page, using Xeno's xeno_test hypercall, which writes its
 * six arguments back to the buffer named by the first. What only one environment
 * has (pvh64: the Xen CPUID leaves that locate the page, -EPERM from CPL 3) is in
 * ENV/environment.c.
 */
#include "xtest.h"
#include "gprs.h"
#include "hypercall_abi.h"

#define CLOBBERED (GPRS_BIT(rax) | \
                   (XTEST_HYPERCALL_CLOBBERS_RCX_R11 ? GPRS_BIT(rcx) | GPRS_BIT(r11) : 0))

static const void *code_for(unsigned long nr, bool page)
{
    return page ? (const void *)(hypercall_page + HYPERCALL_PAGE_ENTRY_SIZE * nr)
                : (const void *)gprs_hypercall;
}

static const char *how(bool page)
{
    return page ? "the hypercall page" : XTEST_STR(XTEST_HYPERCALL_INSN);
}

/* IN: patterns everywhere, then the number and the six arguments. */
static void load(struct gprs *in, unsigned int seed, unsigned long nr, const uint64_t a[6])
{
    gprs_fill(in, seed);
    in->rax = nr;
    in->rdi = a[0];
    in->rsi = a[1];
    in->rdx = a[2];
    in->r10 = a[3];
    in->r8 = a[4];
    in->r9 = a[5];
}

/* The arguments the ABI passes (xtest_env.h: six in pv64, five in pvh64, whose
 * HVM ABI has no r9) must arrive; xeno_test echoes the rest as it finds them. */
static void check_echo(const char *what, long rc, const uint64_t *buf, const uint64_t *args)
{
    if (!expect_rc(what, rc, 6))
        return;
    for (unsigned int i = 0; i < XTEST_HYPERCALL_ARGS; i++)
        if (buf[i] != args[i])
            xtest_fail("%s: argument %u arrived as %#lx, expected %#lx", what, i + 1, buf[i],
                       args[i]);
}

static void test_six_arguments(bool page)
{
    static uint64_t buf[6];
    struct gprs in, out;
    uint64_t args[6];
    char what[80];
    long rc;

    gprs_fill(&in, 1);
    args[0] = (uint64_t)buf;
    for (unsigned int i = 1; i < 6; i++)
        args[i] = ((uint64_t *)&in)[i];     /* 64-bit patterns */

    memset(buf, 0, sizeof(buf));
    rc = page ? hypercall6_page(__HYPERVISOR_xeno_test, args[0], args[1], args[2], args[3],
                                args[4], args[5])
              : hc_xeno_test(args[0], args[1], args[2], args[3], args[4], args[5]);
    snprintf(what, sizeof(what), "xeno_test through %s", how(page));
    if (XTEST_HYPERCALL_ARGS < 6 && !page)
        xtest_applies(false, "a sixth argument in r9 (not in the HVM ABI)");
    check_echo(what, rc, buf, args);

    memset(buf, 0, sizeof(buf));
    load(&in, 2, __HYPERVISOR_xeno_test, args);
    gprs_run(&in, &out, code_for(__HYPERVISOR_xeno_test, page));
    snprintf(what, sizeof(what), "xeno_test through %s with every register loaded", how(page));
    check_echo(what, (long)out.rax, buf, args);
    gprs_expect_same(what, &in, &out, CLOBBERED);
}

static void test_xen_version_preserves(bool page)
{
    const uint64_t args[6] = { XENVER_version, 0, 3, 4, 5, 6 };
    struct gprs in, out;
    char what[80];

    load(&in, 3, __HYPERVISOR_xen_version, args);
    gprs_run(&in, &out, code_for(__HYPERVISOR_xen_version, page));
    snprintf(what, sizeof(what), "xen_version(version) through %s", how(page));
    expect_rc(what, (long)out.rax, hc_xen_version(XENVER_version, NULL));
    gprs_expect_same(what, &in, &out, CLOBBERED);
}

static void test_unknown(unsigned long nr, bool page)
{
    const uint64_t args[6] = { 1, 2, 3, 4, 5, 6 };
    struct gprs in, out;
    char what[80];

    load(&in, 4, nr, args);
    gprs_run(&in, &out, code_for(nr, page));
    snprintf(what, sizeof(what), "hypercall %#lx through %s", nr, how(page));
    expect_rc(what, (long)out.rax, -ENOSYS);
    gprs_expect_same(what, &in, &out, CLOBBERED);
}

static long xeno_test_insn(uint64_t ptr, void *ctx)
{
    (void)ctx;
    return hc_xeno_test(ptr, 1, 2, 3, 4, 5);
}

static long xeno_test_page(uint64_t ptr, void *ctx)
{
    (void)ctx;
    return hypercall6_page(__HYPERVISOR_xeno_test, ptr, 1, 2, 3, 4, 5);
}

void test_main(void)
{
    /* Past the table's end, and numbers whose low 32 bits name a real hypercall. */
    static const unsigned long unknown[] = {
        45, 63, 64, 1000, ~0UL, (1UL << 32) | __HYPERVISOR_xen_version,
    };
    static const unsigned long unknown_in_page[] = { 45, 63 };

    test_six_arguments(false);
    test_xen_version_preserves(false);
    for (unsigned int i = 0; i < ARRAY_LEN(unknown); i++)
        test_unknown(unknown[i], false);
    expect_efault_for_bad_pointers("xeno_test through " XTEST_STR(XTEST_HYPERCALL_INSN),
                                   xeno_test_insn, NULL, 6 * sizeof(uint64_t), BADPTR_WRITES);
    check_environment();

    if (hypercall_page[HYPERCALL_PAGE_ENTRY_SIZE * __HYPERVISOR_xeno_test] == 0xcc) {
        xtest_fail("hypercall page entry %d is still int3: the hypervisor did not fill the "
                   "page (%s)", __HYPERVISOR_xeno_test, HYPERCALL_PAGE_HOW);
        return;
    }
    test_six_arguments(true);
    test_xen_version_preserves(true);
    for (unsigned int i = 0; i < ARRAY_LEN(unknown_in_page); i++)
        test_unknown(unknown_in_page[i], true);
    expect_efault_for_bad_pointers("xeno_test through the hypercall page", xeno_test_page,
                                   NULL, 6 * sizeof(uint64_t), BADPTR_WRITES);
}
