/*
 * The scheduler as the rest of the hypervisor sees it (xeno/sched.h): vCPUs
 * become entities of the scheduler core with the BVT policy, state changes
 * become wakes and sleeps, and each CPU's decision comes from here.
 *
 * Each CPU has a slice timer, armed for the slice the policy returns, that
 * asks the CPU to decide again; a request is the CPU's SCHEDULE_SOFTIRQ, so
 * one from another CPU arrives as an IPI.  A housekeeping timer every 10 ms
 * on each CPU lets an idle CPU pull waiting work over (balance) and, on the
 * service CPU, polls the console keys.
 */
#include <asm/irq.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/keyhandler.h>
#include <xeno/lib.h>
#include <xeno/sched.h>
#include <xeno/sched_if.h>
#include <xeno/softirq.h>
#include <xeno/spinlock.h>
#include <xeno/timer.h>

#define HOUSEKEEPING_NS MILLISECS(10)

static struct scheduler scheduler;

struct cpu_sched {
    struct timer slice;         /* the policy's slice ends: decide again */
    struct timer housekeeping;
    bool requested;             /* decide at the next chance */
    bool yield;                 /* ... preferring anyone but the current vCPU */
};
static struct cpu_sched cpu_sched[NR_CPUS];

static struct cpu_sched *this_sched(void)
{
    return &cpu_sched[smp_processor_id()];
}

/* ------------------------------------------------------------------------
 * Requests.
 */

void sched_request(void)
{
    raise_softirq(SCHEDULE_SOFTIRQ);
}

void sched_request_cpu(unsigned int cpu)
{
    cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

bool sched_request_pending(void)
{
    return __atomic_load_n(&this_sched()->requested, __ATOMIC_RELAXED);
}

const volatile bool *sched_request_flag(unsigned int cpu)
{
    ASSERT(cpu < NR_CPUS);
    return &cpu_sched[cpu].requested;
}

bool sched_requested(void)
{
    return __atomic_exchange_n(&this_sched()->requested, false, __ATOMIC_SEQ_CST);
}

/* SCHEDULE_SOFTIRQ: only records the request; the switch happens where the
 * CPU can change stacks and page tables (the return path, the idle loop). */
static void schedule_softirq(void)
{
    __atomic_store_n(&this_sched()->requested, true, __ATOMIC_SEQ_CST);
}

static void slice_end(void *unused)
{
    (void)unused;
    sched_request();
}

static void housekeeping(void *data)
{
    struct cpu_sched *cs = data;

    if (smp_processor_id() == SERVICE_CPU) {
        keyhandler_poll();
        raise_softirq(DOMAIN_REAP_SOFTIRQ);     /* any domain whose vCPUs have left now */
    }
    if (!this_cpu()->current)
        sched_request();        /* idle: maybe work to pull over */
    set_timer(&cs->housekeeping, cs->housekeeping.expires + HOUSEKEEPING_NS);
}

/* Carry out the core's answer to a wake: the CPU that must decide, and by
 * when.  A later deadline on this CPU shortens its slice; one on another
 * CPU is taken as now (its own decision then sets its own slice). */
static void act_on_kick(struct sched_kick kick)
{
    if (kick.cpu == SCHED_NO_CPU)
        return;
    if ((unsigned int)kick.cpu == smp_processor_id()) {
        struct cpu_sched *cs = this_sched();

        if (kick.at <= now_ns())
            sched_request();
        else if (!timer_is_active(&cs->slice) || kick.at < cs->slice.expires)
            set_timer(&cs->slice, kick.at);
    } else {
        sched_request_cpu((unsigned int)kick.cpu);
    }
}

/* ------------------------------------------------------------------------
 * vCPUs.
 */

static bool may_run(const struct vcpu *v)
{
    return v->state == VCPU_RUNNABLE && v->pause_count == 0 &&
           v->domain->state == DOMAIN_ACTIVE;
}

void sched_vcpu_init(struct vcpu *v, const struct bvt_params *params, uint64_t affinity)
{
    spin_lock_init(&v->sched_lock);
    sched_core_init_entity(&scheduler, &v->sched, v);
    v->sched.affinity = affinity;
    /* Validated with the domain's config; a refusal keeps the defaults. */
    if (params)
        (void)sched_bvt_set_params(&scheduler, &v->sched, params);
    v->processor = sched_core_add(&scheduler, &v->sched, now_ns());
}

uint64_t sched_domain_affinity(uint64_t wanted)
{
    uint64_t mask = 0;

    for (unsigned int cpu = 0; cpu < scheduler.nr_cpus; cpu++)
        if (scheduler.rq[cpu].online && (!wanted || ((wanted >> cpu) & 1)))
            mask |= 1ULL << cpu;
    return mask;
}

int sched_vcpu_set_affinity(struct vcpu *v, uint64_t mask)
{
    mask &= sched_domain_affinity(0);       /* the online CPUs of it */
    if (!mask)
        return -EINVAL;
    return sched_core_set_affinity(&scheduler, &v->sched, mask, now_ns());
}

bool sched_vcpu_try_remove(struct vcpu *v)
{
    if (!v->sched.added)
        return true;
    if (sched_core_sleep(&scheduler, &v->sched, now_ns()) ||
        __atomic_load_n(&v->on_cpu, __ATOMIC_ACQUIRE))
        return false;
    sched_core_remove(&scheduler, &v->sched);
    return true;
}

void vcpu_runstate_change(struct vcpu *v, int state)
{
    uint64_t now = now_ns();

    v->runstate.time[v->runstate.state & 3] += now - v->runstate.state_entry_time;
    v->runstate.state = state;
    v->runstate.state_entry_time = now;
}

/* The runstate of a vCPU on no CPU follows its wakes and sleeps (a CPU
 * saving or loading it records its own; one with on_cpu still set will
 * record v->state as it is now when it saves). */
static void runstate_off_cpu(struct vcpu *v, int state)
{
    if (!__atomic_load_n(&v->on_cpu, __ATOMIC_ACQUIRE) && !v->sched.running &&
        v->runstate.state != state)
        vcpu_runstate_change(v, state);
}

/* Bring the run queues in line with what v may do; under v's lock. */
static void update_locked(struct vcpu *v)
{
    if (may_run(v)) {
        /* Before the wake: once woken, a CPU may load it at once. */
        runstate_off_cpu(v, RUNSTATE_runnable);
        act_on_kick(sched_core_wake(&scheduler, &v->sched, now_ns()));
    } else if (sched_core_sleep(&scheduler, &v->sched, now_ns())) {
        /* It is some CPU's current vCPU: that CPU must decide now. */
        sched_request_cpu(READ_ONCE(v->sched.cpu));
    } else {
        runstate_off_cpu(v, v->state == VCPU_BLOCKED ? RUNSTATE_blocked : RUNSTATE_offline);
    }
}

void sched_wake(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&v->sched_lock);

    if (v->state == VCPU_BLOCKED)
        v->state = VCPU_RUNNABLE;
    if (v->sched.added)
        update_locked(v);
    spin_unlock_irqrestore(&v->sched_lock, flags);
}

