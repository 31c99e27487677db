/*
 * privileged: what a 64-bit PV kernel (CPL3) gets for privileged instructions.
 * Emulated: CPUID behind the forced-emulation prefix (with the Xen leaves), RDMSR
 * and WRMSR of a few MSRs (GS_BASE, PAT), reads of CR0 and CR4, writes of CR0.TS and
 * CR4 (the guest's own view), WBINVD, and port I/O and cli/sti once
 * physdev_op(set_iopl) raised the virtual IOPL. Anything else is #GP(0) delivered to
 * the guest. The CPUID policy hides what a CPL3 kernel must not use.
 */
#include <public/cpuid.h>
#include "xtest.h"

#define MSR_PAT 0x277
#define MSR_LSTAR 0xc0000082
#define MSR_GS_BASE 0xc0000101
#define MSR_APIC_BASE 0x1b
#define MSR_NONEXISTENT 0x2fff0000
#define PAT_PV 0x0000050100070406UL     /* the PAT every PV guest reads (Xen's) */
#define CR0_PE (1UL << 0)
#define CR0_TS (1UL << 3)
#define CR0_WP (1UL << 16)
#define CR0_PG (1UL << 31)
#define CR4_PAE (1UL << 5)
#define CR4_PGE (1UL << 7)
#define CR4_VMXE (1UL << 13)
#define CPUID1_EDX_PSE (1U << 3)
#define CPUID1_EDX_MCE (1U << 7)
#define CPUID7_EBX_SMEP (1U << 7)
#define CPUID7_EBX_SMAP (1U << 20)
#define POST_PORT 0x80

static struct exinfo probe_read_cr(int n, uint64_t *val)
{
    uint64_t v = 0;

    exinfo_clear();
    if (n == 0)
        __asm__ volatile("1: mov %%cr0, %[v]\n2:\n\t" EXTABLE("1b", "2b")
                         : [v] "+r"(v) :: "memory");
    else
        __asm__ volatile("1: mov %%cr4, %[v]\n2:\n\t" EXTABLE("1b", "2b")
                         : [v] "+r"(v) :: "memory");
    *val = v;
    return exinfo_take();
}

static struct exinfo probe_write_cr(int n, uint64_t val)
{
    exinfo_clear();
    if (n == 0)
        __asm__ volatile("1: mov %[v], %%cr0\n2:\n\t" EXTABLE("1b", "2b")
                         :: [v] "r"(val) : "memory");
    else
        __asm__ volatile("1: mov %[v], %%cr4\n2:\n\t" EXTABLE("1b", "2b")
                         :: [v] "r"(val) : "memory");
    return exinfo_take();
}

static struct exinfo probe_cli_sti(bool cli)
{
    exinfo_clear();
    if (cli)
        __asm__ volatile("1: cli\n2:\n\t" EXTABLE("1b", "2b") ::: "memory");
    else
        __asm__ volatile("1: sti\n2:\n\t" EXTABLE("1b", "2b") ::: "memory");
    return exinfo_take();
}

static struct exinfo probe_write_cr3(uint64_t val)
{
    exinfo_clear();
    __asm__ volatile("1: mov %[v], %%cr3\n2:\n\t" EXTABLE("1b", "2b")
                     :: [v] "r"(val) : "memory");
    return exinfo_take();
}

static struct exinfo probe_lgdt(const void *desc)
{
    exinfo_clear();
    __asm__ volatile("1: lgdt (%[d])\n2:\n\t" EXTABLE("1b", "2b")
                     :: [d] "r"(desc) : "memory");
    return exinfo_take();
}

static uint64_t read_gs_qword(void)
{
    uint64_t v;

    __asm__ volatile("movq %%gs:0, %0" : "=r"(v) :: "memory");
    return v;
}

