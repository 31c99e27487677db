/*
 * A vCPU's VMCS: controls from the chosen capabilities, host state from the
 * CPU it runs on, guest state for the PVH entry (Vol. 3C 24.4-24.8; the checks
 * VM entry makes are 26.2-26.3). Also the guest's control registers and
 * VMCS-held MSRs as the shared code sees them.
 */
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <xeno/buddy.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/string.h>
#include <xeno/xmalloc.h>
#include "insn.h"
#include "vmcs.h"
#include "vmx.h"

#define MSR_IA32_PAT 0x277
#define CR0_PE (1UL << 0)
#define CR0_ET (1UL << 4)
#define CR0_NW (1UL << 29)
#define CR0_CD (1UL << 30)
#define CR0_PG (1UL << 31)
#define CR4_PAE (1UL << 5)
#define CR4_VMXE (1UL << 13)
#define CR4_SMXE (1UL << 14)
#define CR4_OSXSAVE (1UL << 18)
#define CR4_PKE (1UL << 22)
#define CR4_CET (1UL << 23)
#define CR4_LA57 (1UL << 12)
/* CR4 bits a guest may never set: VMX is hidden, the rest have no CPUID bit
 * (cpuid.c) or state we switch. */
#define CR4_GUEST_FORBIDDEN (CR4_VMXE | CR4_SMXE | CR4_OSXSAVE | CR4_PKE | CR4_CET | CR4_LA57)
#define EFER_SCE (1UL << 0)
#define EFER_LME (1UL << 8)
#define EFER_LMA (1UL << 10)
#define EFER_GUEST_BITS (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define PAT_POWER_ON 0x0007040600070406UL
#define DR7_INIT 0x400
#define RFLAGS_FIXED 0x2

/* Flat 32-bit segments as a PVH kernel starts with (access rights, 24.4.1). */
#define AR_CODE32 0xc09b        /* G, D, P, S, execute/read accessed */
#define AR_DATA32 0xc093        /* G, B, P, S, read/write accessed */
#define AR_TSS32_BUSY 0x008b
#define PVH_SEL_CODE 0x08
#define PVH_SEL_DATA 0x10

static uint16_t next_vpid;

/* VPIDs may be reused (after 65535 vCPUs): a vCPU's VPID is flushed on each
 * CPU it lands on (vmx_vcpu_load), so nothing an earlier owner left is seen. */
static uint16_t vpid_alloc(void)
{
    uint16_t vpid;

    do                          /* VPID 0 is the host's */
        vpid = __atomic_add_fetch(&next_vpid, 1, __ATOMIC_RELAXED);
    while (vpid == 0);
    return vpid;
}

