/*
 * The PV benchmark guest: the hypercalls it shares with the PVH benchmark guest
 * (common/ops.c: a null hypercall by raw `syscall` from guest kernel mode and
 * through the hypercall page, an event-channel send, set_timer_op, xeno_test into
 * a buffer), a guest user-to-kernel system call bounce, each timed with rdtsc.
 * Prints one `bench:` line per measurement (common/bench.h), most with a
 * `bench-counts:` line (common/ops.h), then the runtime's verdict. The native
 * kernel (../native/) runs the same loops (common/loops.S) on bare metal for
 * comparison. Last come the PV sides of the exit benchmarks (common/exits.S):
 * emulated and plain CPUID, emulated CPUID of Xen's first leaf, and IN from an
 * unknown port.
 */
#include "xtest.h"
#include "bench.h"
#include "exits.h"
#include "ops.h"
#include "pvbench.h"
#include <public/cpuid.h>

_Static_assert(PVBENCH_HYPERVISOR_IRET == __HYPERVISOR_iret, "pvbench.h");
_Static_assert(PVBENCH_USER_CS == FLAT_USER_CS64 && PVBENCH_USER_SS == FLAT_USER_SS64, "pvbench.h");
_Static_assert(PVBENCH_VGCF_IN_SYSCALL == VGCF_in_syscall, "pvbench.h");

uint64_t pv_user_run(bench_loop loop, uint64_t iterations, uint64_t nr, uint64_t arg,
                     const void *entry);
extern char pv_syscall_callback[], pv_bounce_stack_top[];

static void report(const char *name, struct bench_result r)
{
    printf(BENCH_LINE_FMT, BENCH_LINE_ARGS(name, r));
}

/* The machine frame of the guest's own L4, from start_info's p2m. */
static uint64_t own_l4_mfn(void)
{
    const uint64_t *p2m = (const uint64_t *)xtest_start_info->mfn_list;

    return p2m[xtest_start_info->pt_base >> 12];    /* VIRT_BASE 0: va = pa */
}

/* What a PV kernel does before it can run user code; false if refused. */
static bool setup_user_mode(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
        .address = (uint64_t)pv_syscall_callback,
    };
    struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1 = own_l4_mfn() };

    return expect_rc("callback_op(register syscall)", hc_callback_op(CALLBACKOP_register, &cb), 0) &&
           expect_rc("stack_switch", hypercall(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS,
                                                pv_bounce_stack_top, 0, 0, 0, 0), 0) &&
           expect_rc("mmuext_op(NEW_USER_BASEPTR, own L4)",
                     hypercall(__HYPERVISOR_mmuext_op, &op, 1, NULL, DOMID_SELF, 0, 0), 0);
}

/* The PV sides of `tools/xeno bench vmx_exits` and `pvh_ops`, from guest kernel mode. */
static void measure_exits(void)
{
    uint32_t r[4];

    bench_cpuid_forced(1, r);
    xtest_check(r[2] & (1U << 31), "forced-emulation cpuid leaf 1 lacks the hypervisor bit");
    bench_counted_loop("cpuid_forced", bench_loop_cpuid_forced, bench_loop_cpuid_forced_empty,
                       1, 0, NULL);
    bench_counted_loop("cpuid_native", bench_loop_cpuid, bench_loop_cpuid_empty, 1, 0, NULL);
    bench_cpuid_forced(XEN_CPUID_FIRST_LEAF, r);
    xtest_check(r[1] == XEN_CPUID_SIGNATURE_EBX && r[2] == XEN_CPUID_SIGNATURE_ECX &&
                r[3] == XEN_CPUID_SIGNATURE_EDX, "forced-emulation cpuid %#x is not Xen's",
                XEN_CPUID_FIRST_LEAF);
    bench_counted_loop("cpuid_xen_leaf", bench_loop_cpuid_forced,
                       bench_loop_cpuid_forced_empty, XEN_CPUID_FIRST_LEAF, 0, NULL);
    /* A PV kernel is ring 1 to the virtual IOPL: 1 lets it do port I/O. */
    if (!expect_rc("physdev_op(set_iopl 1)", hc_set_iopl(1), 0))
        return;
    xtest_check(bench_in_unknown_port() == 0x123456ff,
                "in al from an unknown port gave %#x", bench_in_unknown_port());
    bench_counted_loop("io_in", bench_loop_io_in, bench_loop_io_in_empty, 0, 0, NULL);
}

void test_main(void)
{
    struct bench_result r;

    if (!bench_counts_calibrate())
        return;
    bench_hypercall_ops(bench_loop_syscall);

    if (!setup_user_mode())
        return;
    /* One user-mode run first: it must come back with the loop's result. */
    xtest_check(pv_user_run(bench_loop_syscall, 1, BENCH_NR_NULL, 0, NULL) != 0,
                "a user-mode loop came back with no cycles");
    r = bench_measure(pv_user_run, bench_loop_syscall, bench_loop_syscall_empty,
                      BENCH_NR_NULL, 0, NULL);
    report("pv_syscall_bounce", r);
    measure_exits();
}
