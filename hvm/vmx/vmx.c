/*
 * VT-x on a CPU: the capability MSRs and the controls we choose from them
 * (Vol. 3D appendix A), VMX operation on and off (Vol. 3C 23.7-23.8), making
 * a vCPU's VMCS current, and the vendor ops table the shared code calls.
 */
#include <asm/cpu_call.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <xeno/buddy.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>
#include "insn.h"
#include "vmcs.h"
#include "vmx.h"

#define CR4_VMXE (1UL << 13)

struct vmx_caps vmx_caps;
unsigned int vmx_field_errors;

static struct {
    uint64_t vmxon_maddr;       /* 0: VMX is off on this CPU */
    uint64_t cr4_before;
    struct hvm_vcpu *current;   /* whose VMCS is current here */
} vmx_cpu[NR_CPUS];
/* The CPUs in VMX operation (bit n: CPU n): where an EPT change is flushed. */
static uint64_t vmx_on_cpus;


uint64_t vmcs_read(uint32_t field)
{
    uint64_t v = 0;
    if (!vmread_checked(field, &v)) {
        vmx_field_errors++;
        printk(LOG_ERR "vmx: VMREAD of field %#x failed\n", field);
    }
    return v;
}

void vmcs_write(uint32_t field, uint64_t value)
{
    if (!vmwrite_checked(field, value)) {
        vmx_field_errors++;
        printk(LOG_ERR "vmx: VMWRITE of field %#x (value %#lx) failed: %s\n", field, value,
               vmx_insn_error_name((uint32_t)vmcs_read(VMCS_VM_INSN_ERROR)));
    }
}

/*
 * A control word from its capability MSR: bits 31:0 are the allowed 0-settings
 * (a 1 there means the control must be 1), bits 63:32 the allowed 1-settings
 * (A.3-A.5). `need` must all be allowed; `want` are taken where allowed.
 */
static int adjust_controls(const char *what, uint32_t msr, uint32_t need, uint32_t want,
                           uint32_t *out, char *why, size_t len)
{
    uint64_t cap = rdmsr(msr);
    uint32_t must = (uint32_t)cap, may = (uint32_t)(cap >> 32);

    if ((need & may) != need) {
        snprintf(why, len, "%s controls %#x not supported (allowed %#x)", what,
                 need & ~may, may);
        return -ENODEV;
    }
    *out = (must | need | (want & may)) & may;
    return 0;
}

