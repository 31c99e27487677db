/*
 * The paper's real time for guests: system time (ns since boot) published in
 * each vCPU's vcpu_time_info as a TSC scale, so a guest reads it without a
 * hypercall; and the vCPU timers that deliver VIRQ_TIMER through the guest's
 * event channel. The timers live on the service CPU, whichever CPU the vCPU
 * runs on (a send wakes or interrupts it there).
 */
#include <asm/processor.h>
#include <asm/time.h>
#include <public/event_channel.h>
#include <xeno/domain.h>
#include <xeno/evtchn.h>
#include <xeno/guest_time.h>
#include <xeno/sched.h>
#include <xeno/timer.h>

static void write_time_info(struct vcpu_time_info *t)
{
    uint64_t tsc_base;
    uint32_t mul;
    int8_t shift;

    time_pvclock_params(&tsc_base, &mul, &shift);
    /* Odd version: the guest retries while we write (the pvclock protocol). */
    __atomic_store_n(&t->version, t->version + 1 + (t->version & 1), __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = tsc_base;
    t->system_time = 0;         /* system time is 0 at tsc_base, exactly */
    t->tsc_to_system_mul = mul;
    t->tsc_shift = shift;
    t->flags = 0;               /* not TSC_STABLE: guests need not trust cross-CPU TSCs */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&t->version, t->version + 1, __ATOMIC_RELEASE);
}

void guest_time_update(struct vcpu *v)
{
    struct shared_info *si = v->domain->shared_info;
    write_time_info(&v->vcpu_info->time);
    /* Linux reads the TSC rate from shared_info's slot even after moving vcpu_info. */
    if (si && v->id < XEN_LEGACY_MAX_VCPUS && &si->vcpu_info[v->id] != v->vcpu_info)
        write_time_info(&si->vcpu_info[v->id].time);
}

static void send_timer_virq(struct vcpu *v)
{
    struct domain *d = v->domain;
    if (d->state == DOMAIN_ACTIVE && d->evtchn_ports)
        evtchn_send_virq(&d->evtchn, v->id, VIRQ_TIMER);
}

static void fire(void *data)
{
    send_timer_virq(data);
}

static void fire_periodic(void *data)
{
    struct vcpu *v = data;
    send_timer_virq(v);
    if (v->timer_period_ns) {
        /* From the last deadline, so it does not drift; after a stall (a paused
         * domain) from now, so missed ticks do not fire in a burst. */
        uint64_t next = v->periodic_timer.expires + v->timer_period_ns;
        set_timer(&v->periodic_timer, next > now_ns() ? next : now_ns() + v->timer_period_ns);
    }
}

/* A poll timed out: wake the vCPU if it still polls (sched_wake wakes it only
 * if it is blocked; an early or late wake is allowed by the ABI). */
static void poll_timeout(void *data)
{
    struct vcpu *v = data;

    if (__atomic_exchange_n(&v->polling, false, __ATOMIC_ACQ_REL))
        sched_wake(v);
}

static void ensure_init(struct vcpu *v)
{
    if (v->timers_ready)
        return;
    init_timer(&v->singleshot_timer, fire, v, SERVICE_CPU);
    init_timer(&v->periodic_timer, fire_periodic, v, SERVICE_CPU);
    init_timer(&v->poll_timer, poll_timeout, v, SERVICE_CPU);
    v->timers_ready = true;
}

void guest_timer_set(struct vcpu *v, uint64_t deadline_ns)
{
    ensure_init(v);
    if (!deadline_ns) {
        stop_timer(&v->singleshot_timer);
        return;
    }
    set_timer(&v->singleshot_timer, deadline_ns);   /* a past deadline fires at once */
}

void guest_timer_set_periodic(struct vcpu *v, uint64_t period_ns)
{
    ensure_init(v);
    v->timer_period_ns = period_ns;
    if (!period_ns) {
        stop_timer(&v->periodic_timer);
        return;
    }
    set_timer(&v->periodic_timer, now_ns() + period_ns);
}

void guest_timers_stop(struct vcpu *v)
{
    if (!v->timers_ready)
        return;
    v->timer_period_ns = 0;
    stop_timer(&v->singleshot_timer);
    stop_timer(&v->periodic_timer);
    stop_timer(&v->poll_timer);
}

void guest_poll_timer_set(struct vcpu *v, uint64_t deadline_ns)
{
    ensure_init(v);
    set_timer(&v->poll_timer, deadline_ns);
}
