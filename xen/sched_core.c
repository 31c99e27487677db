/*
 * The scheduler core (xeno/sched_if.h): run queues, placement, migration,
 * and the calls into the policy.
 */
#include <xeno/compiler.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/sched_if.h>
#include <xeno/string.h>

/* ------------------------------------------------------------------------
 * The queue: runnable entities that are not running, oldest first.
 */

static void enqueue(struct sched_rq *rq, struct sched_entity *e)
{
    e->next = NULL;
    e->prev = rq->tail;
    if (rq->tail)
        rq->tail->next = e;
    else
        rq->head = e;
    rq->tail = e;
    rq->nr_queued++;
}

static void dequeue(struct sched_rq *rq, struct sched_entity *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        rq->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        rq->tail = e->prev;
    e->next = e->prev = NULL;
    rq->nr_queued--;
}

static bool is_queued(const struct sched_entity *e)
{
    return e->runnable && !e->running;
}

/* ------------------------------------------------------------------------
 * Locks.
 */

/* e's run queue, locked; e may move between reading its cpu and the lock. */
struct sched_rq *sched_core_lock_entity(struct scheduler *s, struct sched_entity *e,
                                        unsigned long *flags)
{
    for (;;) {
        struct sched_rq *rq = &s->rq[READ_ONCE(e->cpu)];

        *flags = spin_lock_irqsave(&rq->lock);
        if (rq->cpu == READ_ONCE(e->cpu))
            return rq;
        spin_unlock_irqrestore(&rq->lock, *flags);
    }
}

void sched_core_unlock(struct sched_rq *rq, unsigned long flags)
{
    spin_unlock_irqrestore(&rq->lock, flags);
}

static unsigned long lock_two(struct sched_rq *a, struct sched_rq *b)
{
    unsigned long flags;

    if (a == b)
        return spin_lock_irqsave(&a->lock);
    if (a->cpu > b->cpu) {
        struct sched_rq *t = a;
        a = b;
        b = t;
    }
    flags = spin_lock_irqsave(&a->lock);
    spin_lock(&b->lock);
    return flags;
}

static void unlock_two(struct sched_rq *a, struct sched_rq *b, unsigned long flags)
{
    if (a != b)
        spin_unlock(&b->lock);
    spin_unlock_irqrestore(&a->lock, flags);
}

/* Move e (not running; both locks held) from its run queue to `to`. */
static void move_locked(struct scheduler *s, struct sched_entity *e,
                        struct sched_rq *to)
{
    struct sched_rq *from = &s->rq[e->cpu];

    ASSERT(!e->running);
    if (from == to)
        return;
    if (is_queued(e))
        dequeue(from, e);
    s->ops->migrate(from, to, e);
    from->nr_added--;
    to->nr_added++;
    WRITE_ONCE(e->cpu, to->cpu);
    if (is_queued(e))
        enqueue(to, e);
}

/* Runnable entities of rq: the queued and the running one. */
static unsigned int load_of(const struct sched_rq *rq)
{
    return READ_ONCE(rq->nr_queued) + (READ_ONCE(rq->curr) != NULL);
}

static bool cpu_allowed(const struct scheduler *s, const struct sched_entity *e,
                        unsigned int cpu)
{
    return cpu < s->nr_cpus && s->rq[cpu].online && ((e->affinity >> cpu) & 1);
}

/* ------------------------------------------------------------------------
 * Set-up.
 */

void sched_core_init(struct scheduler *s, const struct sched_ops *ops,
                     unsigned int nr_cpus)
{
    BUG_ON(!ops || nr_cpus == 0 || nr_cpus > SCHED_MAX_CPUS);
    memset(s, 0, sizeof(*s));
    s->ops = ops;
    s->nr_cpus = nr_cpus;
    for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
        struct sched_rq *rq = &s->rq[cpu];

        spin_lock_init(&rq->lock);
        rq->cpu = cpu;
        rq->online = true;
        ops->init_rq(rq);
    }
}

void sched_core_set_online(struct scheduler *s, unsigned int cpu, bool online)
{
    struct sched_rq *rq = &s->rq[cpu];
    unsigned long flags;

    BUG_ON(cpu >= s->nr_cpus);
    flags = spin_lock_irqsave(&rq->lock);
    BUG_ON(!online && rq->nr_added);
    rq->online = online;
    spin_unlock_irqrestore(&rq->lock, flags);
}

