/*
 * Per-CPU timer heaps (xeno/timer.h).  Each heap is an array of timer
 * pointers kept in binary min-heap order; timers know their index, so
 * moving or removing one is O(log n) with no search.  The array starts
 * in static storage (enough for ordinary use) and is grown with xmalloc
 * only when full; the growth happens without the heap lock held.
 */
#include <asm/smp.h>
#include <asm/time.h>
#include <xeno/lib.h>
#include <xeno/softirq.h>
#include <xeno/spinlock.h>
#include <xeno/string.h>
#include <xeno/timer.h>
#include <xeno/xmalloc.h>

#define TIMER_HEAP_STATIC 32
#define TIMER_NOT_QUEUED  (~0U)

struct timer_cpu {
    spinlock_t lock;
    struct timer **heap;        /* NULL until first use: then initial[] */
    unsigned int size;
    unsigned int capacity;
    struct timer *initial[TIMER_HEAP_STATIC];
} __attribute__((aligned(64)));

static struct timer_cpu timer_cpus[NR_CPUS];

/* Lock the heap of cpu, setting it up on first use. */
static unsigned long lock_heap(struct timer_cpu *tc)
{
    unsigned long flags = spin_lock_irqsave(&tc->lock);

    if (!tc->heap) {
        tc->heap = tc->initial;
        tc->capacity = TIMER_HEAP_STATIC;
    }
    return flags;
}

static void heap_place(struct timer_cpu *tc, struct timer *t, unsigned int i)
{
    tc->heap[i] = t;
    t->heap_index = i;
}

static void sift_up(struct timer_cpu *tc, unsigned int i)
{
    struct timer *t = tc->heap[i];

    while (i > 0) {
        unsigned int parent = (i - 1) / 2;

        if (tc->heap[parent]->expires <= t->expires)
            break;
        heap_place(tc, tc->heap[parent], i);
        i = parent;
    }
    heap_place(tc, t, i);
}

static void sift_down(struct timer_cpu *tc, unsigned int i)
{
    struct timer *t = tc->heap[i];

    for (;;) {
        unsigned int child = 2 * i + 1;

        if (child >= tc->size)
            break;
        if (child + 1 < tc->size &&
            tc->heap[child + 1]->expires < tc->heap[child]->expires)
            child++;
        if (t->expires <= tc->heap[child]->expires)
            break;
        heap_place(tc, tc->heap[child], i);
        i = child;
    }
    heap_place(tc, t, i);
}

/* Restore heap order around index i after its key changed either way. */
static void heap_fix(struct timer_cpu *tc, unsigned int i)
{
    if (i > 0 && tc->heap[(i - 1) / 2]->expires > tc->heap[i]->expires)
        sift_up(tc, i);
    else
        sift_down(tc, i);
}

static void heap_remove(struct timer_cpu *tc, struct timer *t)
{
    unsigned int i = t->heap_index;
    struct timer *last = tc->heap[--tc->size];

    ASSERT(i <= tc->size && tc->heap[i] == t);
    t->heap_index = TIMER_NOT_QUEUED;
    t->active = false;
    if (last != t) {
        heap_place(tc, last, i);
        heap_fix(tc, i);
    }
}

/*
 * Make room for one more timer.  Called and returns with the lock held,
 * but drops it around the allocation.
 */
static unsigned long heap_reserve(struct timer_cpu *tc, unsigned long flags)
{
    while (tc->size == tc->capacity) {
        unsigned int want = tc->capacity * 2;
        struct timer **bigger, **old = NULL;

        spin_unlock_irqrestore(&tc->lock, flags);
        bigger = xmalloc_array(struct timer *, want);
        if (!bigger)
            panic("timer: no memory for %u timers", want);
        flags = lock_heap(tc);
        if (tc->capacity < want) {
            memcpy(bigger, tc->heap, tc->size * sizeof(*bigger));
            if (tc->heap != tc->initial)
                old = tc->heap;
            tc->heap = bigger;
            tc->capacity = want;
            bigger = NULL;
        }
        spin_unlock_irqrestore(&tc->lock, flags);
        xfree(bigger);
        xfree(old);
        flags = lock_heap(tc);
    }
    return flags;
}

void timers_init(void)
{
    open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
}

void init_timer(struct timer *t, void (*fn)(void *data), void *data,
                unsigned int cpu)
{
    BUG_ON(cpu >= NR_CPUS);
    t->expires = 0;
    t->fn = fn;
    t->data = data;
    t->cpu = cpu;
    t->heap_index = TIMER_NOT_QUEUED;
    t->active = false;
}

/* cpu's earliest deadline is now expires: get that CPU to notice. */
static void new_earliest(unsigned int cpu, uint64_t expires)
{
    if (expires <= now_ns())
        cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
    else if (cpu == smp_processor_id())
        arch_timer_program(expires);
    else
        cpu_raise_softirq(cpu, TIMER_SOFTIRQ);  /* it reprograms itself */
}

void set_timer(struct timer *t, uint64_t expires_ns)
{
    struct timer_cpu *tc = &timer_cpus[t->cpu];
    unsigned long flags = lock_heap(tc);
    bool earliest;

    if (t->active) {
        t->expires = expires_ns;
        heap_fix(tc, t->heap_index);
    } else {
        flags = heap_reserve(tc, flags);
        /* A callback on another CPU may have armed it meanwhile. */
        if (t->active) {
            t->expires = expires_ns;
            heap_fix(tc, t->heap_index);
        } else {
            t->expires = expires_ns;
            t->active = true;
            heap_place(tc, t, tc->size++);
            sift_up(tc, t->heap_index);
        }
    }
    earliest = tc->heap[0] == t;
    spin_unlock_irqrestore(&tc->lock, flags);

    if (earliest)
        new_earliest(t->cpu, expires_ns);
}

void stop_timer(struct timer *t)
{
    struct timer_cpu *tc = &timer_cpus[t->cpu];
    unsigned long flags = lock_heap(tc);

    if (t->active)
        heap_remove(tc, t);
    spin_unlock_irqrestore(&tc->lock, flags);
}

void timer_softirq_action(void)
{
    struct timer_cpu *tc = &timer_cpus[smp_processor_id()];
    uint64_t now = now_ns();
    unsigned long flags = lock_heap(tc);
    uint64_t next = 0;
    /*
     * Fire at most as many timers as were queued on entry, so a callback
     * that re-arms itself in the past cannot keep us here; what is still
     * due afterwards is picked up by raising the softirq again.
     */
    unsigned int budget = tc->size;

    while (budget-- && tc->size && tc->heap[0]->expires <= now) {
        struct timer *t = tc->heap[0];
        void (*fn)(void *) = t->fn;
        void *data = t->data;

        heap_remove(tc, t);
        spin_unlock_irqrestore(&tc->lock, flags);
        fn(data);
        flags = lock_heap(tc);
    }
    if (tc->size)
        next = tc->heap[0]->expires;
    spin_unlock_irqrestore(&tc->lock, flags);

    if (next && next <= now_ns())
        raise_softirq(TIMER_SOFTIRQ);
    else
        arch_timer_program(next);       /* 0 cancels */
}

void timer_interrupt(void)
{
    raise_softirq(TIMER_SOFTIRQ);
}
