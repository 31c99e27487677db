/*
 * The run loop, exit dispatch and the one fatal path (style.md item 3: every
 * exit bumps a counter, handlers are short, an exit nobody handles stops the
 * container and never the host).
 */
#include <asm/irq.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <hvm/container.h>
#include <hvm/domain.h>
#include <hvm/hvm.h>
#include <hvm/vendor.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/sched.h>
#include <xeno/softirq.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>

#define VECTOR_UD 6
#define VECTOR_GP 13

static enum hvm_action handle_nothing(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    (void)v; (void)e;
    return HVM_RESUME;
}

static enum hvm_action handle_nmi(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    (void)v; (void)e;
    /* The NMI was the host's: hand it to the host's own handler. */
    __asm__ volatile("int $2");
    return HVM_RESUME;
}

static enum hvm_action handle_triple_fault(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    return hvm_crash(v, e, "triple fault");
}

static enum hvm_action handle_entry_failed(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    return hvm_crash(v, e, "VM entry failed: %s", e->entry_failure);
}

static enum hvm_action handle_misconfig(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    return hvm_crash(v, e, "nested page table misconfiguration at gpa %#lx", e->npf.gpa);
}

static enum hvm_action handle_hlt(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    hvm_skip_insn(v, e);
    if (v->pending_irq >= 0 && hvm_vendor->irq_window_open(v))
        return HVM_RESUME;      /* something to deliver at once: no need to sleep */
    v->state = HVM_VCPU_BLOCKED;
    return HVM_BLOCKED;
}

static enum hvm_action handle_preempt(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    (void)v; (void)e;
    return HVM_PREEMPTED;
}

static enum hvm_action handle_intr_window(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    (void)e;
    hvm_vendor->want_irq_window(v, false);   /* the run loop delivers the interrupt */
    return HVM_RESUME;
}

static enum hvm_action handle_skip(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    hvm_skip_insn(v, e);        /* INVD/WBINVD: caches are the host's business */
    return HVM_RESUME;
}

static enum hvm_action handle_undefined(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    (void)e;
    /* VMX/SVM instructions, MONITOR/MWAIT: CPUID says the guest has none. */
    hvm_inject_exception(v, VECTOR_UD, 0);
    return HVM_RESUME;
}

static enum hvm_action handle_cr_access(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    uint64_t val;

    if (e->cr.type != HVM_CR_WRITE || (e->cr.cr != 0 && e->cr.cr != 4))
        return hvm_crash(v, e, "unexpected CR%u access (type %u)", e->cr.cr, e->cr.type);
    val = v->regs.gpr[e->cr.gpr];
    if (hvm_guest_mode(v) != 64)
        val = (uint32_t)val;
    if (hvm_vendor->set_cr(v, e->cr.cr, val))
        hvm_inject_exception(v, VECTOR_GP, 0);
    else
        hvm_skip_insn(v, e);
    return HVM_RESUME;
}