void sched_core_init_entity(struct scheduler *s, struct sched_entity *e, void *owner)
{
    memset(e, 0, sizeof(*e));
    e->owner = owner;
    e->affinity = ~0ULL;
    s->ops->init_entity(e);
}

unsigned int sched_core_pick_cpu(struct scheduler *s, const struct sched_entity *e)
{
    unsigned int best = 0, best_load = ~0U, best_added = ~0U;
    bool found = false;

    /* Racy reads of other CPUs' counts: placement is a heuristic. */
    for (unsigned int cpu = 0; cpu < s->nr_cpus; cpu++) {
        const struct sched_rq *rq = &s->rq[cpu];
        unsigned int load, added;

        if (!cpu_allowed(s, e, cpu))
            continue;
        load = load_of(rq);
        added = READ_ONCE(rq->nr_added);
        if (!found || load < best_load ||
            (load == best_load && (added < best_added ||
                                   (added == best_added && e->added && cpu == e->cpu)))) {
            best = cpu;
            best_load = load;
            best_added = added;
            found = true;
        }
    }
    BUG_ON(!found);
    return best;
}

unsigned int sched_core_add(struct scheduler *s, struct sched_entity *e, uint64_t now)
{
    struct sched_rq *rq;
    unsigned long flags;

    BUG_ON(e->added);
    e->cpu = sched_core_pick_cpu(s, e);
    rq = &s->rq[e->cpu];
    flags = spin_lock_irqsave(&rq->lock);
    e->added = true;
    rq->nr_added++;
    s->ops->add(rq, e, now);
    spin_unlock_irqrestore(&rq->lock, flags);
    return e->cpu;
}

void sched_core_remove(struct scheduler *s, struct sched_entity *e)
{
    unsigned long flags;
    struct sched_rq *rq = sched_core_lock_entity(s, e, &flags);

    BUG_ON(!e->added || e->running);
    if (is_queued(e))
        dequeue(rq, e);
    e->runnable = false;
    e->added = false;
    rq->nr_added--;
    spin_unlock_irqrestore(&rq->lock, flags);
}

/* ------------------------------------------------------------------------
 * Wake, sleep, decide.
 */

/* Where a waking e should go: its own CPU if idle or not allowed any more,
 * else an idle one it may run on, else its own. */
static unsigned int wake_cpu(struct scheduler *s, const struct sched_entity *e)
{
    const struct sched_rq *own = &s->rq[e->cpu];

    if (!cpu_allowed(s, e, e->cpu))
        return sched_core_pick_cpu(s, e);
    if (!READ_ONCE(own->curr) && !READ_ONCE(own->nr_queued))
        return e->cpu;
    for (unsigned int cpu = 0; cpu < s->nr_cpus; cpu++) {
        const struct sched_rq *rq = &s->rq[cpu];

        if (cpu_allowed(s, e, cpu) && !READ_ONCE(rq->curr) && !READ_ONCE(rq->nr_queued))
            return cpu;
    }
    return e->cpu;
}

struct sched_kick sched_core_wake(struct scheduler *s, struct sched_entity *e,
                                  uint64_t now)
{
    struct sched_kick kick = { .cpu = SCHED_NO_CPU, .at = 0 };
    struct sched_rq *from, *target, *to;
    unsigned long flags;
    uint64_t at;

    BUG_ON(!e->added);
    for (;;) {
        unsigned int cpu = READ_ONCE(e->cpu);

        from = &s->rq[cpu];
        target = &s->rq[wake_cpu(s, e)];
        flags = lock_two(from, target);
        if (e->cpu == cpu)
            break;
        unlock_two(from, target, flags);
    }
    if (e->runnable)
        goto out;
    /* Woken again before its CPU saw it sleep: it stays where it runs. */
    to = e->running ? from : target;
    if (to != from)
        move_locked(s, e, to);
    e->runnable = true;
    if (!e->running)
        enqueue(to, e);
    at = s->ops->wake(to, e, now);
    if (!to->curr)
        at = now;
    if (at != UINT64_MAX && !e->running) {
        kick.cpu = (int)to->cpu;
        kick.at = at;
    }
out:
    unlock_two(from, target, flags);
    return kick;
}