void vmx_write_host_state(void)
{
    struct percpu *pc = this_cpu();
    struct desc_ptr idtr;

    __asm__ volatile("sidt %0" : "=m"(idtr));
    vmcs_write(VMCS_HOST_CR0, read_cr0());
    vmcs_write(VMCS_HOST_CR3, idle_pg_table_maddr);
    vmcs_write(VMCS_HOST_CR4, read_cr4());
    vmcs_write(VMCS_HOST_CS_SEL, HYPERVISOR_CS);
    vmcs_write(VMCS_HOST_SS_SEL, HYPERVISOR_DS);
    vmcs_write(VMCS_HOST_DS_SEL, HYPERVISOR_DS);
    vmcs_write(VMCS_HOST_ES_SEL, HYPERVISOR_DS);
    vmcs_write(VMCS_HOST_FS_SEL, 0);
    vmcs_write(VMCS_HOST_GS_SEL, 0);
    vmcs_write(VMCS_HOST_TR_SEL, SEL_TSS);
    vmcs_write(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
    vmcs_write(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
    vmcs_write(VMCS_HOST_TR_BASE, (uint64_t)&pc->tss);
    vmcs_write(VMCS_HOST_GDTR_BASE, pc->gdt_base);
    vmcs_write(VMCS_HOST_IDTR_BASE, idtr.base);
    vmcs_write(VMCS_HOST_SYSENTER_CS, 0);
    vmcs_write(VMCS_HOST_SYSENTER_ESP, 0);
    vmcs_write(VMCS_HOST_SYSENTER_EIP, 0);
    vmcs_write(VMCS_HOST_EFER, rdmsr(MSR_EFER));
    vmcs_write(VMCS_HOST_PAT, rdmsr(MSR_IA32_PAT));
    vmcs_write(VMCS_HOST_RIP, (uint64_t)vmx_exit_stub);
    /* HOST_RSP is written by vmx_enter_guest at each entry. */
}

static void write_controls(struct hvm_vcpu *v)
{
    struct vmx_vcpu *x = to_vmx(v);
    struct vmx_container *xc = to_vmx_container(v->container);

    x->cpu_controls = vmx_caps.cpu;
    vmcs_write(VMCS_PIN_CONTROLS, vmx_caps.pin);
    vmcs_write(VMCS_CPU_CONTROLS, x->cpu_controls);
    vmcs_write(VMCS_CPU_CONTROLS2, vmx_caps.cpu2);
    vmcs_write(VMCS_EXIT_CONTROLS, vmx_caps.exit);
    vmcs_write(VMCS_ENTRY_CONTROLS, vmx_caps.entry);
    vmcs_write(VMCS_EXCEPTION_BITMAP, 0);       /* the guest handles its own exceptions */
    vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
    vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
    vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
    vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
    vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
    vmcs_write(VMCS_MSR_BITMAP, virt_to_maddr(xc->msr_bitmap));
    vmcs_write(VMCS_EPT_POINTER, xc->eptp);
    vmcs_write(VMCS_VPID, x->vpid);
    /*
     * Guest/host masks: bits VMX fixes (CR0.NE, CR4.VMXE) and bits the guest may
     * not own are the host's; guest reads see the shadow, guest writes that
     * change them exit (25.3). With unrestricted guest, PE and PG are free.
     */
    x->cr0_mask = (vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG)) | (uint32_t)~vmx_caps.cr0_fixed1;
    x->cr4_mask = vmx_caps.cr4_fixed0 | (uint32_t)~vmx_caps.cr4_fixed1 | CR4_GUEST_FORBIDDEN;
    vmcs_write(VMCS_CR0_MASK, x->cr0_mask);
    vmcs_write(VMCS_CR4_MASK, x->cr4_mask);
}

static void write_segment(enum vmx_seg seg, uint16_t sel, uint64_t base, uint32_t limit,
                          uint32_t ar)
{
    vmcs_write(VMCS_GUEST_ES_SEL + 2 * seg, sel);
    vmcs_write(VMCS_GUEST_ES_BASE + 2 * seg, base);
    vmcs_write(VMCS_GUEST_ES_LIMIT + 2 * seg, limit);
    vmcs_write(VMCS_GUEST_ES_AR + 2 * seg, ar);
}

/* The PVH entry state (Xen's docs/misc/pvh.pandoc): 32-bit flat protected mode,
 * paging off, interrupts off; the caller sets rip, rsp and the registers. */
static void write_guest_state(struct hvm_vcpu *v)
{
    uint64_t cr0 = CR0_PE | CR0_ET;

    for (enum vmx_seg s = VMX_ES; s <= VMX_GS; s++)
        write_segment(s, s == VMX_CS ? PVH_SEL_CODE : PVH_SEL_DATA, 0, 0xffffffff,
                      s == VMX_CS ? AR_CODE32 : AR_DATA32);
    write_segment(VMX_LDTR, 0, 0, 0, AR_UNUSABLE);
    write_segment(VMX_TR, 0, 0, 0x67, AR_TSS32_BUSY);
    vmcs_write(VMCS_GUEST_GDTR_BASE, 0);
    vmcs_write(VMCS_GUEST_GDTR_LIMIT, 0);
    vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
    vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0);
    vmcs_write(VMCS_CR0_SHADOW, cr0);
    vmcs_write(VMCS_GUEST_CR0, (cr0 | (vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG))) &
                               vmx_caps.cr0_fixed1);
    vmcs_write(VMCS_CR4_SHADOW, 0);
    vmcs_write(VMCS_GUEST_CR4, vmx_caps.cr4_fixed0 & vmx_caps.cr4_fixed1);
    vmcs_write(VMCS_GUEST_CR3, 0);
    vmcs_write(VMCS_GUEST_DR7, DR7_INIT);
    vmcs_write(VMCS_GUEST_DEBUGCTL, 0);
    vmcs_write(VMCS_GUEST_EFER, 0);
    vmcs_write(VMCS_GUEST_PAT, PAT_POWER_ON);
    vmcs_write(VMCS_GUEST_SYSENTER_CS, 0);
    vmcs_write(VMCS_GUEST_SYSENTER_ESP, 0);
    vmcs_write(VMCS_GUEST_SYSENTER_EIP, 0);
    vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
    vmcs_write(VMCS_GUEST_ACTIVITY, 0);                 /* active */
    vmcs_write(VMCS_GUEST_PENDING_DBG, 0);
    vmcs_write(VMCS_LINK_POINTER, ~0UL);                /* no shadow VMCS (26.3.1.5) */
    v->regs.rflags = RFLAGS_FIXED;
}

