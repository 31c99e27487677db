/*
 * Borrowed virtual time (Duda and Cheriton, SOSP 1999), the scheduler of the
 * Xen paper (SOSP 2003), as a policy behind the ops table of xeno/sched_if.h.
 *
 * Each entity (vCPU) has an actual virtual time A that grows while it runs,
 * by its run time divided by its weight: charged in whole minimum charging
 * units (MCU, 100 us) and scaled so that an entity of the default weight
 * gains one unit of virtual time per nanosecond.  Its effective virtual time
 * is E = A - W while it is warped (W: its warp, borrowed against its future
 * share), E = A otherwise.  A CPU runs the entity with the lowest E.
 *
 * - Context-switch allowance C: the running entity i gives way to j only
 *   when E_j <= E_i - C/w_i, so entities of equal weight alternate every C
 *   of real time and a woken one does not preempt at once unless it is
 *   ahead by that much (or warped).
 * - Scheduler virtual time SVT: the lowest A of the CPU's runnable entities
 *   (never decreasing).  A woken entity's A is raised to at least SVT, so
 *   sleeping banks no credit.
 * - Warp: an entity with W > 0 is warped when it wakes, if at least U (its
 *   unwarp requirement) has passed since its last warp ended; the warp ends
 *   when it blocks, or once it has run L (its warp limit, required with a
 *   warp: an unlimited one would let an entity that never blocks stay
 *   ahead of everyone woken at SVT for ever) while warped.  A latency-sensitive entity (a domain that receives
 *   events) so runs at once when woken, yet gets no more than its weight's
 *   share over time, and cannot stay warped beyond L nor warp more often
 *   than U allows.
 *
 * Integer arithmetic only (the hypervisor has no FPU state of its own):
 * charges carry their division remainder, so shares are exact over time.
 */
#ifndef XENO_SCHED_BVT_H
#define XENO_SCHED_BVT_H

#include <stdbool.h>
#include <stdint.h>

#define BVT_MCU_NS 100000ULL                    /* minimum charging unit */
#define BVT_DEFAULT_WEIGHT 256U
#define BVT_MAX_WEIGHT 65535U
#define BVT_DEFAULT_CTX_ALLOW_NS 5000000ULL     /* C: 5 ms, as Xen's BVT */
/* Slice of an entity with no competitor on its CPU: a check now and then. */
#define BVT_SOLO_SLICE_FACTOR 10                /* times C */

struct scheduler;
struct sched_entity;

/* Per-entity state (in struct sched_entity). */
struct bvt_entity {
    uint32_t weight;            /* share, 1 .. BVT_MAX_WEIGHT */
    uint32_t vt_rem;            /* remainder of the charges' division by weight */
    uint64_t avt;               /* A */
    int64_t evt;                /* E */
    uint64_t warp;              /* W, in virtual time (ns at the default weight) */
    uint64_t warp_limit_ns;     /* L: run time per warp (> 0 with a warp) */
    uint64_t unwarp_ns;         /* U: real time between a warp's end and the next */
    bool warped;                /* warp in effect now */
    uint64_t warped_ran_ns;     /* run time in the current warp */
    uint64_t warp_ok_at;        /* earliest start of the next warp */
};

/* Per-CPU state (in struct sched_rq). */
struct bvt_rq {
    uint64_t svt;
    uint64_t ctx_allow_ns;      /* C */
};

struct bvt_params {
    uint32_t weight;
    uint64_t warp;
    uint64_t warp_limit_ns;
    uint64_t unwarp_ns;
};

extern const struct sched_ops sched_bvt_ops;

/* Change e's weight and warp parameters (it takes e's run queue's lock):
 * 0, or -EINVAL for a weight outside 1 .. BVT_MAX_WEIGHT or a warp without
 * a limit. */
int sched_bvt_set_params(struct scheduler *s, struct sched_entity *e,
                         const struct bvt_params *p);
/* C for every CPU: 0, or -EINVAL below one MCU. */
int sched_bvt_set_ctx_allow(struct scheduler *s, uint64_t ns);

#endif /* XENO_SCHED_BVT_H */
