/*
 * The IDT and the first-level trap handler. Every exception taken in the
 * hypervisor is fatal for now (PV guests arrive with issue 3): it is reported
 * with registers, CR2, the error code and a backtrace.
 */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/cpu_call.h>
#include <asm/guest_access.h>
#include <asm/irq.h>
#include <asm/panic.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/shutdown.h>
#include <asm/syscall.h>
#include <asm/traps.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/vsnprintf.h>
#include <xeno/timer.h>

#define STUB_SIZE 16
#define GATE_INTERRUPT 0x8e            /* present, DPL0, 64-bit interrupt gate */

extern const char trap_stubs[];
static struct idt_entry idt[256] __attribute__((aligned(16)));

static const char *const exception_names[32] = {
    [0] = "divide error (#DE)", [1] = "debug (#DB)", [2] = "NMI",
    [3] = "breakpoint (#BP)", [4] = "overflow (#OF)", [5] = "bound range (#BR)",
    [6] = "invalid opcode (#UD)", [7] = "device not available (#NM)",
    [8] = "double fault (#DF)", [9] = "coprocessor segment overrun",
    [10] = "invalid TSS (#TS)", [11] = "segment not present (#NP)",
    [12] = "stack fault (#SS)", [13] = "general protection (#GP)",
    [14] = "page fault (#PF)", [16] = "x87 floating point (#MF)",
    [17] = "alignment check (#AC)", [18] = "machine check (#MC)",
    [19] = "SIMD floating point (#XM)", [20] = "virtualization (#VE)",
    [21] = "control protection (#CP)", [28] = "hypervisor injection (#HV)",
    [29] = "VMM communication (#VC)", [30] = "security (#SX)",
};

static void set_gate(unsigned int vec, unsigned int ist)
{
    uint64_t addr = (uint64_t)trap_stubs + vec * STUB_SIZE;
    /* PV guests (CPL3) may raise int3 and int 0x80 themselves; they are bounced
     * to the guest kernel. Every other vector is closed to them. */
    unsigned int dpl = (vec == 3 || vec == 4 || vec == 0x80) ? 3 : 0;
    idt[vec] = (struct idt_entry){
        .offset_lo = addr & 0xffff, .selector = SEL_CODE64, .ist = ist,
        .type_attr = GATE_INTERRUPT | (dpl << 5), .offset_mid = (addr >> 16) & 0xffff,
        .offset_hi = addr >> 32,
    };
}

void idt_init(void)
{
    for (unsigned int vec = 0; vec < 256; vec++)
        set_gate(vec, 0);
    /* These can arrive on a broken stack, so they get known-good ones. */
    set_gate(8, IST_DOUBLE_FAULT);
    set_gate(2, IST_NMI);
    set_gate(18, IST_MACHINE_CHECK);
}

void idt_load(void)
{
    struct desc_ptr p = { .limit = sizeof(idt) - 1, .base = (uint64_t)idt };
    __asm__ volatile("lidt %0" :: "m"(p));
}

/* A fault whose saved RSP lies in a guard page ran off the end of a stack. */
static const char *stack_guard_note(const struct cpu_regs *regs)
{
    struct percpu *pc = this_cpu();
    if (pc && regs->rsp < pc->stack_bottom && regs->rsp >= pc->stack_bottom - PAGE_SIZE)
        return " (stack overflow: rsp is in the guard page below the stack)";
    return "";
}

static void describe_page_fault(uint64_t error)
{
    printk(LOG_ALWAYS "  error=%#lx [%s, %s, %s%s]\n", error,
           (error & 1) ? "protection violation" : "not present",
           (error & 2) ? "write" : "read", (error & 4) ? "user" : "supervisor",
           (error & 16) ? ", instruction fetch" : "");
}

struct ex_entry {
    uint64_t insn, fixup;
};
extern const struct ex_entry __start_ex_table[], __stop_ex_table[];

uint64_t search_exception_table(uint64_t rip)
{
    for (const struct ex_entry *e = __start_ex_table; e < __stop_ex_table; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}

static _Noreturn void fatal_trap(struct cpu_regs *regs)
{
    char what[160];
    const char *name = regs->vector < 32 ? exception_names[regs->vector] : NULL;

    snprintf(what, sizeof(what), "%s in hypervisor%s",
             name ? name : "reserved exception", stack_guard_note(regs));
    panic_begin(what);
    if (regs->vector == 14)
        describe_page_fault(regs->error_code);
    else
        printk(LOG_ALWAYS "  error=%#lx\n", regs->error_code);
    print_registers(regs);
    print_backtrace_regs(regs);
    machine_exit(XENO_PANIC, NULL);
}

static void do_interrupt(struct cpu_regs *regs);

/* Exceptions a guest takes go to the guest, except the three that arrive on IST
 * stacks (NMI, #DF, #MC): they are the hypervisor's, and fatal for now. */
static bool bounced_to_guest(uint64_t vector)
{
    return (vector < 32 && vector != 2 && vector != 8 && vector != 18) || vector == 0x80;
}

static bool from_guest(const struct cpu_regs *regs)
{
    return (regs->cs & 3) == 3;
}

void do_trap(struct cpu_regs *regs)
{
    if (regs->vector == VECTOR_SYSCALL64 || regs->vector == VECTOR_SYSCALL32) {
        pv_syscall(regs);
        pv_return_to_guest(regs);
        return;
    }
    if (from_guest(regs) && bounced_to_guest(regs->vector)) {
        pv_exception(regs);
        pv_return_to_guest(regs);
        return;
    }
    do_interrupt(regs);
    if (from_guest(regs))
        pv_return_to_guest(regs);
}

static void do_interrupt(struct cpu_regs *regs)
{
    switch (regs->vector) {
    case VECTOR_TIMER:
        lapic_eoi();
        timer_interrupt();
        return;
    case VECTOR_SOFTIRQ_IPI:
        lapic_eoi();                    /* the softirq runs on the way back to idle */
        cpu_calls_serve();              /* and what another CPU asked of this one, now */
        return;
    case VECTOR_STOP_IPI:
        local_irq_disable();
        for (;;)
            halt();
    case VECTOR_SPURIOUS:
        return;                         /* no EOI for spurious interrupts */
    default:
        break;
    }
    if (regs->vector == 1 && current_vcpu()) {
        /* A guest's data breakpoint hit by the hypervisor's own access to guest
         * memory (copy_to_guest): not ours to report, and not the guest's either,
         * as hardware would not have seen it. Forget it and carry on. */
        __asm__ volatile("mov %0, %%db6" :: "r"(0xffff0ff0UL));
        return;
    }
    if (regs->vector < 32) {
        /* A guest access that faulted (#PF, or #GP for a non-canonical address)
         * resumes at its fixup, which reports -EFAULT; a guest selector that
         * would not load (#GP, #NP, #SS: the guest changed its descriptor)
         * resumes at its own. */
        uint64_t fixup = (regs->vector >= 11 && regs->vector <= 14)
                             ? search_exception_table(regs->rip) : 0;
        if (fixup) {
            regs->rip = fixup;
            return;
        }
        fatal_trap(regs);
    }
    lapic_eoi();
    printk(LOG_WARN "unexpected interrupt vector %#lx on cpu%u\n", regs->vector,
           smp_processor_id());
}
