/*
 * Scheduling, for now: one round-robin run queue served by CPU 0 with a 10 ms
 * slice (the BVT scheduler of a later issue replaces the policy). The switch
 * itself happens on the way back to a guest (pv/return.c) or in the idle loop.
 */
#ifndef XENO_SCHED_H
#define XENO_SCHED_H
#include <stdbool.h>

struct vcpu;

void sched_init(void);
/* Make v runnable and queue it (no-op if it is queued or on a CPU). */
void sched_wake(struct vcpu *v);
/* v stops being runnable (blocked, down or its domain stopped). */
void sched_sleep(struct vcpu *v);
/* The next runnable vCPU to run, taken off the queue, or NULL. */
struct vcpu *sched_pick(void);
/* Put a still-runnable vCPU that is leaving its CPU back on the queue. */
void sched_requeue(struct vcpu *v);
/* Ask this CPU to reconsider what it runs at the next return to a guest. */
void sched_request(void);
/* Consume the request; true if one was pending. */
bool sched_requested(void);
/* Is a request pending? (Cheap: a plain read, for the hypercall return path.) */
bool sched_request_pending(void);
/* The CPU that runs guests. */
#define SCHED_CPU 0
#endif
