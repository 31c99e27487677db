/*
 * Around each VM entry: events to inject, the preemption timer, RIP/RSP/RFLAGS
 * between struct hvm_regs and the VMCS; after each exit: the exit reason and
 * qualification decoded into the shared struct hvm_exit (Vol. 3C 27.2), a
 * failed entry named (VM-instruction error, 30.4; entry-failure reasons and
 * qualifications, 26.7), and the state dump of the fatal path.
 */
#include <asm/processor.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>
#include "vmcs.h"
#include "vmx.h"

#define RFLAGS_IF (1UL << 9)

static inline void write_cr2(uint64_t v) { __asm__ volatile("mov %0, %%cr2" :: "r"(v)); }
static inline uint64_t read_cr2_raw(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

/* Raw reason -> shared kind; anything absent is HVM_EXIT_UNKNOWN (0). */
static const uint8_t reason_kind[EXIT_REASON_MAX] = {
    [EXIT_REASON_EXCEPTION_NMI] = HVM_EXIT_EXCEPTION,
    [EXIT_REASON_EXT_INTR] = HVM_EXIT_EXT_INTR,
    [EXIT_REASON_TRIPLE_FAULT] = HVM_EXIT_TRIPLE_FAULT,
    [EXIT_REASON_INIT] = HVM_EXIT_INIT,
    [EXIT_REASON_SIPI] = HVM_EXIT_INIT,
    [EXIT_REASON_INTR_WINDOW] = HVM_EXIT_INTR_WINDOW,
    [EXIT_REASON_TASK_SWITCH] = HVM_EXIT_TASK_SWITCH,
    [EXIT_REASON_CPUID] = HVM_EXIT_CPUID,
    [EXIT_REASON_GETSEC] = HVM_EXIT_VIRT_INSN,
    [EXIT_REASON_HLT] = HVM_EXIT_HLT,
    [EXIT_REASON_INVD] = HVM_EXIT_INVD,
    [EXIT_REASON_WBINVD] = HVM_EXIT_INVD,
    [EXIT_REASON_VMCALL] = HVM_EXIT_HYPERCALL,
    [EXIT_REASON_VMCLEAR ... EXIT_REASON_VMXON] = HVM_EXIT_VIRT_INSN,
    [EXIT_REASON_INVEPT] = HVM_EXIT_VIRT_INSN,
    [EXIT_REASON_INVVPID] = HVM_EXIT_VIRT_INSN,
    [EXIT_REASON_VMFUNC] = HVM_EXIT_VIRT_INSN,
    [EXIT_REASON_CR_ACCESS] = HVM_EXIT_CR_ACCESS,
    [EXIT_REASON_IO] = HVM_EXIT_IO,
    [EXIT_REASON_RDMSR] = HVM_EXIT_MSR_READ,
    [EXIT_REASON_WRMSR] = HVM_EXIT_MSR_WRITE,
    [EXIT_REASON_MWAIT] = HVM_EXIT_MONITOR_MWAIT,
    [EXIT_REASON_MONITOR] = HVM_EXIT_MONITOR_MWAIT,
    [EXIT_REASON_PAUSE] = HVM_EXIT_PAUSE,
    [EXIT_REASON_EPT_VIOLATION] = HVM_EXIT_NESTED_PAGE_FAULT,
    [EXIT_REASON_EPT_MISCONFIG] = HVM_EXIT_NESTED_MISCONFIG,
    [EXIT_REASON_PREEMPT_TIMER] = HVM_EXIT_PREEMPT_TIMER,
    [EXIT_REASON_XSETBV] = HVM_EXIT_XSETBV,
};

static void describe_entry_failure(struct hvm_exit *e, uint32_t reason, uint64_t qual)
{
    static const char *const guest_state_quals[] = {
        [0] = "a guest-state check", [1] = "(unused)", [2] = "loading the PDPTEs",
        [3] = "injecting an NMI while blocked by STI", [4] = "the VMCS link pointer",
    };
    uint32_t basic = reason & 0xffff;

    if (basic == EXIT_REASON_BAD_GUEST_STATE) {
        char check[80];
        vmx_diagnose_guest_state(check, sizeof(check));
        snprintf(e->entry_failure, sizeof(e->entry_failure),
                 "invalid guest state (exit reason 33, qualification %lu: %s); %s", qual,
                 qual < ARRAY_SIZE(guest_state_quals) ? guest_state_quals[qual] : "unknown",
                 check);
    }
    else if (basic == EXIT_REASON_MSR_LOADING)
        snprintf(e->entry_failure, sizeof(e->entry_failure),
                 "MSR loading (exit reason 34, entry %lu of the VM-entry MSR-load area)", qual);
    else
        snprintf(e->entry_failure, sizeof(e->entry_failure), "%s (exit reason %u)",
                 vmx_exit_reason_name(basic), basic);
}

static void decode_exit(struct hvm_exit *e, uint32_t reason)
{
    uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
    uint32_t basic = reason & 0xffff;

    memset(e, 0, sizeof(*e));
    e->raw_reason = reason;
    e->qualification = q;
    e->insn_len = (uint8_t)vmcs_read(VMCS_EXIT_INSN_LEN);
    if (reason & EXIT_REASON_ENTRY_FAILED) {
        e->kind = HVM_EXIT_ENTRY_FAILED;
        describe_entry_failure(e, reason, q);
        return;
    }
    e->kind = basic < EXIT_REASON_MAX ? reason_kind[basic] : HVM_EXIT_UNKNOWN;
    switch (e->kind) {
    case HVM_EXIT_EXCEPTION: {
        uint32_t info = (uint32_t)vmcs_read(VMCS_EXIT_INTR_INFO);
        if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI)
            e->kind = HVM_EXIT_NMI;
        e->exception.vector = INTR_INFO_VECTOR(info);
        e->exception.has_error = info & INTR_INFO_ERROR_VALID;
        if (e->exception.has_error)
            e->exception.error = (uint32_t)vmcs_read(VMCS_EXIT_INTR_ERROR);
        break;
    }
    case HVM_EXIT_IO:
        e->io.port = IOQ_PORT(q);
        e->io.size = IOQ_SIZE(q);
        e->io.in = q & IOQ_IN;
        e->io.string = q & IOQ_STRING;
        e->io.rep = q & IOQ_REP;
        break;
    case HVM_EXIT_CR_ACCESS:
        e->cr.cr = CRQ_CR(q);
        e->cr.type = (enum hvm_cr_access)CRQ_TYPE(q);
        e->cr.gpr = CRQ_GPR(q);
        e->cr.lmsw = CRQ_LMSW_DATA(q);
        break;
    case HVM_EXIT_NESTED_PAGE_FAULT:
    case HVM_EXIT_NESTED_MISCONFIG:
        e->npf.gpa = vmcs_read(VMCS_GUEST_PHYS_ADDR);
        e->npf.read = q & EPTQ_READ;
        e->npf.write = q & EPTQ_WRITE;
        e->npf.fetch = q & EPTQ_FETCH;
        e->npf.gla_valid = q & EPTQ_GLA_VALID;
        if (e->npf.gla_valid)
            e->npf.gla = vmcs_read(VMCS_GUEST_LINEAR_ADDR);
        break;
    default:
        break;
    }
}

