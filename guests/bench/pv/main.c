/*
 * The PV benchmark guest: a null hypercall round trip from guest kernel mode (raw
 * `syscall`, and through the hypercall page) and a guest user-to-kernel system call
 * bounce, each timed with rdtsc. Prints one `bench:` line per measurement
 * (common/bench.h), then the runtime's verdict. The native kernel (../native/) runs
 * the same loops (common/loops.S) on bare metal for comparison.
 */
#include "xtest.h"
#include "bench.h"
#include "pvbench.h"

_Static_assert(PVBENCH_HYPERVISOR_IRET == __HYPERVISOR_iret, "pvbench.h");
_Static_assert(PVBENCH_USER_CS == FLAT_USER_CS64 && PVBENCH_USER_SS == FLAT_USER_SS64, "pvbench.h");
_Static_assert(PVBENCH_VGCF_IN_SYSCALL == VGCF_in_syscall, "pvbench.h");

uint64_t pv_user_run(bench_loop loop, uint64_t iterations, uint64_t nr, uint64_t arg,
                     const void *entry);
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
}
