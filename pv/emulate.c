/*
 * Privileged instructions a PV kernel executes at CPL3 fault with #GP (or #UD
 * for the forced-emulation CPUID prefix); the ones the ABI allows are emulated
 * here and the guest resumes after them. Anything else is left for the caller
 * to bounce to the guest as the fault it was.
 */
#include <asm/guest_access.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <public/cpuid.h>
#include <pv/pv.h>
#include <xeno/xen_cpuid.h>
#include <xeno/domain.h>

#define MAX_INSN 15
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_PLATFORM_ID 0x17
#define MSR_UCODE_REV 0x8b
#define MSR_ARCH_CAPABILITIES 0x10a
#define MSR_MISC_ENABLE 0x1a0
#define MSR_PAT 0x277
#define PAT_DEFAULT_LINUX_PV 0x0000050100070406UL
#define EFER_GUEST_VIEW 0xd01UL                 /* SCE, LME, LMA, NXE */
#define CR0_TS (1UL << 3)
#define CR4_GUEST_VISIBLE ((1UL << 5) | (1UL << 7) | (1UL << 9) | (1UL << 10)) /* PAE PGE OSFXSR OSXMMEXCPT */

uint64_t pv_initial_cr4(void)
{
    return read_cr4() & CR4_GUEST_VISIBLE;
}

/* Whether the virtual IOPL lets the vCPU do port I/O and cli/sti: its kernel
 * counts as CPL1, its user mode as CPL3 (Xen's rule). */
static bool iopl_allows(const struct vcpu *v)
{
    return v->pv.iopl >= (v->pv.kernel_mode ? 1U : 3U);
}

/* General register n (ModRM numbering) in the trap frame. */
uint64_t *pv_gpr(struct cpu_regs *r, unsigned int n)
{
    uint64_t *const map[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
                                &r->rsi, &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11,
                                &r->r12, &r->r13, &r->r14, &r->r15 };
    return map[n & 15];
}

void pv_cpuid_policy(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
    uint32_t r[4];

    if (xen_cpuid_leaf(leaf, 1, r)) {
        *out = (struct cpuid_regs){ r[0], r[1], r[2], r[3] };
        return;
    }
    *out = cpuid_count(leaf, subleaf);
    if (leaf == 1) {
        out->ecx &= ~((1U << 3) | (1U << 5) | (1U << 6) | (1U << 17) | (1U << 21));
                                                    /* no MONITOR, VMX, SMX, PCID, x2APIC */
        out->ecx |= 1U << 31;                               /* running on a hypervisor */
        /* No superpages: PV page tables are validated 4 KiB at a time (as Xen). */
        out->edx &= ~((1U << 3) | (1U << 17));              /* no PSE, PSE36 */
        /* Machine checks belong to the hypervisor; the MCE MSRs #GP for PV guests. */
        out->edx &= ~((1U << 7) | (1U << 14));              /* no MCE, MCA */
    } else if (leaf == 7 && subleaf == 0) {
        /* A PV kernel runs at CPL3: CLAC/STAC and WRFSBASE would #UD, SMEP/SMAP/UMIP/
         * PKU/INVPCID are the hypervisor's CR4 to manage, not the guest's. */
        out->ebx &= ~((1U << 0) | (1U << 7) | (1U << 10) | (1U << 20)); /* FSGSBASE SMEP INVPCID SMAP */
        out->ecx &= ~((1U << 2) | (1U << 3) | (1U << 4));               /* UMIP PKU OSPKE */
    } else if (leaf == 0x80000001) {
        out->ecx &= ~(1U << 2);                             /* no SVM */
        out->edx &= ~(1U << 26);                            /* no 1 GiB pages */
    }
}

bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_regs *regs)
{
    static const uint8_t sig[XEN_CPUID_FORCED_EMUL_LEN] = { XEN_CPUID_FORCED_EMUL_PREFIX_BYTES, 0x0f, 0xa2 };
    uint8_t insn[XEN_CPUID_FORCED_EMUL_LEN];
    struct cpuid_regs r;

    (void)v;
    if (copy_from_guest(insn, regs->rip, sizeof(insn)))
        return false;
    for (unsigned int i = 0; i < sizeof(sig); i++)
        if (insn[i] != sig[i])
            return false;
    pv_cpuid_policy((uint32_t)regs->rax, (uint32_t)regs->rcx, &r);
    regs->rax = r.eax;
    regs->rbx = r.ebx;
    regs->rcx = r.ecx;
    regs->rdx = r.edx;
    regs->rip += sizeof(sig);
    return true;
}

static bool emulate_rdmsr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_FS_BASE: *val = rdmsr(MSR_FS_BASE); return true;
    case MSR_GS_BASE: *val = rdmsr(MSR_GS_BASE); return true;
    case MSR_KERNEL_GS_BASE:
        *val = v->pv.kernel_mode ? v->pv.gs_base_user : v->pv.gs_base_kernel;
        return true;
    case MSR_EFER: *val = EFER_GUEST_VIEW; return true;
    case MSR_IA32_APIC_BASE: *val = 0xfee00900UL; return true;   /* enabled, BSP */
    case MSR_MISC_ENABLE: *val = (1UL << 0) | (1UL << 11) | (1UL << 12); return true;
    case MSR_PLATFORM_ID:
    case MSR_UCODE_REV:
    case MSR_ARCH_CAPABILITIES: *val = 0; return true;
    case MSR_PAT: *val = PAT_DEFAULT_LINUX_PV; return true;
    default: return false;
    }
}

static bool emulate_wrmsr(struct vcpu *v, uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
        if (!is_canonical(val))
            return false;
        wrmsr(msr, val);
        if (msr == MSR_FS_BASE)
            v->pv.fs_base = val;
        return true;
    case MSR_KERNEL_GS_BASE:
        if (!is_canonical(val))
            return false;
        if (v->pv.kernel_mode)
            v->pv.gs_base_user = val;
        else
            v->pv.gs_base_kernel = val;
        return true;
    default:
        return false;
    }
}

/* Virtual IOPL: the guest kernel counts as ring 1, guest user as ring 3.
 * Only a privileged domain touches real ports; others read all-ones and their
 * writes go nowhere. */
static bool emulate_io(struct vcpu *v, struct cpu_regs *regs, bool in, uint16_t port,
                       unsigned int size)
{
    uint64_t mask = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffUL;

    if (!iopl_allows(v))
        return false;
    if (in) {
        uint64_t val = mask;
        if (v->domain->privileged && size == 1)
            val = inb(port);
        regs->rax = (regs->rax & ~mask) | (val & mask);
    } else if (v->domain->privileged && size == 1) {
        outb(port, (uint8_t)regs->rax);
    }
    return true;
}

static bool emulate_mov_from_cr(struct vcpu *v, struct cpu_regs *regs, uint8_t modrm, uint8_t rex)
{
    unsigned int cr = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
    uint64_t val;

    if ((modrm >> 6) != 3)
        return false;
    switch (cr) {
    case 0: val = (read_cr0() & ~CR0_TS) | (v->pv.fpu_ts ? CR0_TS : 0); break;
    case 2: val = v->vcpu_info->arch.cr2; break;
    case 3: val = (v->pv.kernel_mode ? v->pv.kernel_l4_mfn : v->pv.user_l4_mfn) << 12; break;
    case 4: val = v->pv.cr4; break;
    default: return false;
    }
    *pv_gpr(regs, (modrm & 7) | ((rex & 1) ? 8 : 0)) = val;
    return true;
}

/* mov to CR0/CR4, as Xen allows a PV kernel: CR0 may change only TS (as
 * fpu_taskswitch does); a CR4 write is accepted and becomes the guest's view of
 * the bits it may see, the rest ignored; anything else (CR3, ...) is a #GP. */