int vmx_vcpu_init(struct hvm_vcpu *v)
{
    struct vmx_vcpu *x = xzalloc(struct vmx_vcpu);
    struct page_info *pg;
    unsigned int errors = vmx_field_errors;

    if (!x)
        return -ENOMEM;
    pg = alloc_frames(0);
    if (!pg) {
        xfree(x);
        return -ENOMEM;
    }
    memset(page_to_virt(pg), 0, PAGE_SIZE);
    *(uint32_t *)page_to_virt(pg) = (uint32_t)(vmx_caps.basic & VMX_BASIC_REVISION_MASK);
    x->vmcs_maddr = (uint64_t)page_to_mfn(pg) << PAGE_SHIFT;
    x->cpu = -1;
    x->vpid = vpid_alloc();
    v->vendor = x;
    /* A fresh VMCS must be VMCLEARed before its first VMPTRLD (24.11.3). */
    if (!vmclear(x->vmcs_maddr))
        return -EIO;
    /* Loading it is a landing: its VPID is flushed here. Its EPTP's
     * translations were flushed everywhere when an earlier container with
     * the same root went (vmx_container_destroy). */
    vmx_vcpu_load(v);
    write_controls(v);
    write_guest_state(v);
    return vmx_field_errors == errors ? 0 : -EIO;
}

void vmx_vcpu_destroy(struct hvm_vcpu *v)
{
    struct vmx_vcpu *x = to_vmx(v);

    if (!x)
        return;
    vmx_vmcs_deactivate(v);     /* wherever it is active; then it is memory only */
    free_frames(mfn_to_page(x->vmcs_maddr >> PAGE_SHIFT), 0);
    xfree(x);
    v->vendor = NULL;
}

uint64_t vmx_get_cr(struct hvm_vcpu *v, unsigned int cr)
{
    struct vmx_vcpu *x = to_vmx(v);

    vmx_vcpu_load(v);
    switch (cr) {
    case 0:
        return (vmcs_read(VMCS_GUEST_CR0) & ~x->cr0_mask) |
               (vmcs_read(VMCS_CR0_SHADOW) & x->cr0_mask);
    case 3:
        return vmcs_read(VMCS_GUEST_CR3);
    case 4:
        return (vmcs_read(VMCS_GUEST_CR4) & ~x->cr4_mask) |
               (vmcs_read(VMCS_CR4_SHADOW) & x->cr4_mask);
    }
    return 0;
}

/* A MOV to CR0 that changed a host-owned bit: check it as the CPU would (#GP on
 * reserved bits, NW without CD, PG without PE), keep the guest's view in the
 * shadow and the fixed bits in the real register. Entering or leaving long
 * mode through such a write updates EFER.LMA and the IA-32e entry control. */