static const struct {
    const char *name;
    hvm_exit_fn fn;
} exit_table[HVM_EXIT_NR] = {
    [HVM_EXIT_UNKNOWN] = { "unknown", NULL },
    [HVM_EXIT_EXCEPTION] = { "exception", NULL },
    [HVM_EXIT_NMI] = { "nmi", handle_nmi },
    [HVM_EXIT_EXT_INTR] = { "ext_intr", handle_nothing },
    [HVM_EXIT_TRIPLE_FAULT] = { "triple_fault", handle_triple_fault },
    [HVM_EXIT_INIT] = { "init", NULL },
    [HVM_EXIT_INTR_WINDOW] = { "intr_window", handle_intr_window },
    [HVM_EXIT_TASK_SWITCH] = { "task_switch", NULL },
    [HVM_EXIT_CPUID] = { "cpuid", hvm_handle_cpuid },
    [HVM_EXIT_HLT] = { "hlt", handle_hlt },
    [HVM_EXIT_INVD] = { "invd", handle_skip },
    [HVM_EXIT_HYPERCALL] = { "hypercall", hvm_handle_hypercall },
    [HVM_EXIT_VIRT_INSN] = { "virt_insn", handle_undefined },
    [HVM_EXIT_CR_ACCESS] = { "cr_access", handle_cr_access },
    [HVM_EXIT_IO] = { "io", hvm_handle_io },
    [HVM_EXIT_MSR_READ] = { "rdmsr", hvm_handle_rdmsr },
    [HVM_EXIT_MSR_WRITE] = { "wrmsr", hvm_handle_wrmsr },
    [HVM_EXIT_MONITOR_MWAIT] = { "monitor_mwait", handle_undefined },
    [HVM_EXIT_PAUSE] = { "pause", handle_skip },
    [HVM_EXIT_NESTED_PAGE_FAULT] = { "nested_page_fault", hvm_handle_npf },
    [HVM_EXIT_NESTED_MISCONFIG] = { "nested_misconfig", handle_misconfig },
    [HVM_EXIT_PREEMPT_TIMER] = { "preempt_timer", handle_preempt },
    [HVM_EXIT_XSETBV] = { "xsetbv", NULL },
    [HVM_EXIT_ENTRY_FAILED] = { "entry_failed", handle_entry_failed },
};

const char *hvm_exit_name(enum hvm_exit_kind kind)
{
    return kind < HVM_EXIT_NR ? exit_table[kind].name : "unknown";
}

enum hvm_action hvm_dispatch_exit(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    enum hvm_exit_kind kind = e->kind < HVM_EXIT_NR ? e->kind : HVM_EXIT_UNKNOWN;

    v->stats.exits[kind]++;
    if (!exit_table[kind].fn)
        return hvm_crash(v, e, "unhandled exit %s (reason %u)", exit_table[kind].name,
                         e->raw_reason);
    return exit_table[kind].fn(v, e);
}

enum hvm_action hvm_crash(struct hvm_vcpu *v, const struct hvm_exit *e, const char *fmt, ...)
{
    struct hvm_container *c = v->container;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->crash_reason, sizeof(c->crash_reason), fmt, ap);
    va_end(ap);
    printk("hvm: container crashed: %s\n", c->crash_reason);
    printk("hvm:   container '%s' vcpu%u, %s exit %s (reason %u, qualification %#lx)\n",
           c->name, v->id, hvm_vendor->name, hvm_exit_name(e->kind), e->raw_reason,
           e->qualification);
    hvm_vendor->dump(v, e);
    c->crashed = true;
    for (unsigned int i = 0; i < c->nr_vcpus; i++)
        c->vcpus[i]->state = HVM_VCPU_DEAD;
    hvm_crash_count++;
    return HVM_CRASHED;
}

void hvm_skip_insn(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    v->regs.rip += e->insn_len;
    if (hvm_guest_mode(v) != 64)
        v->regs.rip = (uint32_t)v->regs.rip;
    hvm_vendor->end_intr_shadow(v);
}

void hvm_inject_exception(struct hvm_vcpu *v, uint8_t vector, uint32_t error)
{
    /* Vectors that push an error code (Vol. 3A 6.3.1): #DF #TS #NP #SS #GP #PF #AC. */
    bool has_error = vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;

    v->pending_exception = (struct hvm_event){ .valid = true, .type = HVM_EVENT_HW_EXCEPTION,
                                               .vector = vector, .has_error = has_error,
                                               .error = error };
}

void hvm_vcpu_raise_irq(struct hvm_vcpu *v, uint8_t vector)
{
    v->pending_irq = vector;
    if (v->state == HVM_VCPU_BLOCKED)
        v->state = HVM_VCPU_RUNNABLE;
}

/* Queue what the guest should see next: an exception first, then an external
 * interrupt once the guest can take one (else ask for an interrupt-window exit). */