static void test_cpuid(void)
{
    struct cpuid_result r, v;
    struct exinfo ex;
    uint32_t a = 0, b, c = 0, d;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    printf("native cpuid 0: max leaf %#x\n", a);
    xtest_check(a >= 1, "native cpuid leaf 0 reports max leaf %#x", a);

    ex = probe_cpuid_forced(XEN_CPUID_LEAF(0), 0, &r);
    expect_no_exception("forced-emulation cpuid 0x40000000", &ex);
    if (ex.vector != EXINFO_NONE)
        return;
    printf("cpuid 0x40000000: max %#x, \"%.4s%.4s%.4s\"\n", r.eax, (char *)&r.ebx,
           (char *)&r.ecx, (char *)&r.edx);
    xtest_check(r.ebx == XEN_CPUID_SIGNATURE_EBX && r.ecx == XEN_CPUID_SIGNATURE_ECX &&
                r.edx == XEN_CPUID_SIGNATURE_EDX,
                "cpuid 0x40000000 signature %#x %#x %#x, expected \"XenVMMXenVMM\"", r.ebx,
                r.ecx, r.edx);
    xtest_check(r.eax >= (uint32_t)XEN_CPUID_LEAF(2) && r.eax < (uint32_t)XEN_CPUID_LEAF(0x100),
                "cpuid 0x40000000 max leaf %#x, expected 0x40000002 or more", r.eax);
    ex = probe_cpuid_forced(XEN_CPUID_LEAF(1), 0, &v);
    expect_no_exception("forced-emulation cpuid 0x40000001", &ex);
    xtest_check(v.eax == (uint32_t)hc_xen_version(XENVER_version, NULL),
                "cpuid 0x40000001 eax %#x is not xen_version(version) %#lx", v.eax,
                hc_xen_version(XENVER_version, NULL));

    /* Hidden whatever the CPU has: superpages (tables are validated 4 KiB at a
     * time), machine checks, and SMEP/SMAP (CLAC/STAC would #UD at CPL3). */
    ex = probe_cpuid_forced(1, 0, &v);
    expect_no_exception("forced-emulation cpuid 1", &ex);
    xtest_check(ex.vector != EXINFO_NONE || !(v.edx & (CPUID1_EDX_PSE | CPUID1_EDX_MCE)),
                "cpuid 1 edx %#x shows PSE or MCE", v.edx);
    ex = probe_cpuid_forced(7, 0, &v);
    expect_no_exception("forced-emulation cpuid 7", &ex);
    xtest_check(ex.vector != EXINFO_NONE || !(v.ebx & (CPUID7_EBX_SMEP | CPUID7_EBX_SMAP)),
                "cpuid 7 ebx %#x shows SMEP or SMAP", v.ebx);
}

static void test_msrs(void)
{
    static uint64_t gs_target = 0x6a6b6c6d6e6f7071UL, gs_other = 0x1122334455667788UL;
    static const struct { uint32_t msr; const char *name; } refused[] = {
        { MSR_LSTAR, "LSTAR" }, { MSR_NONEXISTENT, "0x2fff0000 (no such MSR)" },
    };
    uint64_t val;
    struct exinfo ex;
    char what[64];

    for (unsigned int i = 0; i < ARRAY_LEN(refused); i++) {
        snprintf(what, sizeof(what), "rdmsr %s", refused[i].name);
        ex = probe_rdmsr(refused[i].msr, &val);
        expect_exception(what, &ex, X86_EXC_GP, 0);
        snprintf(what, sizeof(what), "wrmsr %s", refused[i].name);
        ex = probe_wrmsr(refused[i].msr, 0);
        expect_exception(what, &ex, X86_EXC_GP, 0);
    }
    ex = probe_wrmsr(MSR_APIC_BASE, 0);
    expect_exception("wrmsr APIC_BASE", &ex, X86_EXC_GP, 0);

    ex = probe_rdmsr(MSR_PAT, &val);
    expect_no_exception("rdmsr PAT", &ex);
    xtest_check(ex.vector != EXINFO_NONE || val == PAT_PV, "rdmsr PAT %#lx, expected %#lx",
                val, PAT_PV);

    ex = probe_wrmsr(MSR_GS_BASE, (uint64_t)&gs_target);
    expect_no_exception("wrmsr GS_BASE", &ex);
    xtest_check(ex.vector != EXINFO_NONE || read_gs_qword() == gs_target,
                "after wrmsr GS_BASE, %%gs:0 reads %#lx, expected %#lx", read_gs_qword(),
                gs_target);
    if (expect_rc("set_segment_base(GS_KERNEL)",
                  hc_set_segment_base(SEGBASE_GS_KERNEL, (uint64_t)&gs_other), 0))
        xtest_check(read_gs_qword() == gs_other,
                    "after set_segment_base(GS_KERNEL), %%gs:0 reads %#lx, expected %#lx",
                    read_gs_qword(), gs_other);
    probe_wrmsr(MSR_GS_BASE, 0);
}