bool sched_core_sleep(struct scheduler *s, struct sched_entity *e, uint64_t now)
{
    unsigned long flags;
    struct sched_rq *rq = sched_core_lock_entity(s, e, &flags);
    bool running = e->running;

    if (e->runnable) {
        if (!running)
            dequeue(rq, e);
        e->runnable = false;
        s->ops->sleep(rq, e, now);
    }
    spin_unlock_irqrestore(&rq->lock, flags);
    return running;
}

struct sched_entity *sched_core_schedule(struct scheduler *s, unsigned int cpu,
                                         uint64_t now, bool yield,
                                         uint64_t *slice_ns)
{
    struct sched_rq *rq = &s->rq[cpu];
    struct sched_entity *prev, *next;
    unsigned long flags;

    BUG_ON(cpu >= s->nr_cpus);
    flags = spin_lock_irqsave(&rq->lock);
    prev = rq->curr;
    if (prev) {
        uint64_t ran = now > prev->started_at ? now - prev->started_at : 0;

        prev->run_ns += ran;
        s->ops->charge(rq, prev, ran, now);
        prev->started_at = now;
    }
    next = s->ops->pick_next(rq, prev && prev->runnable ? prev : NULL, yield,
                             now, slice_ns);
    if (next != prev) {
        if (prev) {
            prev->running = false;
            if (prev->runnable)
                enqueue(rq, prev);
        }
        if (next) {
            dequeue(rq, next);
            next->running = true;
            next->started_at = now;
        }
        rq->curr = next;
    }
    if (!next)
        *slice_ns = 0;
    spin_unlock_irqrestore(&rq->lock, flags);
    return next;
}

/* ------------------------------------------------------------------------
 * Moving entities between CPUs.
 */

int sched_core_migrate(struct scheduler *s, struct sched_entity *e,
                       unsigned int cpu, uint64_t now)
{
    struct sched_rq *from, *to;
    unsigned long flags;
    int rc = 0;

    (void)now;
    if (!cpu_allowed(s, e, cpu))
        return -EINVAL;
    to = &s->rq[cpu];
    for (;;) {
        from = &s->rq[READ_ONCE(e->cpu)];
        flags = lock_two(from, to);
        if (e->cpu == from->cpu)
            break;
        unlock_two(from, to, flags);
    }
    if (e->running)
        rc = -EBUSY;
    else
        move_locked(s, e, to);
    unlock_two(from, to, flags);
    return rc;
}

int sched_core_set_affinity(struct scheduler *s, struct sched_entity *e,
                            uint64_t mask, uint64_t now)
{
    struct sched_entity probe = *e;
    unsigned long flags;
    struct sched_rq *rq;
    unsigned int cpu;
    bool any = false;

    for (cpu = 0; cpu < s->nr_cpus; cpu++)
        any |= s->rq[cpu].online && ((mask >> cpu) & 1);
    if (!any)
        return -EINVAL;
    rq = sched_core_lock_entity(s, e, &flags);
    if (e->running && !((mask >> e->cpu) & 1)) {
        spin_unlock_irqrestore(&rq->lock, flags);
        return -EBUSY;
    }
    e->affinity = mask;
    spin_unlock_irqrestore(&rq->lock, flags);
    if (cpu_allowed(s, e, e->cpu))
        return 0;
    probe.affinity = mask;
    cpu = sched_core_pick_cpu(s, &probe);
    /* If it got its CPU meanwhile (-EBUSY), it moves when it next wakes. */
    sched_core_migrate(s, e, cpu, now);
    return 0;
}

struct sched_entity *sched_core_balance(struct scheduler *s, unsigned int cpu,
                                        uint64_t now)
{
    struct sched_rq *to = &s->rq[cpu], *from = NULL;
    struct sched_entity *e = NULL;
    unsigned int most = 0;
    unsigned long flags;

    (void)now;
    BUG_ON(cpu >= s->nr_cpus);
    /* Racy reads to choose; checked again under the locks. */
    for (unsigned int other = 0; other < s->nr_cpus; other++) {
        unsigned int load = load_of(&s->rq[other]);

        if (other != cpu && load > most) {
            most = load;
            from = &s->rq[other];
        }
    }
    if (!from || most < load_of(to) + 2)
        return NULL;
    flags = lock_two(from, to);
    if (load_of(from) >= load_of(to) + 2)
        for (e = from->head; e; e = e->next)
            if (cpu_allowed(s, e, cpu))
                break;
    if (e)
        move_locked(s, e, to);
    unlock_two(from, to, flags);
    return e;
}
