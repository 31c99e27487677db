/*
 * Scheduling vCPUs on the physical CPUs: the BVT policy (xen/sched_bvt.c)
 * behind the scheduler core's per-CPU run queues (xen/sched_core.c), driven
 * from here (xen/sched.c).  The switch itself happens on the way back to a
 * guest (pv/return.c) or in a CPU's idle loop (arch/x86/setup.c).
 *
 * Every change to what a vCPU may do (its state, its pause count, its
 * domain's state) is followed by sched_update (or sched_wake), which bring the
 * run queues in line under the vCPU's own lock, so a wake racing a block on
 * another CPU cannot be lost.
 */
#ifndef XENO_SCHED_H
#define XENO_SCHED_H
#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct bvt_params;

/*
 * The CPU that runs the guests' timers, polls the console keys and destroys
 * the domains that have ended (so a timer callback never races the
 * destruction of its vCPU).
 */
#define SERVICE_CPU 0

/* Run queues for nr_cpus CPUs; only CPU 0 takes work until sched_cpu_up. */
void sched_init(unsigned int nr_cpus);
/* cpu (now online, running its idle loop) may take vCPUs. */
void sched_cpu_up(unsigned int cpu);

/* Where a domain asking for the CPUs in wanted (0: any) may run: the online
 * ones among them; 0 if it names none. */
uint64_t sched_domain_affinity(uint64_t wanted);
/* A new vCPU joins a run queue (not runnable), with its domain's parameters
 * and an affinity from sched_domain_affinity. */
void sched_vcpu_init(struct vcpu *v, const struct bvt_params *params, uint64_t affinity);
/* v may run on the online CPUs of mask from now on; it moves to one of them
 * if it is queued elsewhere. -EINVAL: mask names no online CPU; -EBUSY: it is
 * running on a CPU outside mask (nothing changed: ask again once it is not). */
int sched_vcpu_set_affinity(struct vcpu *v, uint64_t mask);
/* v leaves for good: false (nothing done) while a CPU still runs it. */
bool sched_vcpu_try_remove(struct vcpu *v);

/* Make v runnable if it is blocked, and run it if it may run now. */
void sched_wake(struct vcpu *v);
/* After a change to what v may do (its state, its pause count, its domain's
 * state): it stops if it may no longer run, and runs if it now may. */
void sched_update(struct vcpu *v);
/* SCHEDOP_block for the current vCPU: events are enabled, and it blocks
 * unless an event is already pending. */
void sched_block(struct vcpu *v);
/* Block the current vCPU v unless woken(v, ctx): the check runs after v is
 * marked blocked, so an event whose sender marks it and then wakes v
 * (sched_wake) is never missed. */
void sched_block_unless(struct vcpu *v, bool (*woken)(struct vcpu *v, void *ctx), void *ctx);
/* VCPUOP_down (down) and VCPUOP_up (a down vCPU becomes runnable). */
void sched_set_down(struct vcpu *v, bool down);
/* SCHEDOP_yield: this CPU decides again, preferring anyone else. */
void sched_yield(void);
/* Events are pending for v: a vCPU running on another CPU gets an
 * interrupt so it takes them now, a blocked one wakes. */
void vcpu_kick(struct vcpu *v);

/* v's runstate (the hypervisor's copy) becomes state from now on: by the CPU
 * switching it, or by the scheduler for a vCPU on no CPU. */
void vcpu_runstate_change(struct vcpu *v, int state);

/* Ask this CPU to decide again at the next return to a guest. */
void sched_request(void);
/* Ask cpu to decide again (an IPI when it is another CPU). */
void sched_request_cpu(unsigned int cpu);
/* Is a request pending on this CPU? (A plain read, for the return path.) */
bool sched_request_pending(void);
/* Where cpu's request flag lives (read by the hypercall fast path, entry.S). */
const volatile bool *sched_request_flag(unsigned int cpu);
/* Consume this CPU's request; true if one was pending. */
bool sched_requested(void);
/* This CPU's decision (interrupts off): the vCPU to run next (the current
 * one to continue), or NULL to idle. */
struct vcpu *sched_decide(void);
#endif
