/*
 * Borrowed virtual time (xeno/sched_bvt.h): the policy's numbers and
 * decisions, behind the ops table of the scheduler core (xeno/sched_if.h).
 */
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/sched_if.h>

/* A bound on virtual-time gaps turned into real time, so that gap * weight
 * cannot overflow (2^40 ns is 18 minutes; slices are milliseconds). */
#define GAP_CAP (1ULL << 40)

/* Virtual time of ns of running at weight w (rounded down: tentative). */
static uint64_t vt_of(uint64_t ns, uint32_t weight)
{
    return ns * BVT_DEFAULT_WEIGHT / weight;
}

/* Real time in which an entity of weight w gains vt (rounded up). */
static uint64_t ns_of(uint64_t vt, uint32_t weight)
{
    if (vt > GAP_CAP)
        vt = GAP_CAP;
    return DIV_ROUND_UP(vt * weight, BVT_DEFAULT_WEIGHT);
}

static void update_evt(struct bvt_entity *b)
{
    b->evt = (int64_t)b->avt - (b->warped ? (int64_t)b->warp : 0);
}

static void end_warp(struct bvt_entity *b, uint64_t now)
{
    if (!b->warped)
        return;
    b->warped = false;
    b->warp_ok_at = now + b->unwarp_ns;
    update_evt(b);
}

/* C in e's virtual time. */
static int64_t ctx_allow_vt(const struct sched_rq *rq, const struct sched_entity *e)
{
    return (int64_t)vt_of(rq->bvt.ctx_allow_ns, e->bvt.weight);
}

/* The running entity's E if it were charged now (not committed). */
static int64_t current_evt(const struct sched_entity *curr, uint64_t now)
{
    uint64_t ran = now > curr->started_at ? now - curr->started_at : 0;

    return curr->bvt.evt + (int64_t)vt_of(ran, curr->bvt.weight);
}

/* SVT = the lowest A of rq's runnable entities, never decreasing.  The
 * running one counts with its uncommitted run time. */
static void update_svt(struct sched_rq *rq, const struct sched_entity *curr,
                       const struct sched_entity *skip, uint64_t now)
{
    uint64_t low = UINT64_MAX;

    if (curr) {
        uint64_t ran = now > curr->started_at ? now - curr->started_at : 0;

        low = curr->bvt.avt + vt_of(ran, curr->bvt.weight);
    }
    for (const struct sched_entity *q = rq->head; q; q = q->next)
        if (q != skip && q->bvt.avt < low)
            low = q->bvt.avt;
    if (low != UINT64_MAX && low > rq->bvt.svt)
        rq->bvt.svt = low;
}

/* ------------------------------------------------------------------------
 * The ops.
 */

static void bvt_init_rq(struct sched_rq *rq)
{
    rq->bvt.svt = 0;
    rq->bvt.ctx_allow_ns = BVT_DEFAULT_CTX_ALLOW_NS;
}

static void bvt_init_entity(struct sched_entity *e)
{
    e->bvt = (struct bvt_entity){ .weight = BVT_DEFAULT_WEIGHT };
}

static void bvt_add(struct sched_rq *rq, struct sched_entity *e, uint64_t now)
{
    (void)now;
    e->bvt.avt = rq->bvt.svt;
    e->bvt.vt_rem = 0;
    update_evt(&e->bvt);
}

/*
 * A woken entity starts no earlier than SVT, warped if it may be; the
 * running one gives way once E_curr >= E_woken + C/w_curr.
 */
static uint64_t bvt_wake(struct sched_rq *rq, struct sched_entity *e, uint64_t now)
{
    struct bvt_entity *b = &e->bvt;
    struct sched_entity *curr = rq->curr;
    int64_t e_curr, need;

    /* A current entity that no longer runs is about to be replaced anyway. */
    if (curr && (curr == e || !curr->runnable))
        curr = NULL;
    update_svt(rq, curr, e, now);
    if (b->avt < rq->bvt.svt) {
        b->avt = rq->bvt.svt;
        b->vt_rem = 0;
    }
    if (b->warp && !b->warped && now >= b->warp_ok_at) {
        b->warped = true;
        b->warped_ran_ns = 0;
    }
    update_evt(b);
    if (!curr)
        return rq->curr == e ? UINT64_MAX : now;
    e_curr = current_evt(curr, now);
    need = b->evt + ctx_allow_vt(rq, curr);
    if (e_curr >= need)
        return now;
    return now + ns_of((uint64_t)(need - e_curr), curr->bvt.weight);
}

/* Blocking ends a warp (and starts the unwarp requirement's clock). */
static void bvt_sleep(struct sched_rq *rq, struct sched_entity *e, uint64_t now)
{
    (void)rq;
    end_warp(&e->bvt, now);
}

