/*
 * The last thing the hypervisor does before returning to a guest: run pending
 * softirqs (timers), and if the scheduler asked, or the vCPU can no longer run,
 * switch to another vCPU, or go idle when none is runnable. Interrupts stay off
 * from here to the iretq, which turns them back on with the guest's RFLAGS.
 */
#include <asm/irq.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/sched.h>
#include <xeno/softirq.h>

static bool can_continue(const struct vcpu *v)
{
    return v->state == VCPU_RUNNABLE && v->pause_count == 0 &&
           v->domain->state == DOMAIN_ACTIVE;
}

void pv_return_to_guest(struct cpu_regs *regs)
{
    struct percpu *pc = this_cpu();

    /* The common case, checked without calls or atomics: nothing to do. */
    if (!softirq_pending(pc->cpu_id) && !sched_request_pending() && can_continue(pc->current))
        return;
    for (;;) {
        struct vcpu *cur = pc->current, *next;

        local_irq_disable();
        if (softirq_pending(pc->cpu_id)) {
            do_softirq();
            continue;
        }
        if (!sched_requested() && can_continue(cur))
            return;
        next = sched_pick();
        if (!next && can_continue(cur))
            return;
        pv_vcpu_save(cur, regs);
        sched_requeue(cur);
        if (!next) {
            /* Nothing to run: the idle loop starts afresh below the frame. */
            switch_stack_and_call(percpu_work_stack(pc), cpu_idle_loop);
        }
        pv_vcpu_load(next, regs);
        /* Now off any dying domain's page tables: it can be destroyed even
         * while other domains keep this CPU busy. */
        domain_reap();
    }
}
