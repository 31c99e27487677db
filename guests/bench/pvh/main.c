/*
 * The PVH benchmark guest: what a PVH kernel's calls into the hypervisor cost, in
 * the same loops as the PV benchmark guest's (docs/benchmarks.md, `tools/xeno
 * bench pvh_ops`). From guest kernel mode (CPL 0, 64-bit, paging on):
 *
 *   - common/ops.c: xen_version by VMCALL and through the hypercall page (a domain's
 *     VMCALL goes through the hypercall table PV uses, hvm/hypercall.c), an
 *     event-channel send on a loopback channel, set_timer_op, xeno_test writing a
 *     guest-virtual buffer (the hypervisor walks the guest's page tables);
 *   - common/exits.S: CPUID of Xen's first leaf (a CPUID exit; PV needs the
 *     forced-emulation prefix for it), IN from an unknown port (an I/O exit), and a
 *     nop, which must measure 1: the check that the TSC counts instructions here.
 *
 * Each prints a `bench:` and a `bench-counts:` line (common/ops.h): the VM exits
 * per operation come from xeno_stats. Then the runtime's verdict.
 */
#include "xtest.h"
#include "bench.h"
#include "exits.h"
#include "ops.h"
#include <public/cpuid.h>

void test_main(void)
{
    uint32_t r[4];

    if (!bench_counts_calibrate())
        return;
    bench_hypercall_ops(bench_loop_vmcall);

    bench_cpuid(XEN_CPUID_FIRST_LEAF, r);
    xtest_check(r[1] == XEN_CPUID_SIGNATURE_EBX && r[2] == XEN_CPUID_SIGNATURE_ECX &&
                r[3] == XEN_CPUID_SIGNATURE_EDX, "cpuid %#x is not Xen's", XEN_CPUID_FIRST_LEAF);
    bench_counted_loop("cpuid_xen_leaf", bench_loop_cpuid, bench_loop_cpuid_empty,
                       XEN_CPUID_FIRST_LEAF, 0, NULL);
    xtest_check(bench_in_unknown_port() == 0x123456ff,
                "in al from an unknown port gave %#x", bench_in_unknown_port());
    bench_counted_loop("io_in", bench_loop_io_in, bench_loop_io_in_empty, 0, 0, NULL);
    bench_counted_loop("nop", bench_loop_nop, bench_loop_nop_empty, 0, 0, NULL);
}