static void test_control_registers(void)
{
    uint64_t cr0 = 0, cr4 = 0;
    struct exinfo ex;

    ex = probe_read_cr(0, &cr0);
    expect_no_exception("mov from cr0", &ex);
    printf("cr0 %#lx\n", cr0);
    xtest_check(ex.vector != EXINFO_NONE || ((cr0 & CR0_PE) && (cr0 & CR0_PG)),
                "cr0 %#lx: PE and PG should be set", cr0);
    if (expect_rc("fpu_taskswitch(1)", hc_fpu_taskswitch(1), 0)) {
        probe_read_cr(0, &cr0);
        xtest_check(cr0 & CR0_TS, "cr0 %#lx after fpu_taskswitch(1): TS clear", cr0);
        hc_fpu_taskswitch(0);
        probe_read_cr(0, &cr0);
        xtest_check(!(cr0 & CR0_TS), "cr0 %#lx after fpu_taskswitch(0): TS set", cr0);
    }

    ex = probe_read_cr(4, &cr4);
    expect_no_exception("mov from cr4", &ex);
    printf("cr4 %#lx\n", cr4);
    xtest_check(ex.vector != EXINFO_NONE || ((cr4 & CR4_PAE) && !(cr4 & CR4_VMXE)),
                "cr4 %#lx: PAE should be set, VMXE clear", cr4);
}

/* mov to CR0 may change TS only; mov to CR4 sets what the guest reads back
 * (within the bits it may see), never the hardware's. */
static void test_control_register_writes(void)
{
    uint64_t cr0 = 0, cr4 = 0, now = 0;
    struct exinfo ex;

    probe_read_cr(0, &cr0);
    ex = probe_write_cr(0, cr0 | CR0_TS);
    expect_no_exception("mov to cr0 setting TS", &ex);
    probe_read_cr(0, &now);
    xtest_check(now & CR0_TS, "cr0 %#lx after setting TS with mov: TS clear", now);
    ex = probe_write_cr(0, cr0 & ~CR0_TS);
    expect_no_exception("mov to cr0 clearing TS", &ex);
    probe_read_cr(0, &now);
    xtest_check(!(now & CR0_TS), "cr0 %#lx after clearing TS with mov: TS set", now);
    ex = probe_write_cr(0, cr0 & ~CR0_WP);
    expect_exception("mov to cr0 clearing WP", &ex, X86_EXC_GP, 0);

    probe_read_cr(4, &cr4);
    ex = probe_write_cr(4, (cr4 & ~CR4_PGE) | CR4_VMXE);
    expect_no_exception("mov to cr4", &ex);
    probe_read_cr(4, &now);
    xtest_check(now == (cr4 & ~CR4_PGE),
                "cr4 reads %#lx after writing %#lx, expected %#lx (VMXE is not the guest's)",
                now, (cr4 & ~CR4_PGE) | CR4_VMXE, cr4 & ~CR4_PGE);
    ex = probe_write_cr(4, cr4);
    expect_no_exception("mov to cr4 restoring it", &ex);
    probe_read_cr(4, &now);
    xtest_check(now == cr4, "cr4 reads %#lx after restoring %#lx", now, cr4);
}

