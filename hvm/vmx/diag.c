/*
 * Naming a failed VM entry. A VM entry that fails its guest-state checks
 * exits with reason 33 and, mostly, qualification 0: the CPU does not say
 * which check failed. This re-runs the common checks of Vol. 3C 26.3.1 on
 * the current VMCS and names the first that fails, so a failure is readable
 * on hardware too (Bochs names it in its log).
 */
#include <xeno/lib.h>
#include <xeno/vsnprintf.h>
#include "vmcs.h"
#include "vmx.h"

#define CR0_PE (1UL << 0)
#define CR0_PG (1UL << 31)
#define RFLAGS_RESERVED (0xffffffffffc00000UL | (1UL << 15) | (1UL << 5) | (1UL << 3))
#define RFLAGS_FIXED1 (1UL << 1)
#define RFLAGS_IF (1UL << 9)
#define EFER_LMA (1UL << 10)

struct guest_view {
    uint64_t cr0, cr4, rflags, efer, link, dr7;
    uint32_t entry, cpu2, intr_info, interruptibility, activity;
    uint32_t ar[8];
    uint16_t sel[8];
};

static void read_view(struct guest_view *g)
{
    g->cr0 = vmcs_read(VMCS_GUEST_CR0);
    g->cr4 = vmcs_read(VMCS_GUEST_CR4);
    g->rflags = vmcs_read(VMCS_GUEST_RFLAGS);
    g->efer = vmcs_read(VMCS_GUEST_EFER);
    g->link = vmcs_read(VMCS_LINK_POINTER);
    g->dr7 = vmcs_read(VMCS_GUEST_DR7);
    g->entry = (uint32_t)vmcs_read(VMCS_ENTRY_CONTROLS);
    g->cpu2 = (uint32_t)vmcs_read(VMCS_CPU_CONTROLS2);
    g->intr_info = (uint32_t)vmcs_read(VMCS_ENTRY_INTR_INFO);
    g->interruptibility = (uint32_t)vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
    g->activity = (uint32_t)vmcs_read(VMCS_GUEST_ACTIVITY);
    for (unsigned int s = VMX_ES; s <= VMX_TR; s++) {
        g->ar[s] = (uint32_t)vmcs_read(VMCS_GUEST_ES_AR + 2 * s);
        g->sel[s] = (uint16_t)vmcs_read(VMCS_GUEST_ES_SEL + 2 * s);
    }
}

/* The first failing check, or NULL. Each names its rule and section. */
static const char *first_failure(const struct guest_view *g)
{
    bool unrestricted = g->cpu2 & CPU2_UNRESTRICTED_GUEST;
    uint64_t cr0_must = vmx_caps.cr0_fixed0 & (unrestricted ? ~(CR0_PE | CR0_PG) : ~0UL);
    bool ia32e = g->entry & ENTRY_IA32E_MODE_GUEST;
    uint32_t tr_type = AR_TYPE(g->ar[VMX_TR]);

    if ((g->cr0 & cr0_must) != cr0_must || (g->cr0 & ~vmx_caps.cr0_fixed1))
        return "CR0 does not hold the bits fixed in VMX operation (26.3.1.1)";
    if ((g->cr0 & CR0_PG) && !(g->cr0 & CR0_PE))
        return "CR0.PG is set without CR0.PE (26.3.1.1)";
    if ((g->cr4 & vmx_caps.cr4_fixed0) != vmx_caps.cr4_fixed0 || (g->cr4 & ~vmx_caps.cr4_fixed1))
        return "CR4 does not hold the bits fixed in VMX operation (26.3.1.1)";
    if ((g->entry & ENTRY_LOAD_DEBUG_CONTROLS) && (g->dr7 >> 32))
        return "DR7 bits 63:32 are set (26.3.1.1)";
    if ((g->entry & ENTRY_LOAD_EFER) && !!(g->efer & EFER_LMA) != ia32e)
        return "EFER.LMA differs from the IA-32e mode guest control (26.3.1.1)";
    if (!(g->rflags & RFLAGS_FIXED1))
        return "RFLAGS bit 1 is 0 (26.3.1.4)";
    if (g->rflags & RFLAGS_RESERVED)
        return "RFLAGS has reserved bits set (26.3.1.4)";
    if ((g->intr_info & INTR_INFO_VALID) && INTR_INFO_TYPE(g->intr_info) == INTR_TYPE_EXT_INTR &&
        !(g->rflags & RFLAGS_IF))
        return "an external interrupt is injected with RFLAGS.IF clear (26.3.1.4)";
    if (g->ar[VMX_TR] & AR_UNUSABLE || (g->sel[VMX_TR] & 4) || (g->ar[VMX_TR] & AR_S) ||
        !(g->ar[VMX_TR] & AR_P) || (tr_type != 11 && (ia32e || tr_type != 3)))
        return "TR is not a present busy TSS in the GDT (26.3.1.2)";
    if (!(g->ar[VMX_LDTR] & AR_UNUSABLE) &&
        (AR_TYPE(g->ar[VMX_LDTR]) != 2 || (g->ar[VMX_LDTR] & AR_S) || !(g->ar[VMX_LDTR] & AR_P)))
        return "a usable LDTR is not a present LDT descriptor (26.3.1.2)";
    if (!(g->ar[VMX_CS] & AR_S) || !(g->ar[VMX_CS] & AR_P) || !(AR_TYPE(g->ar[VMX_CS]) & 8) ||
        !(AR_TYPE(g->ar[VMX_CS]) & 1))
        return "CS is not a present, accessed code segment (26.3.1.2)";
    if (g->activity > 3)
        return "the activity state is not one of 0-3 (26.3.1.5)";
    if ((g->interruptibility & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS)) && g->activity != 0)
        return "blocking by STI or MOV SS outside the active state (26.3.1.5)";
    if ((g->interruptibility & INTR_BLOCK_STI) && !(g->rflags & RFLAGS_IF))
        return "blocking by STI with RFLAGS.IF clear (26.3.1.5)";
    if (g->link != ~0UL)
        return "the VMCS link pointer is not all-ones (26.3.1.5)";
    return NULL;
}

void vmx_diagnose_guest_state(char *buf, size_t len)
{
    struct guest_view g;
    const char *why;

    read_view(&g);
    why = first_failure(&g);
    snprintf(buf, len, "%s", why ? why : "none of the checks this diagnosis knows failed");
}