/* An event whose delivery the exit interrupted must be delivered again (27.2.4). */
static void note_vectoring(struct vmx_vcpu *x)
{
    uint32_t info = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_INFO);

    x->reinject_info = 0;
    if (!(info & INTR_INFO_VALID))
        return;
    x->reinject_info = info & ~INTR_INFO_NMI_UNBLOCKED;  /* bits 30:12 must be 0 on entry */
    if (info & INTR_INFO_ERROR_VALID)
        x->reinject_error = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_ERROR);
    x->reinject_len = (uint32_t)vmcs_read(VMCS_EXIT_INSN_LEN);
}

static void write_entry_event(uint32_t info, uint32_t error, uint32_t len)
{
    vmcs_write(VMCS_ENTRY_INTR_INFO, info);
    if (info & INTR_INFO_ERROR_VALID)
        vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR, error);
    if (INTR_INFO_TYPE(info) >= INTR_TYPE_SW_INTR)
        vmcs_write(VMCS_ENTRY_INSN_LEN, len);
}

bool vmx_inject(struct hvm_vcpu *v, const struct hvm_event *ev)
{
    static const uint32_t types[] = {
        [HVM_EVENT_EXT_INTR] = INTR_TYPE_EXT_INTR,
        [HVM_EVENT_NMI] = INTR_TYPE_NMI,
        [HVM_EVENT_HW_EXCEPTION] = INTR_TYPE_HW_EXCEPTION,
    };
    uint32_t info = INTR_INFO_VALID | (types[ev->type] << 8) | ev->vector;

    vmx_vcpu_load(v);
    if (to_vmx(v)->reinject_info || (vmcs_read(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID))
        return false;
    /* An error code only where the CPU would push one: never in real mode (26.2.1.3). */
    if (ev->type == HVM_EVENT_HW_EXCEPTION && ev->has_error && (vmx_get_cr(v, 0) & 1))
        info |= INTR_INFO_ERROR_VALID;
    write_entry_event(info, ev->error, 0);
    return true;
}

bool vmx_irq_window_open(struct hvm_vcpu *v)
{
    vmx_vcpu_load(v);
    return (v->regs.rflags & RFLAGS_IF) &&
           !(vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS));
}