static int read_caps(char *why, size_t len)
{
    struct vmx_caps *c = &vmx_caps;
    bool true_ctls;
    int rc;

    c->basic = rdmsr(MSR_VMX_BASIC);
    c->misc = rdmsr(MSR_VMX_MISC);
    c->cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
    c->cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
    c->cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
    c->cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
    if (VMX_BASIC_REGION_SIZE(c->basic) > PAGE_SIZE ||
        (c->basic & VMX_BASIC_32BIT_ADDRESSES) || VMX_BASIC_MEMTYPE(c->basic) != VMX_MEMTYPE_WB) {
        snprintf(why, len, "unusable IA32_VMX_BASIC %#lx", c->basic);
        return -ENODEV;
    }
    /* With bit 55 the TRUE MSRs say which default-1 controls may be 0 (A.2). */
    true_ctls = c->basic & VMX_BASIC_TRUE_CTLS;
    rc = adjust_controls("pin-based", true_ctls ? MSR_VMX_TRUE_PINBASED_CTLS
                                                : MSR_VMX_PINBASED_CTLS,
                         PIN_EXT_INTR_EXITING | PIN_NMI_EXITING, PIN_PREEMPT_TIMER,
                         &c->pin, why, len);
    rc = rc ?: adjust_controls("processor-based", true_ctls ? MSR_VMX_TRUE_PROCBASED_CTLS
                                                            : MSR_VMX_PROCBASED_CTLS,
                               CPU_HLT_EXITING | CPU_UNCOND_IO_EXITING | CPU_USE_MSR_BITMAPS |
                               CPU_SECONDARY_CONTROLS | CPU_MWAIT_EXITING | CPU_MONITOR_EXITING,
                               CPU_RDPMC_EXITING, &c->cpu, why, len);
    rc = rc ?: adjust_controls("secondary", MSR_VMX_PROCBASED_CTLS2,
                               CPU2_ENABLE_EPT | CPU2_ENABLE_VPID | CPU2_UNRESTRICTED_GUEST,
                               CPU2_ENABLE_RDTSCP | CPU2_ENABLE_INVPCID | CPU2_WBINVD_EXITING,
                               &c->cpu2, why, len);
    rc = rc ?: adjust_controls("exit", true_ctls ? MSR_VMX_TRUE_EXIT_CTLS : MSR_VMX_EXIT_CTLS,
                               EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_EFER | EXIT_LOAD_EFER |
                               EXIT_SAVE_PAT | EXIT_LOAD_PAT, 0, &c->exit, why, len);
    rc = rc ?: adjust_controls("entry", true_ctls ? MSR_VMX_TRUE_ENTRY_CTLS : MSR_VMX_ENTRY_CTLS,
                               ENTRY_LOAD_EFER | ENTRY_LOAD_PAT, 0, &c->entry, why, len);
    if (rc)
        return rc;
    /* These exits would stop every CR3 load, INVLPG and DR access; EPT makes them useless. */
    if (c->cpu & (CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING | CPU_INVLPG_EXITING)) {
        snprintf(why, len, "CR3/INVLPG exiting cannot be turned off (controls %#x)", c->cpu);
        return -ENODEV;
    }
    c->ept_vpid = rdmsr(MSR_VMX_EPT_VPID_CAP);
    if (!(c->ept_vpid & EPT_CAP_WALK_4) || !(c->ept_vpid & EPT_CAP_WB) ||
        !(c->ept_vpid & EPT_CAP_INVEPT) ||
        !(c->ept_vpid & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL)) ||
        !(c->ept_vpid & VPID_CAP_INVVPID) ||
        !(c->ept_vpid & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL))) {
        snprintf(why, len, "EPT/VPID lack a 4-level WB walk, INVEPT or INVVPID (cap %#lx)",
                 c->ept_vpid);
        return -ENODEV;
    }
    return 0;
}

/* IA32_FEATURE_CONTROL must allow VMXON outside SMX; lock it that way if the
 * firmware left it open (Vol. 3C 23.7). */
