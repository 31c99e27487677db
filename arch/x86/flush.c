/*
 * Cross-CPU TLB flushes (asm/flush.h). A request is a flag in the target's
 * percpu and an IPI; the requester waits for the flag to clear. The wait and
 * every other spin loop serve this CPU's own requests, which is what keeps a
 * requester holding a lock from deadlocking against a target spinning on it
 * with interrupts off.
 */
#include <asm/flush.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>

static void flush_local_all(void)
{
    /* Toggling PGE drops global entries too (SDM Vol. 3, 4.10.4.1). */
    uint64_t cr4 = read_cr4();
    write_cr4(cr4 & ~CR4_PGE);
    write_cr4(cr4);
}

uint64_t flush_this_cpu(void)
{
    return 1ULL << smp_processor_id();
}

void flush_tlb_serve(void)
{
    struct percpu *pc = this_cpu();

    if (pc && __atomic_load_n(&pc->flush_pending, __ATOMIC_ACQUIRE)) {
        flush_local_all();
        __atomic_store_n(&pc->flush_pending, false, __ATOMIC_RELEASE);
    }
}

void flush_tlb_mask(uint64_t mask)
{
    uint64_t me = flush_this_cpu(), sent = 0;

    if (mask & me)
        flush_local_all();
    for (unsigned int cpu = 0; cpu < NR_CPUS && cpu < 64; cpu++) {
        if (!((mask & ~me) >> cpu & 1) || !cpu_is_online(cpu))
            continue;
        __atomic_store_n(&percpu_of[cpu]->flush_pending, true, __ATOMIC_SEQ_CST);
        arch_send_softirq_ipi(cpu);
        sent |= 1ULL << cpu;
    }
    for (unsigned int cpu = 0; sent; cpu++) {
        if (!(sent >> cpu & 1))
            continue;
        while (__atomic_load_n(&percpu_of[cpu]->flush_pending, __ATOMIC_ACQUIRE))
            cpu_relax();
        sent &= ~(1ULL << cpu);
    }
}
