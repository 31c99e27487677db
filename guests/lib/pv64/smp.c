/* Starting contexts for secondary vCPUs (include/smp.h). */
#include "xtest.h"
#include "events.h"
#include "smp.h"

void smp_context(struct vcpu_guest_context *c, uint64_t entry, uint64_t arg,
                 void *stack_top)
{
    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel;
    c->user_regs.rip = entry;
    c->user_regs.rdi = arg;
    /* As if entry had been called: rsp + 8 is 16-aligned. */
    c->user_regs.rsp = ((uint64_t)stack_top & ~15UL) - 8;
    c->user_regs.cs = FLAT_KERNEL_CS64;
    c->user_regs.ss = FLAT_KERNEL_SS64;
    c->user_regs.rflags = 0x202;
    c->kernel_ss = FLAT_KERNEL_SS64;
    c->kernel_sp = c->user_regs.rsp;
    c->ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn(xtest_start_info->pt_base));
}

bool smp_wait_until(bool (*cond)(void *ctx), void *ctx)
{
    uint64_t deadline = pvclock_now_ns() + 2000000000UL;

    while (!cond(ctx)) {
        if (pvclock_now_ns() > deadline)
            return false;
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    return true;
}

struct flag_wait {
    volatile uint64_t *flag;
    uint64_t want;
};

static bool flag_reached(void *ctx)
{
    const struct flag_wait *w = ctx;
    return *w->flag >= w->want;
}

bool smp_wait_for(volatile uint64_t *flag, uint64_t want)
{
    struct flag_wait w = { flag, want };
    return smp_wait_until(flag_reached, &w);
}

/* Tests that use the callbacks define their own. */
__attribute__((weak)) void smp_on_upcall(unsigned int vcpu)
{
    (void)vcpu;
}
