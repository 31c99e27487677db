/*
 * Softirqs: work that interrupt handlers defer to a safe point (the
 * return from an interrupt, the idle loop) where it runs with interrupts
 * enabled.  Each CPU has a mask of pending softirqs; lower numbers run
 * first.
 */
#ifndef XENO_SOFTIRQ_H
#define XENO_SOFTIRQ_H

#include <stdbool.h>

enum softirq_nr {
    TIMER_SOFTIRQ,
    SCHEDULE_SOFTIRQ,       /* reserved for the scheduler */
    DOMAIN_REAP_SOFTIRQ,    /* destroy a domain that has ended (xen/domain.c) */
    NR_SOFTIRQS
};

typedef void (*softirq_handler)(void);

/* Install the handler for nr (once, at boot). */
void open_softirq(unsigned int nr, softirq_handler fn);

/* Mark nr pending on this CPU. */
void raise_softirq(unsigned int nr);

/* Mark nr pending on cpu, sending it an IPI when it is another CPU. */
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);

/* Is any softirq pending on cpu? */
bool softirq_pending(unsigned int cpu);
/* Where cpu's pending mask lives (read by the hypercall fast path, entry.S). */
const volatile unsigned long *softirq_pending_word(unsigned int cpu);

/*
 * Run this CPU's pending handlers until none is pending.  A call made
 * while this CPU is already inside do_softirq returns at once (the outer
 * call picks the work up).
 */
void do_softirq(void);

#endif /* XENO_SOFTIRQ_H */
