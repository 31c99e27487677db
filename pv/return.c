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

/* Events pending and unmasked, and somewhere to deliver them. */
static bool upcall_due(const struct vcpu *v)
{
    const struct vcpu_info *vi = v->vcpu_info;
    return vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask &&
           v->pv.callbacks[PV_CB_EVENT].address;
}

/* The event upcall: into the guest's event callback with events masked (the
 * ABI's rule, whatever the callback's registration said), as a bounce frame
 * without an error code. The guest re-enables them with iret. */
static void deliver_upcall(struct vcpu *v, struct cpu_regs *regs)
{
    pv_bounce(v, regs, v->pv.callbacks[PV_CB_EVENT].address, false, 0, true, "event");
}

void pv_deliver_pending_upcall(struct vcpu *v, struct cpu_regs *regs)
{
    if (upcall_due(v))
        deliver_upcall(v, regs);
}

static bool can_continue(const struct vcpu *v)
{
    return v->state == VCPU_RUNNABLE && v->pause_count == 0 &&
           v->domain->state == DOMAIN_ACTIVE;
}

void pv_return_to_guest(struct cpu_regs *regs)
{
    struct percpu *pc = this_cpu();

    /* The common case, checked without calls or atomics: nothing to do. The
     * softirq mask and scheduler flag are read through this CPU's percpu
     * pointers to them, as entry_syscall.S does: under QEMU TCG each call out of
     * line, after a mode switch's CR3 write, costs a code lookup. */
    if (!*pc->softirq_pending && !*pc->sched_requested && can_continue(pc->current)) {
        pv_deliver_pending_upcall(pc->current, regs);
        return;
    }
    for (;;) {
        struct vcpu *cur = pc->current, *next;

        local_irq_disable();
        if (softirq_pending(pc->cpu_id)) {
            do_softirq();
            continue;
        }
        if (!sched_requested() && can_continue(cur))
            break;
        next = sched_decide();
        /* The policy keeps it (it may not have seen a pause from another CPU
         * yet: that CPU's request follows and is handled then). */
        if (next == cur)
            break;
        pv_vcpu_save(cur, regs);
        if (!next || domain_is_hvm(next->domain)) {
            /* Nothing to run, or a vCPU that runs in a container: the idle
             * loop starts afresh below the frame (and runs that vCPU). */
            pc->handoff = next;
            switch_stack_and_call(percpu_work_stack(pc), cpu_idle_loop);
        }
        pv_vcpu_load(next, regs);
    }
    pv_deliver_pending_upcall(pc->current, regs);
}
