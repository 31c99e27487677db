/*
 * The CPUID policy containers see: the host's leaves less what they cannot
 * use (VMX, SMX, monitor/mwait, the x2APIC and TSC deadline we do not
 * emulate yet, XSAVE whose state we do not switch yet, machine-check and
 * thermal MSRs we do not list), the hypervisor bit, the vCPU's APIC ID, and
 * the Xen leaves at 0x40000000 ("XenVMMXenVMM", Xen public/arch-x86/cpuid.h).
 */
#include <asm/processor.h>
#include <hvm/container.h>
#include <hvm/vendor.h>
#include <public/cpuid.h>
#include <xeno/xen_cpuid.h>

/* Leaf 1 (Vol. 2A, CPUID). */
#define L1_ECX_HIDDEN ((1U << 2) | (1U << 3) | (1U << 4) | (1U << 5) | (1U << 6) | \
                       (1U << 7) | (1U << 8) | (1U << 15) | (1U << 21) | (1U << 24) | \
                       (1U << 26) | (1U << 27))  /* DTES64 MONITOR DS-CPL VMX SMX EST TM2
                                                    PDCM x2APIC TSC-deadline XSAVE OSXSAVE */
#define L1_ECX_HYPERVISOR (1U << 31)
#define L1_EDX_HIDDEN ((1U << 7) | (1U << 14) | (1U << 21) | (1U << 22) | (1U << 29) | \
                       (1U << 31))               /* MCE MCA DS ACPI TM PBE */
/* Leaf 7.0 */
#define L7_EBX_HIDDEN ((1U << 12) | (1U << 14) | (1U << 15) | (1U << 25))  /* PQM MPX PQE PT */
#define L7_ECX_HIDDEN ((1U << 3) | (1U << 4) | (1U << 5) | (1U << 7) | (1U << 16))
                                                 /* PKU OSPKE WAITPKG CET-SS LA57 */
#define L7_EDX_HIDDEN (1U << 20)                 /* CET-IBT */
#define EXT1_ECX_SVM (1U << 2)

static void cpuid_policy(struct hvm_vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    struct cpuid_regs host;

    /* A domain's vCPU may have the hypercall page (hvm/msr.c); the
     * self-test's container uses VMCALL directly. */
    if (xen_cpuid_leaf(leaf, v->owner ? 1 : 0, r))
        return;
    host = cpuid_count(leaf, subleaf);
    r[0] = host.eax, r[1] = host.ebx, r[2] = host.ecx, r[3] = host.edx;
    switch (leaf) {
    case 1:
        r[1] = (r[1] & 0x00ffffff) | (v->id << 24);    /* initial APIC ID */
        r[2] = (r[2] & ~L1_ECX_HIDDEN) | L1_ECX_HYPERVISOR;
        r[3] &= ~L1_EDX_HIDDEN;
        break;
    case 6: case 0xa: case 0xd:     /* power, perfmon, XSAVE state: none */
        r[0] = r[1] = r[2] = r[3] = 0;
        break;
    case 7:
        if (subleaf == 0) {
            r[1] &= ~L7_EBX_HIDDEN;
            r[2] &= ~L7_ECX_HIDDEN;
            r[3] &= ~L7_EDX_HIDDEN;
        }
        break;
    case 0x80000001:
        r[2] &= ~EXT1_ECX_SVM;
        break;
    }
    hvm_vendor->cpuid_adjust(leaf, subleaf, r);
}

enum hvm_action hvm_handle_cpuid(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    uint32_t r[4];

    cpuid_policy(v, (uint32_t)v->regs.gpr[HVM_GPR_RAX], (uint32_t)v->regs.gpr[HVM_GPR_RCX], r);
    /* CPUID writes 32-bit registers: the upper halves become zero. */
    v->regs.gpr[HVM_GPR_RAX] = r[0];
    v->regs.gpr[HVM_GPR_RBX] = r[1];
    v->regs.gpr[HVM_GPR_RCX] = r[2];
    v->regs.gpr[HVM_GPR_RDX] = r[3];
    hvm_skip_insn(v, e);
    return HVM_RESUME;
}
