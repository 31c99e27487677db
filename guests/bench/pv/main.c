/*
 * The PV benchmark guest: a null hypercall round trip from guest kernel mode (raw
 * `syscall`, and through the hypercall page) and a guest user-to-kernel system call
 * bounce, each timed with rdtsc. Prints one `bench:` line per measurement
 * (common/bench.h), then the runtime's verdict. The native kernel (../native/) runs
 * the same loops (common/loops.S) on bare metal for comparison. Last come the PV
 * sides of the VMX exit benchmarks (exits.S): emulated and plain CPUID, and IN
 * from an unknown port.
 */
#include "xtest.h"
#include "bench.h"
#include "pvbench.h"

_Static_assert(PVBENCH_HYPERVISOR_IRET == __HYPERVISOR_iret, "pvbench.h");
_Static_assert(PVBENCH_USER_CS == FLAT_USER_CS64 && PVBENCH_USER_SS == FLAT_USER_SS64, "pvbench.h");
_Static_assert(PVBENCH_VGCF_IN_SYSCALL == VGCF_in_syscall, "pvbench.h");

uint64_t pv_user_run(bench_loop loop, uint64_t iterations, uint64_t nr, uint64_t arg,
                     const void *entry);
/* exits.S */
uint64_t pvbench_loop_cpuid_forced(uint64_t, uint64_t, uint64_t, const void *);
uint64_t pvbench_loop_cpuid_forced_empty(uint64_t, uint64_t, uint64_t, const void *);
uint64_t pvbench_loop_cpuid_native(uint64_t, uint64_t, uint64_t, const void *);
uint64_t pvbench_loop_cpuid_native_empty(uint64_t, uint64_t, uint64_t, const void *);
uint64_t pvbench_loop_io_in(uint64_t, uint64_t, uint64_t, const void *);
uint64_t pvbench_loop_io_in_empty(uint64_t, uint64_t, uint64_t, const void *);
uint32_t pvbench_forced_cpuid_ecx(void);
uint32_t pvbench_in_unknown_port(void);
extern char pv_syscall_callback[], pv_bounce_stack_top[];

static uint64_t run_in_kernel(bench_loop loop, uint64_t iterations, uint64_t nr,
                              uint64_t arg, const void *entry)
{
    return loop(iterations, nr, arg, entry);
}

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

/* The PV sides of `tools/xeno bench vmx_exits`, from guest kernel mode. */
static void measure_exits(void)
{
    struct bench_result r;

    xtest_check(pvbench_forced_cpuid_ecx() & (1U << 31),
                "forced-emulation cpuid leaf 1 lacks the hypervisor bit");
    r = bench_measure(run_in_kernel, pvbench_loop_cpuid_forced,
                      pvbench_loop_cpuid_forced_empty, 0, 0, NULL);
    report("pv_cpuid_forced", r);
    r = bench_measure(run_in_kernel, pvbench_loop_cpuid_native,
                      pvbench_loop_cpuid_native_empty, 0, 0, NULL);
    report("pv_cpuid_native", r);
    /* A PV kernel is ring 1 to the virtual IOPL: 1 lets it do port I/O. */
    if (!expect_rc("physdev_op(set_iopl 1)", hc_set_iopl(1), 0))
        return;
    xtest_check(pvbench_in_unknown_port() == 0x123456ff,
                "in al from an unknown port gave %#x", pvbench_in_unknown_port());
    r = bench_measure(run_in_kernel, pvbench_loop_io_in, pvbench_loop_io_in_empty, 0, 0, NULL);
    report("pv_io_in", r);
}

void test_main(void)
{
    const void *page_entry = hypercall_page + HYPERCALL_PAGE_ENTRY_SIZE * __HYPERVISOR_xen_version;
    struct bench_result r;

    /* The hypercall measured answers as it should (4.17), both ways. */
    expect_rc("xen_version(XENVER_version)", hc_xen_version(XENVER_version, NULL),
              (4 << 16) | 17);
    expect_rc("xen_version(XENVER_version) through the hypercall page",
              hypercall6_page(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0, 0),
              (4 << 16) | 17);

    r = bench_measure(run_in_kernel, bench_loop_syscall, bench_loop_syscall_empty,
                      __HYPERVISOR_xen_version, XENVER_version, NULL);
    report("pv_null_hypercall", r);
    r = bench_measure(run_in_kernel, bench_loop_call, bench_loop_call_empty,
                      __HYPERVISOR_xen_version, XENVER_version, page_entry);
    report("pv_null_hypercall_page", r);

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
