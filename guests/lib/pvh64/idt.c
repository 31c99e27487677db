/*
 * pvh64's exceptions: the guest's own IDT and TSS (it runs at CPL 0 in a VT-x
 * container, so nothing is registered with the hypervisor), the CPU's frame as
 * do_trap() (lib/do_trap.c) sees it, and the end that needs no hypervisor.
 */
#include "runtime.h"
#include "events.h"
#include "pvh.h"
#include "pvh_runtime.h"

/* A 64-bit interrupt gate and the 64-bit TSS (SDM Vol. 3A 7.7, 6.14.1). */
struct idt_gate {
    uint16_t offset0, selector;
    uint8_t ist, type_attr;
    uint16_t offset1;
    uint32_t offset2, reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "TSS layout");
_Static_assert(__builtin_offsetof(struct tss64, ist) == 36, "TSS layout");

struct pseudo_descriptor {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define GATE_INTERRUPT 0x8e     /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3 0x60
#define TSS_AVAILABLE 0x89      /* present, DPL 0, available 64-bit TSS */
#define DF_IST 1

extern const uint64_t pvh_trap_stubs[32];
extern void entry_0x80(void);
extern void upcall_entry_2(void);

static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));

static void set_gate(unsigned int vector, uint64_t handler, unsigned int ist,
                     unsigned int dpl3)
{
    idt[vector] = (struct idt_gate){
        .offset0 = (uint16_t)handler, .selector = PVH_KERNEL_CS, .ist = (uint8_t)ist,
        .type_attr = GATE_INTERRUPT | dpl3, .offset1 = (uint16_t)(handler >> 16),
        .offset2 = (uint32_t)(handler >> 32),
    };
}

/* The TSS gives the stack an exception from CPL 3 (pvh_user_hypercall) lands on,
 * and a stack of its own for #DF, so a stack overflow is reported, not a triple
 * fault. */
static void load_tss(void)
{
    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;

    tss.rsp[0] = (uint64_t)pvh_ring0_stack_top;
    tss.ist[DF_IST - 1] = (uint64_t)pvh_df_stack_top;
    tss.iomap_base = sizeof(tss);       /* no I/O bitmap */
    pvh_gdt[PVH_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 |
                           (uint64_t)TSS_AVAILABLE << 40 | ((limit >> 16) & 0xf) << 48 |
                           ((base >> 24) & 0xff) << 56;
    pvh_gdt[PVH_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" :: "r"(PVH_TSS) : "memory");
}

void pvh_idt_setup(void)
{
    struct pseudo_descriptor idtr = { sizeof(idt) - 1, (uint64_t)idt };

    /* #BP, #OF and int $0x80 may be raised with int3, into and int from any ring,
     * as pv64's trap table allows; the rest only by the CPU. */
    for (unsigned int v = 0; v < 32; v++)
        set_gate(v, pvh_trap_stubs[v], v == X86_EXC_DF ? DF_IST : 0,
                 v == X86_EXC_BP || v == X86_EXC_OF ? GATE_DPL3 : 0);
    set_gate(INT80_VECTOR, (uint64_t)entry_0x80, 0, GATE_DPL3);
    set_gate(PVH_UPCALL_VECTOR, (uint64_t)upcall_entry, 0, 0);
    set_gate(PVH_UPCALL_VECTOR_2, (uint64_t)upcall_entry_2, 0, 0);
    load_tss();
    __asm__ volatile("lidt %0" :: "m"(idtr) : "memory");
}

struct exinfo arch_trap_frame(const struct cpu_regs *regs)
{
    /* The CPU's frame starts at the error code, or at RIP without one. */
    struct exinfo ex = trap_exinfo(regs, 0);

    trap_check_cs(regs, "exception frame", PVH_KERNEL_CS, PVH_USER_CS);
    if (ex.vector == X86_EXC_PF)
        __asm__ volatile("mov %%cr2, %0" : "=r"(ex.cr2));
    return ex;
}

void xtest_crash_hard(void)
{
    /* An empty IDT: the ud2 cannot be delivered, nor the #GP and #DF that follow;
     * the triple fault is the hypervisor's to end the domain with. */
    struct pseudo_descriptor none = { 0, 0 };

    __asm__ volatile("lidt %0\n\tud2" :: "m"(none) : "memory");
    for (;;)
        hc_sched_op(SCHEDOP_yield, NULL);
}

extern const char pvh_user_end[];
_Noreturn void pvh_user_return(long rax);

void arch_trap_enter(struct cpu_regs *regs)
{
    /* The ud2 after pvh_user_hypercall's vmcall: back to its caller. */
    if ((regs->cs & 3) == 3 && regs->vector == X86_EXC_UD &&
        regs->rip == (uint64_t)pvh_user_end)
        pvh_user_return((long)regs->rax);
}
