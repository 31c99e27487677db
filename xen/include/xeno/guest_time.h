/* Time as guests see it (xen/guest_time.c): pvclock and the vCPU timers. */
#ifndef XENO_GUEST_TIME_H
#define XENO_GUEST_TIME_H
#include <stdint.h>

struct vcpu;

/* Write the vCPU's pvclock (vcpu_time_info) with the version protocol. */
void guest_time_update(struct vcpu *v);
/* The vCPU's one-shot timer: VIRQ_TIMER at deadline_ns (system time); 0 stops it.
 * A deadline already past fires at once. */
void guest_timer_set(struct vcpu *v, uint64_t deadline_ns);
/* Periodic VIRQ_TIMER every period_ns (0 stops it). */
/* The longest period vcpu_op accepts (2^62 ns, about 146 years): with system time
 * below 2^62 too, no deadline can wrap. */
#define GUEST_TIMER_MAX_PERIOD_NS (1ULL << 62)
void guest_timer_set_periodic(struct vcpu *v, uint64_t period_ns);
/* Stop both before the vCPU goes away. */
void guest_timers_stop(struct vcpu *v);
/* End v's SCHEDOP_poll at system time deadline_ns (one in the past: at once). */
void guest_poll_timer_set(struct vcpu *v, uint64_t deadline_ns);
#endif
