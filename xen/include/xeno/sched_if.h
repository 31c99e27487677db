/*
 * The scheduler core: per-CPU run queues of schedulable entities (vCPUs),
 * placement and migration between CPUs, and the decisions of a policy
 * (an ops table, as Xen's struct scheduler: BVT in sched_bvt.c, and room
 * for a second).  It decides only; the caller owns the mechanisms:
 *
 * - It calls sched_core_schedule(cpu) when that CPU must decide (slice
 *   timer, the running vCPU blocked or yielded, a kick), switches to the
 *   entity returned (NULL: idle) and arms the CPU's slice timer for the
 *   slice returned (0: none needed).
 * - sched_core_wake returns a kick: which CPU must decide again, and by when
 *   (now: at once, by IPI if remote; later: shorten its slice timer).
 * - It calls sched_core_balance on a CPU about to idle, and periodically,
 *   to pull a waiting entity over from a busier one.
 *
 * An entity is runnable (it wants a CPU) or not; a runnable one is either
 * its run queue's current entity (running) or queued.  It belongs to one run
 * queue (cpu) at a time and moves only while not running: when it wakes (to
 * an idle CPU it may run on), on sched_core_migrate, when pulled by
 * sched_core_balance, or when its affinity changes.
 *
 * Locking: each run queue has a lock, taken with interrupts off; every
 * function here takes the locks it needs (two run queues in CPU order) and
 * callers hold none of them.  The policy's ops run under the lock of the run
 * queue they are given (both for migrate).  Callers serialise calls for one
 * entity: its wake, sleep and removal come from its own state changes,
 * which the caller already orders.
 */
#ifndef XENO_SCHED_IF_H
#define XENO_SCHED_IF_H

#include <stdbool.h>
#include <stdint.h>
#include <xeno/sched_bvt.h>
#include <xeno/spinlock.h>

#define SCHED_MAX_CPUS 64       /* affinity is a 64-bit mask */
#define SCHED_NO_CPU (-1)

struct sched_entity {
    void *owner;                /* the caller's own structure (struct vcpu) */
    uint64_t affinity;          /* bit n: may run on CPU n */
    unsigned int cpu;           /* the run queue it belongs to */
    bool added;                 /* belongs to a run queue */
    bool runnable;
    bool running;               /* its run queue's current entity */
    struct sched_entity *next, *prev;   /* in the queue, while queued */
    uint64_t started_at;        /* when it last got its CPU */
    uint64_t run_ns;            /* CPU time so far */
    struct bvt_entity bvt;      /* one member per policy */
};

struct sched_rq {
    spinlock_t lock;
    unsigned int cpu;
    bool online;
    struct sched_entity *curr;  /* NULL: idle */
    struct sched_entity *head, *tail;   /* queued: runnable, not running */
    unsigned int nr_queued;
    unsigned int nr_added;      /* entities that belong here, runnable or not */
    struct bvt_rq bvt;          /* one member per policy */
};

struct scheduler {
    const struct sched_ops *ops;
    unsigned int nr_cpus;
    struct sched_rq rq[SCHED_MAX_CPUS];
};

/* A CPU that must decide again, and by when. */
struct sched_kick {
    int cpu;                    /* SCHED_NO_CPU: nothing to do */
    uint64_t at;                /* <= now: at once */
};

/*
 * A policy.  Every op runs under the lock of the run queue it is given.
 * The core keeps the queue (unordered, oldest first) and the running/
 * runnable flags; the policy keeps its own per-entity and per-CPU numbers.
 */
