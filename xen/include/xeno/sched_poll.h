/* SCHEDOP_poll (xen/sched_poll.c). */
#ifndef XENO_SCHED_POLL_H
#define XENO_SCHED_POLL_H
#include <stdint.h>

struct vcpu;
struct domain;

/* The caller v polls the ports of the struct sched_poll at guest address arg:
 * 0 at once if one is pending (or an upcall is due, or a timeout was given),
 * else 0 after v has slept until a port of its domain became pending;
 * -EFAULT, -EINVAL (more than 128 ports, a bad port), -ENOSYS. */
long sched_poll(struct vcpu *v, uint64_t arg);
/* A port of d became pending (masked or not): wake its polling vCPUs. */
void sched_poll_port_pending(struct domain *d);
#endif
