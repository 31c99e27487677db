/*
 * What this CPU offers the later issues: VT-x with EPT, VPID and unrestricted
 * guest (read from the VMX capability MSRs, Intel SDM Vol. 3, appendix A), or
 * AMD-V with nested paging (CPUID 0x8000000A, AMD APM Vol. 2, 15.4).
 */
#include <asm/cpufeatures.h>
#include <asm/processor.h>
#include <xeno/printk.h>
#include <xeno/string.h>

#define CPUID1_ECX_VMX (1U << 5)
#define EXT1_ECX_SVM (1U << 2)
#define SVM_EDX_NPT (1U << 0)
#define PROCBASED_SECONDARY (1UL << 31)
#define SECONDARY_EPT (1UL << 1)
#define SECONDARY_VPID (1UL << 5)
#define SECONDARY_UNRESTRICTED (1UL << 7)

struct cpu_features cpu_features;

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

static void read_vendor_and_brand(void)
{
    struct cpuid_regs r = cpuid(0);
    memcpy(cpu_features.vendor + 0, &r.ebx, 4);
    memcpy(cpu_features.vendor + 4, &r.edx, 4);
    memcpy(cpu_features.vendor + 8, &r.ecx, 4);
    cpu_features.vendor[12] = '\0';

    strlcpy(cpu_features.brand, "(no brand string)", sizeof(cpu_features.brand));
    if (cpuid(0x80000000).eax >= 0x80000004) {
        for (uint32_t i = 0; i < 3; i++) {
            r = cpuid(0x80000002 + i);
            memcpy(cpu_features.brand + 16 * i, &r, 16);
        }
        cpu_features.brand[48] = '\0';
    }
}

static void probe_vmx(void)
{
    uint64_t procbased, secondary;

    cpu_features.vmx = (cpuid(1).ecx & CPUID1_ECX_VMX) != 0;
    if (!cpu_features.vmx)
        return;
    /* Capability MSRs: the high 32 bits are the allowed-1 settings. */
    procbased = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS) >> 32;
    if (!(procbased & PROCBASED_SECONDARY))
        return;
    secondary = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) >> 32;
    cpu_features.ept = (secondary & SECONDARY_EPT) != 0;
    cpu_features.vpid = (secondary & SECONDARY_VPID) != 0;
    cpu_features.unrestricted_guest = (secondary & SECONDARY_UNRESTRICTED) != 0;
}

static void probe_svm(void)
{
    if (cpuid(0x80000000).eax < 0x8000000a)
        return;
    cpu_features.svm = (cpuid(0x80000001).ecx & EXT1_ECX_SVM) != 0;
    if (cpu_features.svm)
        cpu_features.npt = (cpuid(0x8000000a).edx & SVM_EDX_NPT) != 0;
}

void cpu_identify(void)
{
    const char *brand = cpu_features.brand;

    read_vendor_and_brand();
    while (*brand == ' ')
        brand++;
    printk("cpu: %s %s\n", cpu_features.vendor, brand);
}

void cpu_features_report(void)
{
    probe_vmx();
    probe_svm();
    if (cpu_features.vmx)
        printk("vmx: supported, EPT %s, VPID %s, unrestricted guest %s\n",
               yes_no(cpu_features.ept), yes_no(cpu_features.vpid),
               yes_no(cpu_features.unrestricted_guest));
    else
        printk("vmx: not supported\n");
    if (cpu_features.svm)
        printk("svm: supported, NPT %s\n", yes_no(cpu_features.npt));
    else
        printk("svm: not supported\n");
}
