/*
 * set_debugreg/get_debugreg (docs/abi.md): a write breakpoint on a guest variable
 * raises #DB in the guest with DR6 naming breakpoint 0; the hypervisor writing
 * that variable for a hypercall does not (hardware would not have seen that
 * access); disarming works; addresses in the hypervisor's range, GD and I/O
 * breakpoints are refused.
 */
#include "xtest.h"

#define DR7_L0 (1UL << 0)
#define DR7_RW0_WRITE (1UL << 16)
#define DR7_LEN0_8 (3UL << 18)
#define DR7_GD (1UL << 13)
#define DR7_RW0_IO (2UL << 16)
#define DR6_B0 (1UL << 0)

static volatile uint64_t watched __attribute__((aligned(8)));
static char extraversion[16] __attribute__((aligned(16)));

static long set_dr(unsigned int reg, uint64_t value)
{
    return hypercall6(__HYPERVISOR_set_debugreg, reg, value, 0, 0, 0, 0);
}

static long get_dr(unsigned int reg)
{
    return hypercall6(__HYPERVISOR_get_debugreg, reg, 0, 0, 0, 0, 0);
}

static void write_watched(void *arg)
{
    watched = (uint64_t)arg;
}

void test_main(void)
{
    uint64_t dr7 = DR7_L0 | DR7_RW0_WRITE | DR7_LEN0_8;
    struct exinfo ex;
    char buf[64];

    expect_rc("set_debugreg(0, &watched)", set_dr(0, (uint64_t)&watched), 0);
    expect_rc("set_debugreg(7, write breakpoint 0)", set_dr(7, dr7), 0);
    xtest_check((uint64_t)get_dr(0) == (uint64_t)&watched, "DR0 reads back %#lx", get_dr(0));
    xtest_check((uint64_t)get_dr(7) == (dr7 | 0x400), "DR7 reads back %#lx", get_dr(7));

    ex = probe(write_watched, (void *)1);
    xtest_check(ex.vector == 1, "writing the watched variable gave %s, expected #DB",
                exinfo_str(&ex, buf, sizeof(buf)));
    xtest_check(get_dr(6) & DR6_B0, "DR6 %#lx does not name breakpoint 0", get_dr(6));
    xtest_check(watched == 1, "the write itself did not happen");

    /* The hypervisor writes into a watched buffer: no #DB reaches us. */
    expect_rc("set_debugreg(0, &extraversion)", set_dr(0, (uint64_t)extraversion), 0);
    expect_rc("xen_version into a watched buffer",
              hc_xen_version(XENVER_extraversion, extraversion), 0);
    xtest_check(extraversion[0] == '-', "extraversion not written: \"%.15s\"", extraversion);

    /* Disarmed: the write goes through quietly. */
    expect_rc("set_debugreg(7, 0)", set_dr(7, 0), 0);
    ex = probe(write_watched, (void *)2);
    xtest_check(ex.vector == EXINFO_NONE, "a write with DR7 clear gave %s",
                exinfo_str(&ex, buf, sizeof(buf)));

    expect_rc("DR0 in the hypervisor's range", set_dr(0, 0xffff830000000000UL), -EPERM);
    expect_rc("DR0 non-canonical", set_dr(1, 0x8000000000000000UL), -EPERM);
    expect_rc("DR7 with GD", set_dr(7, DR7_L0 | DR7_GD), -EPERM);
    expect_rc("DR7 with an I/O breakpoint", set_dr(7, DR7_L0 | DR7_RW0_IO), -EPERM);
    expect_rc("debug register 5", set_dr(5, 0), -EINVAL);
    expect_rc("get_debugreg(4)", get_dr(4), -EINVAL);
}
