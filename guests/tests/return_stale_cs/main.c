/*
 * return_stale_cs: vCPU 1 runs (from VCPUOP_initialise) in a 64-bit code
 * segment of its own GDT, selector 0x13, spinning without hypercalls, so the
 * timer preempts it there and its saved frame holds CS 0x13. vCPU 0 then makes
 * that descriptor not present with update_descriptor (allowed: the GDT frame is
 * the domain's own) and yields. Resuming vCPU 1, the hypervisor's iretq faults
 * on CS 0x13 (#NP): the hypervisor must crash this domain with its reason
 * (expect_shutdown = "crash") and carry on, never fault itself.
 */
#include "xtest.h"
#include "smp.h"

#define SEL_CODE 0x10
#define DESC_CODE64 0x00af9a000000ffffUL

static uint8_t stack1[SMP_STACK_SIZE] __attribute__((aligned(16)));
static uint64_t gdt[512] __attribute__((aligned(PAGE_SIZE)));
static struct vcpu_guest_context ctx;
static volatile uint64_t spins;

static _Noreturn void secondary(uint64_t unused)
{
    (void)unused;
    for (;;)
        spins++;
}

static void pull_the_descriptor(void)
{
    hc_update_descriptor(virt_to_mfn((uint64_t)gdt) * PAGE_SIZE + SEL_CODE, 0);
    for (;;)
        hc_sched_op(SCHEDOP_yield, NULL);
}

void test_main(void)
{

    gdt[SEL_CODE / 8] = DESC_CODE64;
    smp_context(&ctx, (uint64_t)secondary, 0, stack1 + sizeof(stack1));
    ctx.gdt_frames[0] = virt_to_mfn((uint64_t)gdt);
    ctx.gdt_ents = 3;
    ctx.user_regs.cs = SEL_CODE;
    if (!expect_rc("initialise vCPU 1 in GDT code segment 0x10", hc_vcpu_op(VCPUOP_initialise, 1, &ctx), 0) ||
        !expect_rc("up vCPU 1", hc_vcpu_op(VCPUOP_up, 1, NULL), 0))
        return;
    if (!smp_wait_for(&spins, 1000)) {
        xtest_fail("vCPU 1 never ran");
        return;
    }
    /* vCPU 1 spins without hypercalls, so it left its CPU only by preemption. */
    xtest_expect_crash("resuming vCPU 1 after its CS descriptor went", pull_the_descriptor);
}