void sched_update(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&v->sched_lock);

    if (v->sched.added)
        update_locked(v);
    spin_unlock_irqrestore(&v->sched_lock, flags);
}

void sched_block_unless(struct vcpu *v, bool (*woken)(struct vcpu *v, void *ctx), void *ctx)
{
    unsigned long flags = spin_lock_irqsave(&v->sched_lock);

    v->state = VCPU_BLOCKED;
    /* A sender marks its event and then wakes under this lock: either it
     * sees the vCPU blocked, or the vCPU sees its event here. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (woken(v, ctx))
        v->state = VCPU_RUNNABLE;
    update_locked(v);
    spin_unlock_irqrestore(&v->sched_lock, flags);
}

static bool upcall_pending(struct vcpu *v, void *unused)
{
    (void)unused;
    return v->vcpu_info->evtchn_upcall_pending;
}

void sched_block(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_mask = 0;
    sched_block_unless(v, upcall_pending, NULL);
}

void sched_set_down(struct vcpu *v, bool down)
{
    unsigned long flags = spin_lock_irqsave(&v->sched_lock);

    if (down)
        v->state = VCPU_DOWN;
    else if (v->state == VCPU_DOWN)
        v->state = VCPU_RUNNABLE;
    if (v->sched.added)
        update_locked(v);
    spin_unlock_irqrestore(&v->sched_lock, flags);
}

void sched_yield(void)
{
    __atomic_store_n(&this_sched()->yield, true, __ATOMIC_RELAXED);
    sched_request();
}

void vcpu_kick(struct vcpu *v)
{
    /* Always under the vCPU's lock, never by a look at its state first: the
     * sender's store of the pending flags must be ordered before that look,
     * and the lock orders it against the vCPU's own check in
     * sched_block_unless (a plain read could see it still runnable while
     * it blocks without seeing the event). */
    sched_wake(v);
    /* Any interrupt sends it back through the return path, which delivers
     * the upcall; one running here gets it on the way out anyway. */
    if (__atomic_load_n(&v->on_cpu, __ATOMIC_ACQUIRE) &&
        v->processor != smp_processor_id())
        arch_send_softirq_ipi(v->processor);
}

/* ------------------------------------------------------------------------
 * Decisions.
 */

struct vcpu *sched_decide(void)
{
    unsigned int cpu = smp_processor_id();
    struct cpu_sched *cs = &cpu_sched[cpu];
    bool yield = __atomic_exchange_n(&cs->yield, false, __ATOMIC_RELAXED);
    uint64_t now = now_ns(), slice_ns;
    struct sched_entity *next;

    /* Before the policy picks, so a CPU short of work takes some first. */
    sched_core_balance(&scheduler, cpu, now);
    next = sched_core_schedule(&scheduler, cpu, now, yield, &slice_ns);
    if (slice_ns)
        set_timer(&cs->slice, now + slice_ns);
    else
        stop_timer(&cs->slice);
    return next ? next->owner : NULL;
}

/* ------------------------------------------------------------------------
 * Set-up.
 */

static void start_cpu_timers(unsigned int cpu)
{
    struct cpu_sched *cs = &cpu_sched[cpu];

    init_timer(&cs->slice, slice_end, NULL, cpu);
    init_timer(&cs->housekeeping, housekeeping, cs, cpu);
    /* Armed from the CPU itself: timers are set on their own CPU. */
    set_timer(&cs->housekeeping, now_ns() + HOUSEKEEPING_NS);
    cs->requested = true;       /* its first idle loop decides */
}

void sched_init(unsigned int nr_cpus)
{
    if (nr_cpus > SCHED_MAX_CPUS)
        nr_cpus = SCHED_MAX_CPUS;
    sched_core_init(&scheduler, &sched_bvt_ops, nr_cpus ? nr_cpus : 1);
    for (unsigned int cpu = 1; cpu < scheduler.nr_cpus; cpu++)
        sched_core_set_online(&scheduler, cpu, false);
    open_softirq(SCHEDULE_SOFTIRQ, schedule_softirq);
    start_cpu_timers(0);
}

void sched_cpu_up(unsigned int cpu)
{
    if (cpu >= scheduler.nr_cpus)
        return;
    start_cpu_timers(cpu);
    sched_core_set_online(&scheduler, cpu, true);
}