static void deliver_events(struct hvm_vcpu *v)
{
    if (v->pending_exception.valid) {
        if (!hvm_vendor->inject(v, &v->pending_exception))
            return;             /* an interrupted delivery goes first */
        v->stats.exceptions_injected[v->pending_exception.vector & 31]++;
        v->pending_exception.valid = false;
    } else if (v->pending_irq >= 0 && hvm_vendor->irq_window_open(v)) {
        struct hvm_event ev = { .valid = true, .type = HVM_EVENT_EXT_INTR,
                                .vector = (uint8_t)v->pending_irq };
        if (hvm_vendor->inject(v, &ev)) {
            v->pending_irq = -1;
            v->stats.irqs_injected++;
        }
    }
    hvm_vendor->want_irq_window(v, v->pending_irq >= 0);
}

enum hvm_action hvm_vcpu_run(struct hvm_vcpu *v)
{
    v->slice_end = v->slice_tsc ? rdtsc() + v->slice_tsc : 0;
    for (;;) {
        struct hvm_exit *e = &v->last_exit;
        enum hvm_action action;

        if (v->container->crashed)
            return HVM_CRASHED;
        local_irq_disable();
        /* Softirqs and the scheduler's requests are served between entries,
         * and checked here, interrupts off, before each: a request the
         * softirqs since the last exit made (the slice timer, a wake) would
         * otherwise wait in a guest that makes no exits of its own for the
         * next host interrupt, whose softirqs bring it straight back here,
         * so it would never give the CPU up. An interrupt after this check
         * exits the guest at once. */
        if (softirq_pending(smp_processor_id()) || (v->owner && sched_request_pending())) {
            local_irq_enable();
            return HVM_PREEMPTED;
        }
        if (v->container->before_entry)
            v->container->before_entry(v);
        deliver_events(v);
        hvm_vendor->enter(v, e);
        /* A host interrupt that caused the exit is taken here, by the host's IDT. */
        local_irq_enable();
        action = hvm_dispatch_exit(v, e);
        if (action != HVM_RESUME)
            return action;
    }
}

/* Exits the host causes (its interrupts, NMIs and the slice it gives a vCPU),
 * whatever the guest does: not part of the cost of any guest operation. */
static bool exit_is_host(enum hvm_exit_kind kind)
{
    return kind == HVM_EXIT_EXT_INTR || kind == HVM_EXIT_NMI || kind == HVM_EXIT_PREEMPT_TIMER;
}

void hvm_domain_vcpu_exits(const struct vcpu *v, uint64_t *all, uint64_t *host)
{
    *all = *host = 0;
    if (!v->hvm)
        return;                 /* a PV vCPU never exits */
    for (unsigned int k = 0; k < HVM_EXIT_NR; k++) {
        *all += v->hvm->stats.exits[k];
        if (exit_is_host(k))
            *host += v->hvm->stats.exits[k];
    }
}

void hvm_print_exit_counts(const struct hvm_vcpu *v)
{
    for (unsigned int k = 0; k < HVM_EXIT_NR; k++)
        if (v->stats.exits[k])
            printk("hvm: %s vcpu%u exit %s %lu\n", v->container->name, v->id,
                   exit_table[k].name, (unsigned long)v->stats.exits[k]);
}

unsigned int hvm_guest_mode(struct hvm_vcpu *v)
{
    struct hvm_segment cs;
    uint64_t efer = 0;

    hvm_vendor->get_segment(v, HVM_SEG_CS, &cs);
    hvm_vendor->get_msr(v, MSR_EFER, &efer);
    if ((efer & (1UL << 10)) && (cs.ar & HVM_AR_L))     /* EFER.LMA and CS.L */
        return 64;
    if (!(hvm_vendor->get_cr(v, 0) & 1))                /* CR0.PE clear: real mode */
        return 16;
    return (cs.ar & HVM_AR_DB) ? 32 : 16;
}

unsigned int hvm_guest_cpl(struct hvm_vcpu *v)
{
    struct hvm_segment ss;

    /* The CPL is SS.DPL (Vol. 3C 24.4.1). */
    hvm_vendor->get_segment(v, HVM_SEG_SS, &ss);
    return HVM_AR_DPL(ss.ar);
}