static void test_refused_instructions(void)
{
    static const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) gdt = { 0, 0 };
    /* The current L4: what a wrongly emulated mov to cr3 would load does no harm. */
    uint64_t cr3 = virt_to_mfn(xtest_start_info->pt_base) * PAGE_SIZE;
    struct exinfo ex;

    ex = probe_hlt();
    expect_exception("hlt", &ex, X86_EXC_GP, 0);
    ex = probe_write_cr3(cr3);
    expect_exception("mov to cr3", &ex, X86_EXC_GP, 0);
    ex = probe_lgdt(&gdt);
    expect_exception("lgdt", &ex, X86_EXC_GP, 0);
    ex = probe_invd();
    expect_exception("invd", &ex, X86_EXC_GP, 0);
    ex = probe_wbinvd();
    expect_no_exception("wbinvd (emulated as a no-op)", &ex);
}

static void test_port_io(void)
{
    uint8_t val = 0;
    struct exinfo ex;

    ex = probe_inb(POST_PORT, &val);
    expect_exception("inb 0x80 at IOPL 0", &ex, X86_EXC_GP, 0);
    ex = probe_outb(POST_PORT, 0x42);
    expect_exception("outb 0x80 at IOPL 0", &ex, X86_EXC_GP, 0);

    if (!expect_rc("physdev_op(set_iopl, 1)", hc_set_iopl(1), 0))
        return;
    ex = probe_outb(POST_PORT, 0x42);
    expect_no_exception("outb 0x80 at virtual IOPL 1", &ex);
    ex = probe_inb(POST_PORT, &val);
    expect_no_exception("inb 0x80 at virtual IOPL 1", &ex);
    /* A port the domain was not given: writes are dropped, reads return all ones. */
    xtest_check(ex.vector != EXINFO_NONE || val == 0xff, "inb 0x80 read %#x, expected 0xff",
                val);

    expect_rc("physdev_op(set_iopl, 0)", hc_set_iopl(0), 0);
    ex = probe_inb(POST_PORT, &val);
    expect_exception("inb 0x80 back at IOPL 0", &ex, X86_EXC_GP, 0);
}

/* cli/sti set and clear the event mask, under the virtual IOPL only. */
static void test_cli_sti(void)
{
    struct exinfo ex;
    uint8_t mask;

    if (!xtest_vcpu_info)
        return;     /* the runtime already failed the test */
    mask = xtest_vcpu_info->evtchn_upcall_mask;
    ex = probe_cli_sti(true);
    expect_exception("cli at IOPL 0", &ex, X86_EXC_GP, 0);
    if (!expect_rc("physdev_op(set_iopl, 1)", hc_set_iopl(1), 0))
        return;
    xtest_vcpu_info->evtchn_upcall_mask = 0;
    ex = probe_cli_sti(true);
    expect_no_exception("cli at virtual IOPL 1", &ex);
    xtest_check(xtest_vcpu_info->evtchn_upcall_mask == 1, "cli left upcall_mask %u, expected 1",
                xtest_vcpu_info->evtchn_upcall_mask);
    ex = probe_cli_sti(false);
    expect_no_exception("sti at virtual IOPL 1", &ex);
    xtest_check(xtest_vcpu_info->evtchn_upcall_mask == 0, "sti left upcall_mask %u, expected 0",
                xtest_vcpu_info->evtchn_upcall_mask);
    xtest_vcpu_info->evtchn_upcall_mask = mask;
    expect_rc("physdev_op(set_iopl, 0)", hc_set_iopl(0), 0);
}

void test_main(void)
{
    test_cpuid();
    test_msrs();
    test_control_registers();
    test_control_register_writes();
    test_refused_instructions();
    test_port_io();
    test_cli_sti();
}