void vmx_want_irq_window(struct hvm_vcpu *v, bool on)
{
    struct vmx_vcpu *x = to_vmx(v);
    uint32_t ctl = on ? x->cpu_controls | CPU_INTR_WINDOW_EXITING
                      : x->cpu_controls & ~CPU_INTR_WINDOW_EXITING;

    if (ctl == x->cpu_controls)
        return;
    vmx_vcpu_load(v);
    x->cpu_controls = ctl;
    vmcs_write(VMCS_CPU_CONTROLS, ctl);
}

void vmx_end_intr_shadow(struct hvm_vcpu *v)
{
    uint64_t s;

    vmx_vcpu_load(v);
    s = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
    if (s & (INTR_BLOCK_STI | INTR_BLOCK_MOV_SS))
        vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, s & ~(uint64_t)(INTR_BLOCK_STI | INTR_BLOCK_MOV_SS));
}

/* What is left of the slice, in preemption-timer ticks (the TSC shifted right by
 * IA32_VMX_MISC[4:0], 25.5.1); 0 makes the exit come before any guest
 * instruction, so a slice is never overrun by more than one entry. */
static uint32_t preempt_timer_value(const struct hvm_vcpu *v)
{
    uint64_t now = rdtsc(), ticks;

    if (!v->slice_end)
        return UINT32_MAX;
    if (now >= v->slice_end)
        return 0;
    ticks = (v->slice_end - now) >> VMX_MISC_TIMER_RATE(vmx_caps.misc);
    return ticks > UINT32_MAX ? UINT32_MAX : (uint32_t)ticks;
}

void vmx_enter(struct hvm_vcpu *v, struct hvm_exit *e)
{
    struct vmx_vcpu *x = to_vmx(v);
    uint32_t reason;
    int rc;

    vmx_vcpu_load(v);
    if (x->reinject_info) {
        write_entry_event(x->reinject_info, x->reinject_error, x->reinject_len);
        x->reinject_info = 0;
    }
    if (vmx_caps.pin & PIN_PREEMPT_TIMER)
        vmcs_write(VMCS_PREEMPT_TIMER, preempt_timer_value(v));
    vmcs_write(VMCS_GUEST_RIP, v->regs.rip);
    vmcs_write(VMCS_GUEST_RSP, v->regs.gpr[HVM_GPR_RSP]);
    vmcs_write(VMCS_GUEST_RFLAGS, v->regs.rflags);
    if (read_cr2_raw() != v->regs.cr2)
        write_cr2(v->regs.cr2);

    rc = vmx_enter_guest(&v->regs, x->launched);

    v->regs.cr2 = read_cr2_raw();
    if (rc) {
        uint32_t err = rc == 2 ? (uint32_t)vmcs_read(VMCS_VM_INSN_ERROR) : 0;
        memset(e, 0, sizeof(*e));
        e->kind = HVM_EXIT_ENTRY_FAILED;
        if (rc == 2)
            snprintf(e->entry_failure, sizeof(e->entry_failure),
                     "VM-instruction error %u (%s)", err, vmx_insn_error_name(err));
        else
            snprintf(e->entry_failure, sizeof(e->entry_failure),
                     "VMfailInvalid (no current VMCS)");
        return;
    }
    reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
    decode_exit(e, reason);
    if (reason & EXIT_REASON_ENTRY_FAILED)
        return;                 /* the guest never ran: its state is as it was */
    x->launched = true;
    /* The exit cleared the injected event's valid bit (27.2.4); an event it
     * interrupted is in the IDT-vectoring field instead. */
    note_vectoring(x);
    v->regs.rip = vmcs_read(VMCS_GUEST_RIP);
    v->regs.gpr[HVM_GPR_RSP] = vmcs_read(VMCS_GUEST_RSP);
    v->regs.rflags = vmcs_read(VMCS_GUEST_RFLAGS);
}

