/*
 * A round-robin run queue: the simplest fair policy that lets several PV
 * domains share CPU 0 until the BVT scheduler (issue 5) arrives. A periodic
 * 10 ms timer asks for a switch; a vCPU that yields, blocks or stops asks too.
 */
#include <asm/irq.h>
#include <asm/smp.h>
#include <xeno/domain.h>
#include <xeno/lib.h>
#include <xeno/sched.h>
#include <xeno/softirq.h>
#include <xeno/spinlock.h>
#include <xeno/timer.h>
#include <xeno/keyhandler.h>
#include <asm/time.h>

#define SLICE_NS MILLISECS(10)

static struct vcpu *runq_head, *runq_tail;
static spinlock_t runq_lock = SPIN_LOCK_UNLOCKED;
static volatile bool resched_pending;
static struct timer slice_timer;

static bool queued(const struct vcpu *v)
{
    for (struct vcpu *q = runq_head; q; q = q->runq_next)
        if (q == v)
            return true;
    return false;
}

static void enqueue_locked(struct vcpu *v)
{
    if (v->on_cpu || queued(v))
        return;
    v->runq_next = NULL;
    if (runq_tail)
        runq_tail->runq_next = v;
    else
        runq_head = v;
    runq_tail = v;
}

static void dequeue_locked(struct vcpu *v)
{
    struct vcpu **pp = &runq_head, *prev = NULL;
    for (; *pp; prev = *pp, pp = &(*pp)->runq_next) {
        if (*pp == v) {
            *pp = v->runq_next;
            if (runq_tail == v)
                runq_tail = prev;
            v->runq_next = NULL;
            return;
        }
    }
}

static bool may_run(const struct vcpu *v)
{
    return v->state == VCPU_RUNNABLE && v->pause_count == 0 &&
           v->domain->state == DOMAIN_ACTIVE;
}

void sched_wake(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&runq_lock);
    if (v->state == VCPU_BLOCKED)
        v->state = VCPU_RUNNABLE;
    if (may_run(v))
        enqueue_locked(v);
    spin_unlock_irqrestore(&runq_lock, flags);
    sched_request();
}

void sched_sleep(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&runq_lock);
    dequeue_locked(v);
    spin_unlock_irqrestore(&runq_lock, flags);
    sched_request();
}

void sched_requeue(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&runq_lock);
    if (may_run(v))
        enqueue_locked(v);
    spin_unlock_irqrestore(&runq_lock, flags);
}

struct vcpu *sched_pick(void)
{
    unsigned long flags = spin_lock_irqsave(&runq_lock);
    struct vcpu *v;

    while ((v = runq_head) != NULL) {
        dequeue_locked(v);
        if (may_run(v))
            break;
    }
    spin_unlock_irqrestore(&runq_lock, flags);
    return v;
}

void sched_request(void)
{
    resched_pending = true;
    cpu_raise_softirq(SCHED_CPU, SCHEDULE_SOFTIRQ);
}

bool sched_request_pending(void)
{
    return resched_pending;
}

bool sched_requested(void)
{
    return __atomic_exchange_n(&resched_pending, false, __ATOMIC_SEQ_CST);
}

static void slice_end(void *unused)
{
    (void)unused;
    keyhandler_poll();          /* console keys, every slice */
    resched_pending = true;
    set_timer(&slice_timer, slice_timer.expires + SLICE_NS);
}

/* Nothing to do here: the switch happens on the way back to the guest. */
static void schedule_softirq(void)
{
}

void sched_init(void)
{
    open_softirq(SCHEDULE_SOFTIRQ, schedule_softirq);
    init_timer(&slice_timer, slice_end, NULL, SCHED_CPU);
    set_timer(&slice_timer, now_ns() + SLICE_NS);
}
