/* System time from the vCPU's pvclock (docs/abi.md "Time"): the version
 * protocol (retry while odd or changed) and the TSC scale. */
#include "xtest.h"
#include "events.h"

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

uint64_t pvclock_now_ns(void)
{
    const volatile struct vcpu_time_info *t = &xtest_vcpu_info->time;
    uint32_t version;
    uint64_t ns;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        uint64_t delta = rdtsc() - t->tsc_timestamp;
        int8_t shift = t->tsc_shift;
        delta = shift >= 0 ? delta << shift : delta >> -shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while ((version & 1) || version != t->version);
    return ns;
}
