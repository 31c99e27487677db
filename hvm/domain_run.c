/*
 * The scheduler's way into a PVH vCPU. A PV vCPU runs by returning to it
 * through a trap frame (pv/context.c, pv/return.c); a container vCPU runs by
 * VM entry, which hvm_vcpu_run does in a loop, coming back to us on every
 * exit that needs more than its handler: the guest halted, the CPU has
 * softirqs (timers, the scheduler's requests), or the container died. Between
 * runs this does what pv_return_to_guest does for PV: softirqs, then the
 * scheduler's decision, and if another vCPU wins, save this one and hand the
 * next back to the idle loop.
 */
#include <asm/guest_access.h>
#include <asm/irq.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <hvm/container.h>
#include <hvm/domain.h>
#include <public/vcpu.h>
#include <xeno/domain.h>
#include <xeno/guest_time.h>
#include <xeno/sched.h>
#include <xeno/softirq.h>

#define RFLAGS_IF (1UL << 9)

static bool can_continue(const struct vcpu *v)
{
    return v->state == VCPU_RUNNABLE && v->pause_count == 0 &&
           v->domain->state == DOMAIN_ACTIVE;
}

/* The guest halted: does something wake it at once? Only an interrupt it can
 * take (IF set); a guest that halts with interrupts off sleeps until kicked. */
static bool halt_woken(struct vcpu *v, void *unused)
{
    const struct hvm_vcpu *hv = v->hvm;

    (void)unused;
    return (hv->regs.rflags & RFLAGS_IF) && (hv->pending_irq >= 0 || hvm_domain_upcall_due(v));
}

/* The runstate, also in the guest's registered area (through its paging). */
static void set_runstate(struct vcpu *v, int state)
{
    vcpu_runstate_change(v, state);
    if (v->runstate_guest_va)
        (void)copy_to_guest(v->runstate_guest_va, &v->runstate, sizeof(v->runstate));
}

static void load(struct vcpu *v)
{
    struct percpu *pc = this_cpu();
    struct hvm_vcpu *hv = v->hvm;

    vcpu_load_begin(v);
    /* The FPU is switched eagerly, as for PV (pv_vcpu_load). */
    clts();
    if (hv->fpu_saved)
        __asm__ volatile("fxrstor64 %0" :: "m"(hv->fpu));
    else
        __asm__ volatile("fninit");
    v->on_cpu = true;
    pc->current = v;
    pc->hvm_guest = true;
    guest_time_update(v);
    set_runstate(v, RUNSTATE_running);
}

static void save(struct vcpu *v)
{
    struct percpu *pc = this_cpu();
    struct hvm_vcpu *hv = v->hvm;

    clts();
    __asm__ volatile("fxsave64 %0" : "=m"(hv->fpu));
    hv->fpu_saved = true;
    /* Under its scheduler lock, as pv_vcpu_save: a sleep on another CPU
     * either sees it here (and this records the state) or sees it gone. */
    unsigned long flags = spin_lock_irqsave(&v->sched_lock);
    set_runstate(v, v->state == VCPU_RUNNABLE ? RUNSTATE_runnable
                    : v->state == VCPU_BLOCKED ? RUNSTATE_blocked : RUNSTATE_offline);
    pc->hvm_guest = false;
    pc->current = NULL;
    __atomic_store_n(&v->on_cpu, false, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&v->sched_lock, flags);
}

/* Run v's container until its exit needs the scheduler's attention. */
static void run_once(struct vcpu *v)
{
    struct hvm_vcpu *hv = v->hvm;

    enum hvm_action action;

    hv->state = HVM_VCPU_RUNNABLE;
    action = hvm_vcpu_run(hv);          /* returns with interrupts on */
    local_irq_disable();
    if (action == HVM_CRASHED)
        domain_crash(v->domain, hv->container->crash_reason);
    else if (action == HVM_BLOCKED)
        sched_block_unless(v, halt_woken, NULL);
}

struct vcpu *hvm_domain_run(struct vcpu *v)
{
    struct percpu *pc = this_cpu();

    load(v);
    for (;;) {
        struct vcpu *next;

        if (can_continue(v))
            run_once(v);
        local_irq_disable();
        if (softirq_pending(pc->cpu_id)) {
            do_softirq();
            continue;
        }
        if (!sched_requested() && can_continue(v))
            continue;
        next = sched_decide();
        /* The policy keeps it (as in pv_return_to_guest: a pause from another
         * CPU it has not seen yet comes with a request of its own). */
        if (next == v)
            continue;
        save(v);
        return next;
    }
}