static int set_cr0(uint64_t val)
{
    uint64_t efer = vmcs_read(VMCS_GUEST_EFER), entry = vmcs_read(VMCS_ENTRY_CONTROLS);

    if ((val >> 32) || ((val & CR0_NW) && !(val & CR0_CD)) || ((val & CR0_PG) && !(val & CR0_PE)))
        return -EINVAL;
    if ((val & CR0_PG) && (efer & EFER_LME)) {
        efer |= EFER_LMA;
        entry |= ENTRY_IA32E_MODE_GUEST;
    } else if (!(val & CR0_PG)) {
        efer &= ~EFER_LMA;
        entry &= ~ENTRY_IA32E_MODE_GUEST;
    }
    vmcs_write(VMCS_GUEST_EFER, efer);
    vmcs_write(VMCS_ENTRY_CONTROLS, entry);
    vmcs_write(VMCS_CR0_SHADOW, val);
    vmcs_write(VMCS_GUEST_CR0, (val | (vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG))) &
                               vmx_caps.cr0_fixed1);
    return 0;
}

static int set_cr4(uint64_t val)
{
    if ((val & CR4_GUEST_FORBIDDEN) || (val & ~vmx_caps.cr4_fixed1))
        return -EINVAL;
    vmcs_write(VMCS_CR4_SHADOW, val);
    vmcs_write(VMCS_GUEST_CR4, val | vmx_caps.cr4_fixed0);
    return 0;
}

int vmx_set_cr(struct hvm_vcpu *v, unsigned int cr, uint64_t val)
{
    vmx_vcpu_load(v);
    if (cr == 0)
        return set_cr0(val);
    if (cr == 4)
        return set_cr4(val);
    return -EINVAL;
}

bool vmx_get_msr(struct hvm_vcpu *v, uint32_t msr, uint64_t *val)
{
    vmx_vcpu_load(v);
    if (msr == MSR_EFER)
        *val = vmcs_read(VMCS_GUEST_EFER);
    else if (msr == MSR_IA32_PAT)
        *val = vmcs_read(VMCS_GUEST_PAT);
    else
        return false;
    return true;
}

static bool pat_valid(uint64_t pat)
{
    /* Each byte a memory type WRMSR accepts: UC WC WT WP WB UC- (Vol. 3A 11.12.2). */
    for (unsigned int i = 0; i < 8; i++) {
        uint8_t t = (uint8_t)(pat >> (8 * i));
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

int vmx_set_msr(struct hvm_vcpu *v, uint32_t msr, uint64_t val)
{
    vmx_vcpu_load(v);
    if (msr == MSR_EFER) {
        uint64_t old = vmcs_read(VMCS_GUEST_EFER);
        if (val & ~EFER_GUEST_BITS)
            return -EINVAL;
        /* LMA is the CPU's to set; LME may not change while paging is on. */
        val = (val & ~EFER_LMA) | (old & EFER_LMA);
        if (((val ^ old) & EFER_LME) && (vmx_get_cr(v, 0) & CR0_PG))
            return -EINVAL;
        vmcs_write(VMCS_GUEST_EFER, val);
        return 0;
    }
    if (msr == MSR_IA32_PAT) {
        if (!pat_valid(val))
            return -EINVAL;
        vmcs_write(VMCS_GUEST_PAT, val);
        return 0;
    }
    return -ENOENT;
}

void vmx_get_segment(struct hvm_vcpu *v, enum hvm_seg seg, struct hvm_segment *out)
{
    vmx_vcpu_load(v);
    out->sel = (uint16_t)vmcs_read(VMCS_GUEST_ES_SEL + 2 * seg);
    out->base = vmcs_read(VMCS_GUEST_ES_BASE + 2 * seg);
    out->limit = (uint32_t)vmcs_read(VMCS_GUEST_ES_LIMIT + 2 * seg);
    out->ar = (uint32_t)vmcs_read(VMCS_GUEST_ES_AR + 2 * seg);
}