static int enable_feature_control(char *why, size_t len)
{
    uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

    if (!(fc & FEATURE_CONTROL_LOCK)) {
        fc |= FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
        wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
    }
    if (!(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
        snprintf(why, len, "VMX is disabled by the firmware (IA32_FEATURE_CONTROL %#lx)", fc);
        return -ENODEV;
    }
    return 0;
}

/* Caps are read once: every CPU of a machine reports the same (a mix would
 * be a machine we do not support). */
static int caps_once(char *why, size_t len)
{
    static bool read;
    int rc;

    if (read)
        return 0;
    rc = read_caps(why, len);
    if (!rc)
        read = true;
    return rc;
}

static struct page_info *alloc_vmxon_region(void)
{
    struct page_info *pg = alloc_frames(0);
    uint32_t *region;

    if (!pg)
        return NULL;
    region = page_to_virt(pg);
    memset(region, 0, PAGE_SIZE);
    region[0] = (uint32_t)(vmx_caps.basic & VMX_BASIC_REVISION_MASK);
    return pg;
}

/* VMXON on this CPU with a region the caller allocated: the remote half runs
 * in interrupt context (asm/cpu_call.h), where we do not allocate. */
static int enter_vmx_here(struct page_info *pg, char *why, size_t len)
{
    unsigned int cpu = smp_processor_id();
    uint64_t cr0, cr4;
    int rc = enable_feature_control(why, len);

    if (rc)
        return rc;
    /* CR0 and CR4 must hold the bits fixed in VMX operation (23.8). */
    cr0 = (read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1;
    write_cr0(cr0);
    vmx_cpu[cpu].cr4_before = read_cr4();
    cr4 = (read_cr4() | vmx_caps.cr4_fixed0 | CR4_VMXE) & vmx_caps.cr4_fixed1;
    write_cr4(cr4);
    if (!vmxon((uint64_t)page_to_mfn(pg) << PAGE_SHIFT)) {
        write_cr4(vmx_cpu[cpu].cr4_before);
        snprintf(why, len, "VMXON failed");
        return -EIO;
    }
    vmx_cpu[cpu].vmxon_maddr = (uint64_t)page_to_mfn(pg) << PAGE_SHIFT;
    vmx_cpu[cpu].current = NULL;
    __atomic_fetch_or(&vmx_on_cpus, 1ULL << cpu, __ATOMIC_SEQ_CST);
    return 0;
}

struct remote_vmxon {
    struct page_info *region;
    int rc;
    char why[96];
};

static void enter_vmx_remote(void *arg)
{
    struct remote_vmxon *r = arg;

    r->rc = enter_vmx_here(r->region, r->why, sizeof(r->why));
}

int vmx_cpu_up(char *why, size_t len)
{
    unsigned int cpu = smp_processor_id();
    struct page_info *pg;
    int rc;

    if (vmx_cpu[cpu].vmxon_maddr)
        return 0;
    rc = caps_once(why, len);
    if (rc)
        return rc;
    pg = alloc_vmxon_region();
    if (!pg) {
        snprintf(why, len, "out of memory for the VMXON region");
        return -ENOMEM;
    }
    rc = enter_vmx_here(pg, why, len);
    if (rc) {
        free_frames(pg, 0);
        return rc;
    }
    printk(LOG_DEBUG "vmx: cpu%u in VMX operation, revision %#lx, controls pin %#x cpu %#x "
           "cpu2 %#x exit %#x entry %#x\n", cpu, vmx_caps.basic & VMX_BASIC_REVISION_MASK,
           vmx_caps.pin, vmx_caps.cpu, vmx_caps.cpu2, vmx_caps.exit, vmx_caps.entry);
    return 0;
}

int vmx_all_cpus_up(char *why, size_t len)
{
    int rc = vmx_cpu_up(why, len);
    uint64_t online = cpu_online_mask();

    for (unsigned int cpu = 0; !rc && online >> cpu; cpu++) {
        struct remote_vmxon r = { .rc = 0 };

        if (!(online >> cpu & 1) || vmx_cpu[cpu].vmxon_maddr)
            continue;
        r.region = alloc_vmxon_region();
        if (!r.region) {
            snprintf(why, len, "out of memory for CPU %u's VMXON region", cpu);
            return -ENOMEM;
        }
        cpu_call_one(cpu, enter_vmx_remote, &r);
        rc = r.rc;
        if (rc) {
            free_frames(r.region, 0);
            snprintf(why, len, "CPU %u: %s", cpu, r.why);
        }
    }
    return rc;
}

void vmx_cpu_down(void)
{
    unsigned int cpu = smp_processor_id();

    if (!vmx_cpu[cpu].vmxon_maddr)
        return;
    /* Every VMCS must be cleared (vmx_vcpu_destroy) before VMX goes off. */
    __atomic_fetch_and(&vmx_on_cpus, ~(1ULL << cpu), __ATOMIC_SEQ_CST);
    vmxoff();
    write_cr4(vmx_cpu[cpu].cr4_before);
    free_frames(mfn_to_page(vmx_cpu[cpu].vmxon_maddr >> PAGE_SHIFT), 0);
    vmx_cpu[cpu].vmxon_maddr = 0;
    vmx_cpu[cpu].current = NULL;
}

/* VMCLEAR v's VMCS here, where it is active (maybe from another CPU's
 * request: v runs nowhere meanwhile). */
static void vmcs_clear_here(void *arg)
{
    struct hvm_vcpu *v = arg;
    unsigned int cpu = smp_processor_id();

    if (!vmclear(to_vmx(v)->vmcs_maddr))
        panic("vmx: VMCLEAR of %#lx failed", to_vmx(v)->vmcs_maddr);
    if (vmx_cpu[cpu].current == v)
        vmx_cpu[cpu].current = NULL;
}

void vmx_vmcs_deactivate(struct hvm_vcpu *v)
{
    struct vmx_vcpu *x = to_vmx(v);

    if (x->cpu < 0)
        return;
    /* A VMCS active on one CPU must not be loaded on another (24.11.1):
     * VMCLEAR writes its cached state back to memory there. */
    cpu_call_one((unsigned int)x->cpu, vmcs_clear_here, v);
    x->cpu = -1;
    x->launched = false;        /* after VMCLEAR only VMLAUNCH enters (24.11.3) */
}

void vmx_vcpu_load(struct hvm_vcpu *v)
{
    struct vmx_vcpu *x = to_vmx(v);
    unsigned int cpu = smp_processor_id();
    bool lands = x->cpu != (int)cpu;

    if (vmx_cpu[cpu].current == v)
        return;
    if (lands)
        vmx_vmcs_deactivate(v);
    if (!vmptrld(x->vmcs_maddr))
        panic("vmx: VMPTRLD of %#lx failed", x->vmcs_maddr);
    vmx_cpu[cpu].current = v;
    if (lands) {
        x->cpu = (int)cpu;
        vmx_write_host_state();
        /* Guest translations this CPU cached under its VPID on an earlier stay
         * (or for an earlier owner of the VPID) may be stale now. */
        invvpid((vmx_caps.ept_vpid & VPID_CAP_INVVPID_SINGLE) ? INVVPID_SINGLE : INVVPID_ALL,
                x->vpid);
    }
}

static void invept_here(void *arg)
{
    invept((vmx_caps.ept_vpid & EPT_CAP_INVEPT_SINGLE) ? INVEPT_SINGLE : INVEPT_ALL,
           *(const uint64_t *)arg);
}

void vmx_invept_everywhere(uint64_t eptp)
{
    cpu_call_mask(__atomic_load_n(&vmx_on_cpus, __ATOMIC_SEQ_CST), invept_here, &eptp);
}

static const char *const insn_errors[] = {
    [1] = "VMCALL executed in VMX root operation",
    [2] = "VMCLEAR with invalid physical address",
    [3] = "VMCLEAR with VMXON pointer",
    [4] = "VMLAUNCH with non-clear VMCS",
    [5] = "VMRESUME with non-launched VMCS",
    [6] = "VMRESUME after VMXOFF",
    [7] = "VM entry with invalid control field(s)",
    [8] = "VM entry with invalid host-state field(s)",
    [9] = "VMPTRLD with invalid physical address",
    [10] = "VMPTRLD with VMXON pointer",
    [11] = "VMPTRLD with incorrect VMCS revision identifier",
    [12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
    [13] = "VMWRITE to read-only VMCS component",
    [15] = "VMXON executed in VMX root operation",
    [16] = "VM entry with invalid executive-VMCS pointer",
    [17] = "VM entry with non-launched executive VMCS",
    [18] = "VM entry with executive-VMCS pointer not VMXON pointer",
    [19] = "VMCALL with non-clear VMCS",
    [20] = "VMCALL with invalid VM-exit control fields",
    [22] = "VMCALL with incorrect MSEG revision identifier",
    [23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
    [24] = "VMCALL with invalid SMM-monitor features",
    [25] = "VM entry with invalid VM-execution control fields in executive VMCS",
    [26] = "VM entry with events blocked by MOV SS",
    [28] = "invalid operand to INVEPT/INVVPID",
};

const char *vmx_insn_error_name(uint32_t error)
{
    if (error < ARRAY_SIZE(insn_errors) && insn_errors[error])
        return insn_errors[error];
    return "unknown VM-instruction error";
}

static const char *const reason_names[EXIT_REASON_MAX] = {
    [0] = "exception or NMI", [1] = "external interrupt", [2] = "triple fault",
    [3] = "INIT signal", [4] = "SIPI", [5] = "I/O SMI", [6] = "other SMI",
    [7] = "interrupt window", [8] = "NMI window", [9] = "task switch", [10] = "CPUID",
    [11] = "GETSEC", [12] = "HLT", [13] = "INVD", [14] = "INVLPG", [15] = "RDPMC",
    [16] = "RDTSC", [17] = "RSM", [18] = "VMCALL", [19] = "VMCLEAR", [20] = "VMLAUNCH",
    [21] = "VMPTRLD", [22] = "VMPTRST", [23] = "VMREAD", [24] = "VMRESUME",
    [25] = "VMWRITE", [26] = "VMXOFF", [27] = "VMXON", [28] = "control-register access",
    [29] = "MOV DR", [30] = "I/O instruction", [31] = "RDMSR", [32] = "WRMSR",
    [33] = "VM-entry failure: invalid guest state", [34] = "VM-entry failure: MSR loading",
    [36] = "MWAIT", [37] = "monitor trap flag", [39] = "MONITOR", [40] = "PAUSE",
    [41] = "VM-entry failure: machine-check event", [43] = "TPR below threshold",
    [44] = "APIC access", [45] = "virtualized EOI", [46] = "GDTR/IDTR access",
    [47] = "LDTR/TR access", [48] = "EPT violation", [49] = "EPT misconfiguration",
    [50] = "INVEPT", [51] = "RDTSCP", [52] = "VMX-preemption timer expired",
    [53] = "INVVPID", [54] = "WBINVD", [55] = "XSETBV", [56] = "APIC write",
    [57] = "RDRAND", [58] = "INVPCID", [59] = "VMFUNC", [60] = "ENCLS", [61] = "RDSEED",
    [62] = "page-modification log full", [63] = "XSAVES", [64] = "XRSTORS",
};

const char *vmx_exit_reason_name(uint32_t reason)
{
    reason &= 0xffff;
    if (reason < ARRAY_SIZE(reason_names) && reason_names[reason])
        return reason_names[reason];
    return "unknown exit reason";
}

static void vmx_cpuid_adjust(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    /* Instructions the secondary controls did not enable raise #UD in the guest. */
    if (leaf == 7 && subleaf == 0 && !(vmx_caps.cpu2 & CPU2_ENABLE_INVPCID))
        r[1] &= ~(1U << 10);
    if (leaf == 0x80000001 && !(vmx_caps.cpu2 & CPU2_ENABLE_RDTSCP))
        r[3] &= ~(1U << 27);
}

const struct hvm_vendor_ops vmx_vendor_ops = {
    .name = "vmx",
    .npf_name = "EPT violation",
    .cpu_up = vmx_cpu_up,
    .all_cpus_up = vmx_all_cpus_up,
    .cpu_down = vmx_cpu_down,
    .container_init = vmx_container_init,
    .container_destroy = vmx_container_destroy,
    .map_ram = vmx_map_ram,
    .map_page = vmx_map_page,
    .vcpu_init = vmx_vcpu_init,
    .vcpu_destroy = vmx_vcpu_destroy,
    .enter = vmx_enter,
    .inject = vmx_inject,
    .irq_window_open = vmx_irq_window_open,
    .want_irq_window = vmx_want_irq_window,
    .end_intr_shadow = vmx_end_intr_shadow,
    .get_segment = vmx_get_segment,
    .get_cr = vmx_get_cr,
    .set_cr = vmx_set_cr,
    .get_msr = vmx_get_msr,
    .set_msr = vmx_set_msr,
    .cpuid_adjust = vmx_cpuid_adjust,
    .dump = vmx_dump,
};