struct sched_ops {
    const char *name;
    void (*init_rq)(struct sched_rq *rq);
    void (*init_entity)(struct sched_entity *e);
    /* e joins rq, not runnable. */
    void (*add)(struct sched_rq *rq, struct sched_entity *e, uint64_t now);
    /* e became runnable (already queued): by when must rq's current
     * entity give way to it?  UINT64_MAX: not on its account. */
    uint64_t (*wake)(struct sched_rq *rq, struct sched_entity *e, uint64_t now);
    /* e stopped being runnable (blocked, down or paused). */
    void (*sleep)(struct sched_rq *rq, struct sched_entity *e, uint64_t now);
    /* e (rq's current entity) ran ran_ns up to now. */
    void (*charge)(struct sched_rq *rq, struct sched_entity *e, uint64_t ran_ns,
                   uint64_t now);
    /* What runs next on rq: one of the queued entities or prev (the current
     * entity, if still runnable; the core has charged it), or NULL; *slice_ns
     * is how long until the decision is due again (0: not before a wake).
     * A yield asks for anyone but prev when there is anyone. */
    struct sched_entity *(*pick_next)(struct sched_rq *rq, struct sched_entity *prev,
                                      bool yield, uint64_t now, uint64_t *slice_ns);
    /* e (not running) moves from one run queue to the other. */
    void (*migrate)(struct sched_rq *from, struct sched_rq *to, struct sched_entity *e);
};

/* CPUs 0 .. nr_cpus-1, all online, with policy ops. */
void sched_core_init(struct scheduler *s, const struct sched_ops *ops,
                     unsigned int nr_cpus);
/* cpu takes work (true) or not: an offline CPU gets no entities placed,
 * woken or pulled onto it (only CPUs that never had any go offline). */
void sched_core_set_online(struct scheduler *s, unsigned int cpu, bool online);
/* A new entity: may run anywhere, not runnable, policy defaults. */
void sched_core_init_entity(struct scheduler *s, struct sched_entity *e, void *owner);
/* Give e (not added yet) to the least-loaded CPU its affinity allows;
 * returns that CPU. */
unsigned int sched_core_add(struct scheduler *s, struct sched_entity *e, uint64_t now);
/* e leaves for good; it must not be running (sleep it and let its CPU
 * decide first). */
void sched_core_remove(struct scheduler *s, struct sched_entity *e);

/* e becomes runnable (no-op if it is); it moves to an idle CPU it may run
 * on if its own is busy.  Returns the CPU that must decide, and by when. */
struct sched_kick sched_core_wake(struct scheduler *s, struct sched_entity *e,
                                  uint64_t now);
/* e stops being runnable.  True if it is running: its CPU must decide now. */
bool sched_core_sleep(struct scheduler *s, struct sched_entity *e, uint64_t now);
/* The decision on cpu at now: charge the current entity, pick the next one
 * (which becomes current; NULL: idle) and the slice until the next
 * decision (0: none due). */
struct sched_entity *sched_core_schedule(struct scheduler *s, unsigned int cpu,
                                         uint64_t now, bool yield,
                                         uint64_t *slice_ns);

/* The online CPU e may run on with the fewest runnable entities (then the
 * fewest entities; then e's own CPU, then the lowest number). */
unsigned int sched_core_pick_cpu(struct scheduler *s, const struct sched_entity *e);
/* Move e (not running) to cpu: 0, -EBUSY if it runs, -EINVAL if cpu is
 * offline or outside its affinity. */
int sched_core_migrate(struct scheduler *s, struct sched_entity *e,
                       unsigned int cpu, uint64_t now);
/* New affinity mask: 0; -EINVAL if it holds no online CPU; -EBUSY if e runs
 * on a CPU outside it (nothing changed: deschedule it first).  A queued or
 * sleeping entity outside it moves at once. */
int sched_core_set_affinity(struct scheduler *s, struct sched_entity *e,
                            uint64_t mask, uint64_t now);
/* Pull work to cpu: if the CPU with the most runnable entities has at
 * least two more than cpu, move its oldest queued entity that may run on cpu
 * to cpu's queue.  Returns it (cpu should then decide), or NULL.  Call it
 * when cpu is about to idle, and now and then (a periodic tick) so that busy
 * entities that never block spread out too. */
struct sched_entity *sched_core_balance(struct scheduler *s, unsigned int cpu,
                                        uint64_t now);

/* For a policy's parameter changes: e's run queue, locked (e may move
 * until it is), and back. */
struct sched_rq *sched_core_lock_entity(struct scheduler *s, struct sched_entity *e,
                                        unsigned long *flags);
void sched_core_unlock(struct sched_rq *rq, unsigned long flags);

#endif /* XENO_SCHED_IF_H */
