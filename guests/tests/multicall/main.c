/*
 * multicall (public/xen.h struct multicall_entry): every entry runs and gets its
 * own result, a failing one in the middle included; the multicall itself returns 0.
 * The guest may rely on nothing but the result fields afterwards (Xen's debug
 * builds overwrite the rest), so every entry is rebuilt before each use. An entry
 * that is itself a batch (mmuext_op) finishes whole even when the hypervisor
 * preempts it midway (tests/system/test_domains.py boots this test with
 * hypercall_preempt_every=3).
 */
#include "xtest.h"

static const char line0[] = "multicall: entry 0 (console_io)\n";
static const char line3[] = "multicall: entry 3 (console_io)\n";
static char extra[sizeof(xen_extraversion_t)];

static void entry(struct multicall_entry *e, unsigned long op, unsigned long a0,
                  unsigned long a1, unsigned long a2)
{
    *e = (struct multicall_entry){ .op = op, .result = 0x5a5a5a5a5a5a5a5aUL,
                                   .args = { a0, a1, a2 } };
}

static void test_entries(void)
{
    struct multicall_entry calls[8];
    char direct[sizeof(xen_extraversion_t)];
    long version = hc_xen_version(XENVER_version, NULL);
    const struct { const char *what; long want; } expect[ARRAY_LEN(calls)] = {
        { "entry 0, console_io(write)", 0 },
        { "entry 1, xen_version(version)", version },
        { "entry 2, xen_version(extraversion, 0x1)", -EFAULT },
        { "entry 3, console_io(write)", 0 },
        { "entry 4, xen_version(extraversion)", 0 },
        { "entry 5, hypercall 63", -ENOSYS },
        { "entry 6, hypercall 1 << 32 | xen_version", -ENOSYS },
        { "entry 7, xen_version(version)", version },
    };
    char what[64];

    entry(&calls[0], __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(line0) - 1,
          (unsigned long)line0);
    entry(&calls[1], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
    entry(&calls[2], __HYPERVISOR_xen_version, XENVER_extraversion, BAD_VA_PAGE0, 0);
    entry(&calls[3], __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(line3) - 1,
          (unsigned long)line3);
    entry(&calls[4], __HYPERVISOR_xen_version, XENVER_extraversion, (unsigned long)extra, 0);
    entry(&calls[5], 63, 1, 2, 3);
    entry(&calls[6], (1UL << 32) | __HYPERVISOR_xen_version, XENVER_version, 0, 0);
    entry(&calls[7], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
    memset(extra, 0xaa, sizeof(extra));

    if (!expect_rc("multicall of 8 entries", hc_multicall(calls, ARRAY_LEN(calls)), 0))
        return;
    for (unsigned int i = 0; i < ARRAY_LEN(calls); i++) {
        snprintf(what, sizeof(what), "multicall %s", expect[i].what);
        expect_rc(what, (long)calls[i].result, expect[i].want);
    }
    if (expect_rc("xen_version(extraversion)", hc_xen_version(XENVER_extraversion, direct), 0))
        xtest_check(memcmp(extra, direct, sizeof(direct)) == 0,
                    "multicall entry 4 wrote \"%.16s\", xen_version directly \"%.16s\"",
                    extra, direct);
}

/* 16 local TLB flushes in one mmuext_op entry: preempted every 3 units, the entry
 * is continued inside the multicall until all 16 are done. */
static void test_batch_entry(void)
{
    static struct mmuext_op ops[16];
    unsigned int done = 0;
    struct multicall_entry e;

    for (unsigned int i = 0; i < ARRAY_LEN(ops); i++)
        ops[i] = (struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    entry(&e, __HYPERVISOR_mmuext_op, (unsigned long)ops, ARRAY_LEN(ops), (unsigned long)&done);
    e.args[3] = DOMID_SELF;
    if (!expect_rc("multicall of one mmuext_op of 16 flushes", hc_multicall(&e, 1), 0))
        return;
    expect_rc("its mmuext_op entry's result", (long)e.result, 0);
    xtest_check(done == ARRAY_LEN(ops), "mmuext_op inside a multicall did %u of %u ops", done,
                (unsigned int)ARRAY_LEN(ops));
}

void test_main(void)
{
    if (xtest_applies(XTEST_ENV_PV, "an mmuext_op batch preempted inside a multicall "
                      "(mmuext_op is PV only; grant_table's long copy batch is preempted "
                      "in pvh64)"))
        test_batch_entry();
    struct multicall_entry one;

    test_entries();
    expect_rc("multicall of 0 entries", hc_multicall(&one, 0), 0);
    entry(&one, __HYPERVISOR_xen_version, XENVER_version, 0, 0);
    expect_rc("multicall of 1 entry", hc_multicall(&one, 1), 0);
    expect_rc("multicall of 1 entry: its result", (long)one.result,
              hc_xen_version(XENVER_version, NULL));
}