static void dump_segment(const char *name, enum vmx_seg s)
{
    printk("hvm:   %-4s sel %04lx base %016lx limit %08lx ar %05lx\n", name,
           vmcs_read(VMCS_GUEST_ES_SEL + 2 * s), vmcs_read(VMCS_GUEST_ES_BASE + 2 * s),
           vmcs_read(VMCS_GUEST_ES_LIMIT + 2 * s), vmcs_read(VMCS_GUEST_ES_AR + 2 * s));
}

void vmx_dump(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    static const char *const seg_names[] = { "es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr" };
    const uint64_t *g = v->regs.gpr;

    vmx_vcpu_load(v);
    printk("hvm:   VMX exit reason %#x (%s), VM-instruction error %lu\n", e->raw_reason,
           vmx_exit_reason_name(e->raw_reason), vmcs_read(VMCS_VM_INSN_ERROR));
    printk("hvm:   rip %016lx rsp %016lx rflags %016lx\n", v->regs.rip, g[HVM_GPR_RSP],
           v->regs.rflags);
    printk("hvm:   rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", g[HVM_GPR_RAX],
           g[HVM_GPR_RBX], g[HVM_GPR_RCX], g[HVM_GPR_RDX]);
    printk("hvm:   rsi %016lx rdi %016lx rbp %016lx cr2 %016lx\n", g[HVM_GPR_RSI],
           g[HVM_GPR_RDI], g[HVM_GPR_RBP], v->regs.cr2);
    printk("hvm:   r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", g[8], g[9], g[10], g[11]);
    printk("hvm:   r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", g[12], g[13], g[14], g[15]);
    printk("hvm:   cr0 %016lx (guest sees %016lx) cr3 %016lx cr4 %016lx (guest sees %016lx)\n",
           vmcs_read(VMCS_GUEST_CR0), vmx_get_cr(v, 0), vmcs_read(VMCS_GUEST_CR3),
           vmcs_read(VMCS_GUEST_CR4), vmx_get_cr(v, 4));
    printk("hvm:   efer %016lx pat %016lx dr7 %016lx\n", vmcs_read(VMCS_GUEST_EFER),
           vmcs_read(VMCS_GUEST_PAT), vmcs_read(VMCS_GUEST_DR7));
    for (enum vmx_seg s = VMX_ES; s <= VMX_TR; s++)
        dump_segment(seg_names[s], s);
    printk("hvm:   gdtr %016lx/%04lx idtr %016lx/%04lx\n", vmcs_read(VMCS_GUEST_GDTR_BASE),
           vmcs_read(VMCS_GUEST_GDTR_LIMIT), vmcs_read(VMCS_GUEST_IDTR_BASE),
           vmcs_read(VMCS_GUEST_IDTR_LIMIT));
    printk("hvm:   interruptibility %#lx activity %lu idt-vectoring %#lx entry-event %#lx\n",
           vmcs_read(VMCS_GUEST_INTERRUPTIBILITY), vmcs_read(VMCS_GUEST_ACTIVITY),
           vmcs_read(VMCS_IDT_VECTORING_INFO), vmcs_read(VMCS_ENTRY_INTR_INFO));
    if (e->kind == HVM_EXIT_NESTED_PAGE_FAULT || e->kind == HVM_EXIT_NESTED_MISCONFIG)
        printk("hvm:   gpa %016lx%s%s%s, linear %016lx%s\n", e->npf.gpa,
               e->npf.read ? " read" : "", e->npf.write ? " write" : "",
               e->npf.fetch ? " fetch" : "", e->npf.gla, e->npf.gla_valid ? "" : " (not valid)");
}
