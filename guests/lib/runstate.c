/* vCPU 0's runstate area (runstate.h). */
#include "xtest.h"
#include "events.h"
#include "runstate.h"
#include <public/vcpu.h>

static struct vcpu_runstate_info runstate;

long runstate_register(void)
{
    struct vcpu_register_runstate_memory_area area = { .addr = (uint64_t)&runstate };

    return hc_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area);
}

/*
 * Take the sample as Linux does: the area changes when the vCPU is switched
 * out and in, which can fall between two reads here (a torn copy, an old
 * entry time with the new state, counts the time away as running). The entry
 * time changes with every switch: copy, read the clock, and start again if it
 * changed meanwhile. The stint in progress is added to the running time (the
 * area is updated at switches only); the pvclock may trail the hypervisor's
 * clock by its rounding, so a stint just begun can look as if it began in the
 * future.
 */
struct runstate_sample runstate_sample(void)
{
    const volatile struct vcpu_runstate_info *area = &runstate;
    struct runstate_sample s;
    uint64_t entry;

    do {
        entry = area->state_entry_time;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        s.state = area->state;
        for (unsigned int i = 0; i < 4; i++)
            s.time[i] = area->time[i];
        s.now = pvclock_now_ns();
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while (area->state_entry_time != entry);
    if (s.state == RUNSTATE_running && s.now > entry)
        s.time[RUNSTATE_running] += s.now - entry;
    return s;
}