/* A grows by whole MCUs over the weight, the remainder carried. */
static void bvt_charge(struct sched_rq *rq, struct sched_entity *e, uint64_t ran_ns,
                       uint64_t now)
{
    struct bvt_entity *b = &e->bvt;
    uint64_t mcus = DIV_ROUND_UP(ran_ns, BVT_MCU_NS);
    uint64_t num = mcus * BVT_MCU_NS * BVT_DEFAULT_WEIGHT + b->vt_rem;

    (void)rq;
    b->avt += num / b->weight;
    b->vt_rem = (uint32_t)(num % b->weight);
    if (b->warped) {
        b->warped_ran_ns += ran_ns;
        if (b->warped_ran_ns >= b->warp_limit_ns)
            end_warp(b, now);
    }
    update_evt(b);
}

/*
 * Lowest E wins (the oldest queued among equals); prev keeps its CPU unless
 * someone is ahead by C/w_prev, or it yields.  The slice runs until the
 * chosen entity is C/w past its closest competitor, or its warp runs out.
 */
static struct sched_entity *bvt_pick_next(struct sched_rq *rq, struct sched_entity *prev,
                                          bool yield, uint64_t now, uint64_t *slice_ns)
{
    struct sched_entity *best = NULL, *second = NULL, *next, *rival;
    uint64_t slice;

    update_svt(rq, prev, NULL, now);
    for (struct sched_entity *q = rq->head; q; q = q->next) {
        if (!best || q->bvt.evt < best->bvt.evt) {
            second = best;
            best = q;
        } else if (!second || q->bvt.evt < second->bvt.evt) {
            second = q;
        }
    }
    next = best;
    rival = second;
    if (prev && (!best || (!yield && best->bvt.evt + ctx_allow_vt(rq, prev) > prev->bvt.evt))) {
        next = prev;
        rival = best;
    } else if (prev && (!second || prev->bvt.evt < second->bvt.evt)) {
        rival = prev;
    }
    if (!next) {
        *slice_ns = 0;
        return NULL;
    }
    if (!rival) {
        slice = rq->bvt.ctx_allow_ns * BVT_SOLO_SLICE_FACTOR;
    } else {
        int64_t gap = rival->bvt.evt - next->bvt.evt + ctx_allow_vt(rq, next);

        slice = gap > 0 ? ns_of((uint64_t)gap, next->bvt.weight) : 0;
    }
    if (next->bvt.warped) {
        uint64_t left = next->bvt.warp_limit_ns - next->bvt.warped_ran_ns;

        if (left < slice)
            slice = left;
    }
    *slice_ns = slice > BVT_MCU_NS ? slice : BVT_MCU_NS;
    return next;
}

/* Keep e's lag behind (or lead over) the CPU's SVT across the move. */
static void bvt_migrate(struct sched_rq *from, struct sched_rq *to, struct sched_entity *e)
{
    struct bvt_entity *b = &e->bvt;
    int64_t lag = (int64_t)(b->avt - from->bvt.svt);

    if (lag < 0 && (uint64_t)-lag > to->bvt.svt)
        b->avt = 0;
    else
        b->avt = to->bvt.svt + (uint64_t)lag;
    update_evt(b);
}

const struct sched_ops sched_bvt_ops = {
    .name = "bvt",
    .init_rq = bvt_init_rq,
    .init_entity = bvt_init_entity,
    .add = bvt_add,
    .wake = bvt_wake,
    .sleep = bvt_sleep,
    .charge = bvt_charge,
    .pick_next = bvt_pick_next,
    .migrate = bvt_migrate,
};

/* ------------------------------------------------------------------------
 * Parameters.
 */

int sched_bvt_set_params(struct scheduler *s, struct sched_entity *e,
                         const struct bvt_params *p)
{
    struct bvt_entity *b = &e->bvt;
    struct sched_rq *rq;
    unsigned long flags;

    /* An unlimited warp would let an entity that never blocks stay ahead of
     * everyone woken at SVT for ever. */
    if (p->weight == 0 || p->weight > BVT_MAX_WEIGHT || (p->warp && !p->warp_limit_ns))
        return -EINVAL;
    rq = sched_core_lock_entity(s, e, &flags);
    if (b->weight != p->weight)
        b->vt_rem = 0;
    b->weight = p->weight;
    b->warp = p->warp;
    b->warp_limit_ns = p->warp_limit_ns;
    b->unwarp_ns = p->unwarp_ns;
    if (!b->warp)
        b->warped = false;
    update_evt(b);
    sched_core_unlock(rq, flags);
    return 0;
}

int sched_bvt_set_ctx_allow(struct scheduler *s, uint64_t ns)
{
    if (ns < BVT_MCU_NS)
        return -EINVAL;
    for (unsigned int cpu = 0; cpu < s->nr_cpus; cpu++) {
        struct sched_rq *rq = &s->rq[cpu];
        unsigned long flags = spin_lock_irqsave(&rq->lock);

        rq->bvt.ctx_allow_ns = ns;
        spin_unlock_irqrestore(&rq->lock, flags);
    }
    return 0;
}
