/*
 * Secondary vCPUs for tests (lib/pv64/smp.c, smp_upcall.S): a valid starting
 * context to change, and event callbacks that say which vCPU they ran on.
 * Code on a secondary vCPU must not print or call xtest_fail (the runtime's
 * console and status belong to vCPU 0): it records, vCPU 0 checks.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H
#include <stdbool.h>
#include <stdint.h>
#include <public/vcpu_context.h>

#define SMP_STACK_SIZE 16384

/* A context that VCPUOP_initialise accepts: kernel mode in the runtime's own
 * page tables, flat selectors (CS 0xe033, SS 0xe02b), no GDT, no handlers,
 * rip = entry (an address: the function may take more arguments from the context) with rdi = arg, rsp just below stack_top (16-aligned, as after a
 * call). entry must never return. */
void smp_context(struct vcpu_guest_context *c, uint64_t entry, uint64_t arg,
                 void *stack_top);

/* Event callbacks for vCPU 0 and vCPU 1: each calls smp_on_upcall(vcpu) (with
 * events masked, on the interrupted stack), then returns with iret. */
extern void smp_upcall_vcpu0(void);
extern void smp_upcall_vcpu1(void);
/* The test defines it. */
void smp_on_upcall(unsigned int vcpu);

/* Spin with SCHEDOP_yield until *flag reaches want or about 2 s of system time
 * pass; true if it did. */
bool smp_wait_for(volatile uint64_t *flag, uint64_t want);
/* The same for any condition: a bound in time, not in yields, since the other
 * vCPU may run on another CPU (a yield then returns at once). */
bool smp_wait_until(bool (*cond)(void *ctx), void *ctx);
#endif