static bool emulate_mov_to_cr(struct vcpu *v, struct cpu_regs *regs, uint8_t modrm, uint8_t rex)
{
    unsigned int cr = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
    uint64_t val;

    if ((modrm >> 6) != 3)
        return false;
    val = *pv_gpr(regs, (modrm & 7) | ((rex & 1) ? 8 : 0));
    switch (cr) {
    case 0:
        if ((val ^ read_cr0()) & ~CR0_TS)
            return false;
        v->pv.fpu_ts = (val & CR0_TS) != 0;
        __asm__ volatile("mov %%cr0, %%rax; and $~8, %%rax; or %0, %%rax; mov %%rax, %%cr0"
                         :: "r"(val & CR0_TS) : "rax", "memory");
        return true;
    case 4:
        v->pv.cr4 = val & CR4_GUEST_VISIBLE;
        return true;
    default:
        return false;
    }
}

bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs)
{
    uint8_t insn[MAX_INSN];
    unsigned int i = 0, opsize = 4;
    uint8_t rex = 0;
    uint64_t val;

    if (copy_from_guest(insn, regs->rip, sizeof(insn)))
        return false;
    for (; i < 4; i++) {                    /* legacy prefixes, then REX */
        if (insn[i] == 0x66)
            opsize = 2;
        else if (insn[i] != 0xf3 && insn[i] != 0xf2)
            break;
    }
    if ((insn[i] & 0xf0) == 0x40)
        rex = insn[i++];

    /* Guest user mode is ring 3 to the guest kernel: only port I/O (under the
     * virtual IOPL) may be emulated for it; everything else stays a #GP. */
    bool io = (insn[i] & 0xf4) == 0xe4 || insn[i] == 0xfa || insn[i] == 0xfb;
    if (!v->pv.kernel_mode && !io)
        return false;

    switch (insn[i]) {
    case 0xfa: case 0xfb:
        /* cli/sti: a PV kernel's interrupt flag is its event mask; allowed
         * under the virtual IOPL, as Xen does. */
        if (!iopl_allows(v))
            return false;
        v->vcpu_info->evtchn_upcall_mask = insn[i] == 0xfa;
        regs->rip += i + 1;
        return true;
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:         /* in/out with imm8 port */
        if (!emulate_io(v, regs, !(insn[i] & 2), insn[i + 1], (insn[i] & 1) ? opsize : 1))
            return false;
        regs->rip += i + 2;
        return true;
    case 0xec: case 0xed: case 0xee: case 0xef:         /* in/out with port in dx */
        if (!emulate_io(v, regs, !(insn[i] & 2), (uint16_t)regs->rdx, (insn[i] & 1) ? opsize : 1))
            return false;
        regs->rip += i + 1;
        return true;
    case 0x0f:
        break;
    default:
        return false;
    }
    switch (insn[i + 1]) {
    case 0x30:                                          /* wrmsr */
        if (!emulate_wrmsr(v, (uint32_t)regs->rcx, (regs->rdx << 32) | (uint32_t)regs->rax))
            return false;
        break;
    case 0x32:                                          /* rdmsr */
        if (!emulate_rdmsr(v, (uint32_t)regs->rcx, &val))
            return false;
        regs->rax = (uint32_t)val;
        regs->rdx = val >> 32;
        break;
    case 0x20:                                          /* mov from cr */
        if (!emulate_mov_from_cr(v, regs, insn[i + 2], rex))
            return false;
        regs->rip += i + 3;
        return true;
    case 0x22:                                          /* mov to cr */
        if (!emulate_mov_to_cr(v, regs, insn[i + 2], rex))
            return false;
        regs->rip += i + 3;
        return true;
    case 0x06:                                          /* clts */
        v->pv.fpu_ts = false;
        __asm__ volatile("clts");
        break;
    case 0x09:                                          /* wbinvd: nothing to flush for a guest */
        break;
    default:
        return false;
    }
    regs->rip += i + 2;
    return true;
}
