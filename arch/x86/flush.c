/*
 * Cross-CPU TLB flushes (asm/flush.h), as cross-CPU calls (asm/cpu_call.h):
 * the wait serves this CPU's own requests, which keeps a requester holding a
 * lock from deadlocking against a target spinning on it with interrupts off.
 */
#include <asm/cpu_call.h>
#include <asm/flush.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <stddef.h>

static void flush_local_all(void *unused)
{
    /* Toggling PGE drops global entries too (SDM Vol. 3, 4.10.4.1). */
    uint64_t cr4 = read_cr4();

    (void)unused;
    write_cr4(cr4 & ~CR4_PGE);
    write_cr4(cr4);
}

uint64_t flush_this_cpu(void)
{
    return cpu_this_mask();
}

void flush_tlb_mask(uint64_t mask)
{
    cpu_call_mask(mask, flush_local_all, NULL);
}
