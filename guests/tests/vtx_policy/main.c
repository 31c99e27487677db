/*
 * The CPU as a container's guest sees it (docs/hvm.md, "Policies"):
 *   CPUID: Xen's leaves at 0x40000000 (signature, version, one hypercall page
 *   through MSR 0x40000000), the hypervisor bit, and VMX, SMX, MONITOR, x2APIC
 *   and XSAVE hidden in leaf 1;
 *   MSRs: the whitelist's fixed values, EFER as the guest set it, #GP for an
 *   MSR not on the list and for a fixed MSR written with another value;
 *   ports: nothing behind any, so reads give all-ones and writes vanish.
 */
#include "xtest.h"
#include "pvh.h"
#include <public/cpuid.h>

#define L1_ECX_MONITOR (1U << 3)
#define L1_ECX_VMX (1U << 5)
#define L1_ECX_SMX (1U << 6)
#define L1_ECX_X2APIC (1U << 21)
#define L1_ECX_XSAVE (1U << 26)
#define L1_ECX_HYPERVISOR (1U << 31)
#define MSR_APIC_BASE 0x1b
#define MSR_FEATURE_CONTROL 0x3a
#define MSR_EFER 0xc0000080
#define EFER_LME (1UL << 8)
#define EFER_LMA (1UL << 10)
#define UNKNOWN_PORT 0x2e0

static struct cpuid_result cpuid(uint32_t leaf)
{
    struct cpuid_result r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(0));
    return r;
}

static void cpuid_policy(void)
{
    struct cpuid_result r = cpuid(XEN_CPUID_FIRST_LEAF);
    char sig[13];

    memcpy(sig, &r.ebx, 4);
    memcpy(sig + 4, &r.ecx, 4);
    memcpy(sig + 8, &r.edx, 4);
    sig[12] = 0;
    xtest_check(strcmp(sig, "XenVMMXenVMM") == 0, "leaf 0x40000000 signature '%s'", sig);
    xtest_check(r.eax >= XEN_CPUID_LEAF(2), "last Xen leaf %#x, expected 0x40000002 or more",
                r.eax);
    r = cpuid(XEN_CPUID_LEAF(1));
    xtest_check(r.eax >> 16 >= 4, "Xen version %#x, expected major 4 or more", r.eax);
    r = cpuid(XEN_CPUID_LEAF(2));
    xtest_check(r.eax == 1 && r.ebx == 0x40000000,
                "leaf 0x40000002: %u hypercall pages through MSR %#x, expected 1 through "
                "0x40000000", r.eax, r.ebx);
    r = cpuid(1);
    xtest_check(r.ecx & L1_ECX_HYPERVISOR, "leaf 1 without the hypervisor bit");
    xtest_check(!(r.ecx & (L1_ECX_VMX | L1_ECX_SMX | L1_ECX_MONITOR | L1_ECX_X2APIC |
                           L1_ECX_XSAVE)),
                "leaf 1 ECX %#x shows a hidden feature (VMX, SMX, MONITOR, x2APIC, XSAVE)",
                r.ecx);
    xtest_check((r.ebx >> 24) == 0, "initial APIC ID %u, expected vCPU 0", r.ebx >> 24);
}

static void expect_gp(const char *what, struct exinfo e)
{
    xtest_check(e.vector == 13 && e.error_code == 0, "%s: vector %d error %#x, expected #GP(0)",
                what, e.vector, e.error_code);
}

static void msr_policy(void)
{
    uint64_t v = 0;
    struct exinfo e = probe_rdmsr(MSR_APIC_BASE, &v);

    xtest_check(e.vector < 0 && v == 0xfee00900, "APIC_BASE reads %#lx (vector %d), expected "
                "0xfee00900", v, e.vector);
    expect_gp("writing APIC_BASE with another base", probe_wrmsr(MSR_APIC_BASE, 0xfed00900));
    e = probe_wrmsr(MSR_APIC_BASE, 0xfee00900);
    xtest_check(e.vector < 0, "writing APIC_BASE's own value: vector %d", e.vector);
    e = probe_rdmsr(MSR_FEATURE_CONTROL, &v);
    xtest_check(e.vector < 0 && v == 1, "FEATURE_CONTROL reads %#lx (vector %d), expected "
                "locked with VMX off (1)", v, e.vector);
    e = probe_rdmsr(MSR_EFER, &v);
    xtest_check(e.vector < 0 && (v & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA),
                "EFER reads %#lx (vector %d), expected LME and LMA set", v, e.vector);
    expect_gp("reading an MSR not on the list (0x1234)", probe_rdmsr(0x1234, &v));
    expect_gp("writing an MSR not on the list (0x1234)", probe_wrmsr(0x1234, 1));
    expect_gp("reading an MSR outside the bitmaps (0x40001000)", probe_rdmsr(0x40001000, &v));
    expect_gp("the hypercall-page MSR with low bits set", probe_wrmsr(0x40000000, 0x1001));
}

static void unknown_ports(void)
{
    uint8_t b = 0;
    uint16_t w;
    uint32_t l;
    struct exinfo e = probe_inb(UNKNOWN_PORT, &b);

    xtest_check(e.vector < 0 && b == 0xff, "inb from port %#x: %#x (vector %d)", UNKNOWN_PORT,
                b, e.vector);
    __asm__ volatile("mov $0x1234, %%eax; inw %w1, %%ax" : "=a"(w) : "Nd"(UNKNOWN_PORT));
    xtest_check(w == 0xffff, "inw from port %#x: %#x", UNKNOWN_PORT, w);
    __asm__ volatile("mov $0x12345678, %%eax; inl %w1, %%eax" : "=a"(l) : "Nd"(UNKNOWN_PORT));
    xtest_check(l == 0xffffffff, "inl from port %#x: %#x", UNKNOWN_PORT, l);
    e = probe_outb(UNKNOWN_PORT, 0x5a);
    xtest_check(e.vector < 0, "outb to port %#x: vector %d", UNKNOWN_PORT, e.vector);
    e = probe_inb(UNKNOWN_PORT, &b);
    xtest_check(b == 0xff, "the write stuck: port %#x reads %#x", UNKNOWN_PORT, b);
}

void test_main(void)
{
    cpuid_policy();
    msr_policy();
    unknown_ports();
}
