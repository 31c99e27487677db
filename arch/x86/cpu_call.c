/*
 * Cross-CPU calls (asm/cpu_call.h). One request serves every target of a
 * cpu_call_mask: each target takes it out of its own slot, runs it and counts
 * itself done. A slot holds one request at a time; a second requester for the
 * same target waits (serving its own slot meanwhile) until the target has
 * taken the first.
 */
#include <asm/cpu_call.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>

struct cpu_call {
    cpu_call_fn fn;
    void *arg;
    unsigned int left;          /* targets that have not finished fn */
};

uint64_t cpu_this_mask(void)
{
    return 1ULL << smp_processor_id();
}

uint64_t cpu_online_mask(void)
{
    uint64_t mask = 0;

    for (unsigned int cpu = 0; cpu < NR_CPUS && cpu < 64; cpu++)
        if (cpu_is_online(cpu))
            mask |= 1ULL << cpu;
    return mask;
}

void cpu_calls_serve(void)
{
    struct percpu *pc = this_cpu();
    struct cpu_call *call;

    if (!pc || !__atomic_load_n(&pc->call_pending, __ATOMIC_ACQUIRE))
        return;
    /* Taking it out first: a nested serve (an IPI while fn runs from
     * cpu_relax) finds the slot empty and cannot run it twice. */
    call = __atomic_exchange_n(&pc->call_pending, NULL, __ATOMIC_ACQ_REL);
    if (!call)
        return;
    call->fn(call->arg);
    __atomic_fetch_sub(&call->left, 1, __ATOMIC_RELEASE);
}

static void post(struct percpu *target, struct cpu_call *call)
{
    struct cpu_call *empty = NULL;

    while (!__atomic_compare_exchange_n(&target->call_pending, &empty, call, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        empty = NULL;
        cpu_relax();
    }
    arch_send_softirq_ipi(target->cpu_id);
}

void cpu_call_mask(uint64_t mask, cpu_call_fn fn, void *arg)
{
    uint64_t me = cpu_this_mask(), others = mask & ~me & cpu_online_mask();
    struct cpu_call call = { fn, arg, 0 };

    for (unsigned int cpu = 0; others >> cpu; cpu++)
        call.left += others >> cpu & 1;
    if (mask & me)
        fn(arg);
    for (unsigned int cpu = 0; others >> cpu; cpu++)
        if (others >> cpu & 1)
            post(percpu_of[cpu], &call);
    while (__atomic_load_n(&call.left, __ATOMIC_ACQUIRE))
        cpu_relax();
}

void cpu_call_one(unsigned int cpu, cpu_call_fn fn, void *arg)
{
    cpu_call_mask(1ULL << cpu, fn, arg);
}
