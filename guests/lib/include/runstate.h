/*
 * vCPU 0's runstate as the hypervisor publishes it (docs/abi.md, vcpu_op
 * VCPUOP_register_runstate_memory_area): how long the vCPU has been running,
 * runnable (waiting for a CPU), blocked and offline, in ns of system time.
 * The scheduler tests read it to see what happened to a vCPU while it spun
 * or slept.
 */
#ifndef GUEST_RUNSTATE_H
#define GUEST_RUNSTATE_H
#include <stdint.h>
#include <public/vcpu.h>     /* RUNSTATE_* */

/* A consistent copy of the area with the system time it was taken at; time[]
 * is indexed by RUNSTATE_*. */
struct runstate_sample {
    uint64_t now;
    int state;
    uint64_t time[4];           /* running includes the stint in progress */
};

/* Registers vCPU 0's area with the hypervisor; the hypercall's result. */
long runstate_register(void);
struct runstate_sample runstate_sample(void);
#endif
