/*
 * bad_pointers: every pointer argument of the hypercalls a PV guest has, given
 * page 0, a hypervisor address, a non-canonical address, an unmapped guest page,
 * a buffer running into one and addresses at the ends of the address space, must
 * give -EFAULT and change nothing. (xen_version and xeno_test have theirs in
 * the xen_version and hypercall_abi tests, multicall entries in multicall.)
 */
#include "xtest.h"

static long console_write_at(uint64_t ptr, void *ctx)
{
    (void)ctx;
    return hc_console_io(CONSOLEIO_write, 16, (const void *)ptr);
}

static long multicall_at(uint64_t ptr, void *ctx)
{
    (void)ctx;
    return hc_multicall((struct multicall_entry *)ptr, 1);
}

static long set_trap_table_at(uint64_t ptr, void *ctx)
{
    (void)ctx;
    return hc_set_trap_table((const struct trap_info *)ptr);
}

static long callback_op_at(uint64_t ptr, void *ctx)
{
    return hc_callback_op(*(int *)ctx, (const void *)ptr);
}

static long vcpu_op_at(uint64_t ptr, void *ctx)
{
    return hc_vcpu_op(*(int *)ctx, 0, (void *)ptr);
}

static long shutdown_at(uint64_t ptr, void *ctx)
{
    (void)ctx;
    return hc_sched_op(SCHEDOP_shutdown, (void *)ptr);
}

static long set_iopl_at(uint64_t ptr, void *ctx)
{
    (void)ctx;
    return hc_physdev_op(PHYSDEVOP_set_iopl, (void *)ptr);
}

static long xeno_stats_at(uint64_t ptr, void *ctx)
{
    (void)ctx;
    return hc_xeno_stats((struct xeno_stats *)ptr);
}

void test_main(void)
{
    int reg = CALLBACKOP_register, unreg = CALLBACKOP_unregister;
    int vcpu_info = VCPUOP_register_vcpu_info, runstate = VCPUOP_register_runstate_memory_area;
    struct exinfo ex;

    expect_efault_for_bad_pointers("console_io(write, 16)", console_write_at, NULL, 16, 0);
    expect_efault_for_bad_pointers("multicall(list, 1)", multicall_at, NULL,
                                   sizeof(struct multicall_entry), 0);
    /* Never NULL: set_trap_table(NULL) clears the table. */
    expect_efault_for_bad_pointers("set_trap_table", set_trap_table_at, NULL,
                                   sizeof(struct trap_info), 0);
    expect_efault_for_bad_pointers("callback_op(register)", callback_op_at, &reg,
                                   sizeof(struct callback_register), 0);
    expect_efault_for_bad_pointers("callback_op(unregister)", callback_op_at, &unreg,
                                   sizeof(struct callback_unregister), 0);
    expect_efault_for_bad_pointers("vcpu_op(register_vcpu_info)", vcpu_op_at, &vcpu_info,
                                   sizeof(struct vcpu_register_vcpu_info), 0);
    expect_efault_for_bad_pointers("vcpu_op(register_runstate_memory_area)", vcpu_op_at,
                                   &runstate, sizeof(struct vcpu_register_runstate_memory_area),
                                   0);
    expect_efault_for_bad_pointers("sched_op(shutdown)", shutdown_at, NULL,
                                   sizeof(struct sched_shutdown), 0);
    expect_efault_for_bad_pointers("physdev_op(set_iopl)", set_iopl_at, NULL,
                                   sizeof(struct physdev_set_iopl), 0);
    expect_efault_for_bad_pointers("xeno_stats", xeno_stats_at, NULL, sizeof(struct xeno_stats),
                                   BADPTR_WRITES);

    /* Nothing changed: the trap table still works, the IOPL is still 0. */
    ex = probe_int3();
    expect_exception("int3 after the bad set_trap_table calls", &ex, X86_EXC_BP,
                     EXINFO_NO_ERROR);
    ex = probe_inb(0x80, NULL);
    expect_exception("inb 0x80 after the bad set_iopl calls", &ex, X86_EXC_GP, 0);
}
