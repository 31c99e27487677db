/*
 * One-shot timers.  Each CPU keeps its timers in a min-heap ordered by
 * expiry and programs its hardware timer for the earliest one; expired
 * timers run from TIMER_SOFTIRQ on the timer's CPU, without any timer
 * lock held, so a callback may set (re-arm) or stop timers, itself included.
 *
 * Times are nanoseconds of system time (now_ns() in asm/time.h).
 */
#ifndef XENO_TIMER_H
#define XENO_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define MICROSECS(us) ((uint64_t)(us) * 1000ULL)
#define MILLISECS(ms) ((uint64_t)(ms) * 1000000ULL)
#define SECONDS(s)    ((uint64_t)(s) * 1000000000ULL)

struct timer {
    uint64_t expires;           /* system time, ns */
    void (*fn)(void *data);
    void *data;
    unsigned int cpu;           /* the CPU whose heap holds it and runs fn */
    unsigned int heap_index;    /* position in that heap while active */
    bool active;                /* in the heap, not yet fired or stopped */
};

/* Install the TIMER_SOFTIRQ handler; call once at boot, after softirqs exist. */
void timers_init(void);

/* Prepare t (inactive) to call fn(data) on cpu.  Never on an armed timer. */
void init_timer(struct timer *t, void (*fn)(void *data), void *data,
                unsigned int cpu);

/*
 * Arm t to fire at expires_ns, moving it if it is already armed.
 * A time already past fires at the CPU's next softirq.
 */
void set_timer(struct timer *t, uint64_t expires_ns);

/*
 * Disarm t; nothing happens if it is not armed.  Does not wait for a
 * callback already running on another CPU.
 */
void stop_timer(struct timer *t);

static inline bool timer_is_active(const struct timer *t)
{
    return __atomic_load_n(&t->active, __ATOMIC_RELAXED);
}

/* TIMER_SOFTIRQ: run this CPU's expired timers, then reprogram the hardware. */
void timer_softirq_action(void);

/* Called by the architecture's timer interrupt handler. */
void timer_interrupt(void);

#endif /* XENO_TIMER_H */
