/*
 * The MSR policy. A few MSRs the guest owns outright are passed through by
 * the vendor's MSR bitmap (their values are part of the VMCS guest state, so
 * VM exits restore the host's). Every other RDMSR/WRMSR exits here and is
 * served from a whitelist; anything not listed gets #GP, as on a CPU without
 * that MSR.
 */
#include <asm/page.h>
#include <asm/processor.h>
#include <hvm/container.h>
#include <hvm/vendor.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/string.h>

#define VECTOR_GP 13
#define MSR_XEN_HYPERCALL_PAGE 0x40000000       /* = XEN_CPUID_FIRST_LEAF, as Xen */
#define HYPERCALL_STUB_SIZE 32

#define MSR_IA32_TSC 0x10
#define MSR_IA32_MTRRCAP 0xfe
#define MSR_IA32_UCODE_REV 0x8b
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_PAT 0x277
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102

/* The guest's APIC at the architectural base, enabled, this CPU the BSP. */
#define APIC_BASE_GUEST 0xfee00900UL
#define FEATURE_CONTROL_LOCKED 1UL      /* locked with VMX off: no nesting */
#define MISC_ENABLE_FAST_STRINGS 1UL

const struct hvm_msr_passthrough hvm_msr_passthrough[] = {
    { MSR_IA32_TSC, true, false },
    { MSR_IA32_SYSENTER_CS, true, true },
    { MSR_IA32_SYSENTER_ESP, true, true },
    { MSR_IA32_SYSENTER_EIP, true, true },
    { MSR_FS_BASE, true, true },
    { MSR_GS_BASE, true, true },
};
const unsigned int hvm_nr_msr_passthrough = ARRAY_SIZE(hvm_msr_passthrough);

enum msr_kind {
    MSR_FIXED,          /* reads give value; writing the same value is allowed */
    MSR_WRITE_IGNORED,  /* reads give value; writes are dropped */
    MSR_SHADOW,         /* kept per vCPU in msr_shadow[slot] */
    MSR_VENDOR,         /* kept in the VMCS (EFER, PAT) */
};

static const struct msr_policy {
    uint32_t msr;
    enum msr_kind kind;
    uint64_t value;     /* MSR_FIXED, MSR_WRITE_IGNORED: the value; MSR_SHADOW: the slot */
} msr_whitelist[] = {
    { MSR_IA32_FEATURE_CONTROL, MSR_FIXED, FEATURE_CONTROL_LOCKED },
    { MSR_IA32_APIC_BASE, MSR_FIXED, APIC_BASE_GUEST },
    { MSR_IA32_UCODE_REV, MSR_WRITE_IGNORED, 0 },
    { MSR_IA32_MTRRCAP, MSR_FIXED, 0 },
    { MSR_IA32_MISC_ENABLE, MSR_FIXED, MISC_ENABLE_FAST_STRINGS },
    { MSR_IA32_PAT, MSR_VENDOR, 0 },
    { MSR_EFER, MSR_VENDOR, 0 },
    /* The SYSCALL MSRs are not loaded into the CPU yet (64-bit guests need
     * them switched around entry and exit; see docs/hvm.md). */
    { MSR_STAR, MSR_SHADOW, 0 },
    { MSR_LSTAR, MSR_SHADOW, 1 },
    { MSR_CSTAR, MSR_SHADOW, 2 },
    { MSR_SFMASK, MSR_SHADOW, 3 },
    { MSR_KERNEL_GS_BASE, MSR_SHADOW, 4 },
};

static const struct msr_policy *msr_lookup(uint32_t msr)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(msr_whitelist); i++)
        if (msr_whitelist[i].msr == msr)
            return &msr_whitelist[i];
    return NULL;
}

static bool msr_read(struct hvm_vcpu *v, uint32_t msr, uint64_t *val)
{
    const struct msr_policy *p = msr_lookup(msr);

    if (!p)
        return false;
    switch (p->kind) {
    case MSR_FIXED: case MSR_WRITE_IGNORED:
        *val = p->value;
        return true;
    case MSR_SHADOW:
        *val = v->msr_shadow[p->value];
        return true;
    case MSR_VENDOR:
        return hvm_vendor->get_msr(v, msr, val);
    }
    return false;
}

static bool msr_write(struct hvm_vcpu *v, uint32_t msr, uint64_t val)
{
    const struct msr_policy *p = msr_lookup(msr);

    if (!p)
        return false;
    switch (p->kind) {
    case MSR_FIXED:
        return val == p->value;
    case MSR_WRITE_IGNORED:
        return true;
    case MSR_SHADOW:
        v->msr_shadow[p->value] = val;
        return true;
    case MSR_VENDOR:
        return hvm_vendor->set_msr(v, msr, val) == 0;
    }
    return false;
}

enum hvm_action hvm_handle_rdmsr(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    uint64_t val;

    if (!msr_read(v, (uint32_t)v->regs.gpr[HVM_GPR_RCX], &val)) {
        hvm_inject_exception(v, VECTOR_GP, 0);
        return HVM_RESUME;
    }
    v->regs.gpr[HVM_GPR_RAX] = (uint32_t)val;
    v->regs.gpr[HVM_GPR_RDX] = val >> 32;
    hvm_skip_insn(v, e);
    return HVM_RESUME;
}

/*
 * The hypercall page (Xen's HVM ABI, CPUID 0x40000002 names the MSR): the
 * guest writes the guest-physical address of a page of its RAM, with the
 * page's index (only 0: one page) in the low 12 bits, and gets a stub per
 * hypercall at 32 * nr: mov $nr, %eax; vmcall; ret. A domain's vCPUs only.
 */
static bool write_hypercall_page(struct hvm_vcpu *v, uint64_t val)
{
    if (!v->owner || (val & (PAGE_SIZE - 1)) || !hvm_gpa_is_ram(v->container, val))
        return false;
    for (unsigned int nr = 0; nr < PAGE_SIZE / HYPERCALL_STUB_SIZE; nr++) {
        uint8_t stub[HYPERCALL_STUB_SIZE], *p = stub;

        memset(stub, 0xcc, sizeof(stub));       /* int3 after the stub */
        *p++ = 0xb8;                                            /* mov $nr, %eax */
        memcpy(p, &nr, 4);
        p += 4;
        *p++ = 0x0f; *p++ = 0x01; *p = 0xc1;                    /* vmcall */
        stub[8] = 0xc3;                                         /* ret */
        if (hvm_copy_to_gpa(v->container, val + nr * sizeof(stub), stub, sizeof(stub)))
            return false;
    }
    return true;
}

enum hvm_action hvm_handle_wrmsr(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    uint64_t val = (uint32_t)v->regs.gpr[HVM_GPR_RAX] | ((uint64_t)(uint32_t)v->regs.gpr[HVM_GPR_RDX] << 32);
    uint32_t msr = (uint32_t)v->regs.gpr[HVM_GPR_RCX];
    bool ok = msr == MSR_XEN_HYPERCALL_PAGE ? write_hypercall_page(v, val) : msr_write(v, msr, val);

    if (!ok) {
        hvm_inject_exception(v, VECTOR_GP, 0);
        return HVM_RESUME;
    }
    hvm_skip_insn(v, e);
    return HVM_RESUME;
}
