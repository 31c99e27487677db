/*
 * hypercall_abi in pvh64: Xen's CPUID leaves locate the hypercall page (the
 * runtime wrote its address to the MSR they name, lib/pvh64/setup.c), and a
 * vmcall from CPL 3 is refused, however the hypercall is made.
 */
#include "xtest.h"
#include "pvh.h"
#include "../hypercall_abi.h"

const char HYPERCALL_PAGE_HOW[] = "its address was written to the MSR of CPUID 0x40000002";

#define XEN_HYPERCALL_MSR 0x40000000U

static void cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(0));
}

static void check_cpuid(void)
{
    uint32_t r[4];
    char sig[13];

    cpuid(XEN_CPUID_FIRST_LEAF, r);
    memcpy(sig, &r[1], 4);
    memcpy(sig + 4, &r[2], 4);
    memcpy(sig + 8, &r[3], 4);
    sig[12] = '\0';
    printf("CPUID %#x: \"%s\", last leaf %#x\n", XEN_CPUID_FIRST_LEAF, sig, r[0]);
    xtest_check(!strcmp(sig, "XenVMMXenVMM") && r[0] >= XEN_CPUID_HYPERCALL_LEAF,
                "CPUID %#x: \"%s\" up to %#x", XEN_CPUID_FIRST_LEAF, sig, r[0]);
    cpuid(XEN_CPUID_HYPERCALL_LEAF, r);
    printf("CPUID %#x: %u hypercall page(s), MSR %#x\n", XEN_CPUID_HYPERCALL_LEAF, r[0], r[1]);
    xtest_check(r[0] >= 1 && r[1] == XEN_HYPERCALL_MSR,
                "CPUID %#x: %u pages, MSR %#x; expected 1 or more at MSR %#x",
                XEN_CPUID_HYPERCALL_LEAF, r[0], r[1], XEN_HYPERCALL_MSR);
}

void check_environment(void)
{
    check_cpuid();
    expect_rc("xen_version(version) by vmcall at CPL 3",
              pvh_user_hypercall(__HYPERVISOR_xen_version, XENVER_version), -EPERM);
    expect_rc("xeno_test by vmcall at CPL 3 (its buffer not written)",
              pvh_user_hypercall(__HYPERVISOR_xeno_test, 0), -EPERM);
}
