/*
 * TLB flushes on every CPU a domain's page tables are loaded on (each CPU's
 * TLB is its own: Intel SDM Vol. 3, 4.10.5).
 */
#ifndef ASM_FLUSH_H
#define ASM_FLUSH_H
#include <stdint.h>

/* Flush the TLBs of the CPUs in mask (bit n: CPU n; this one included if its
 * bit is set), global entries too, and return once every one has. May be
 * called with interrupts off and locks held (asm/cpu_call.h says why). */
void flush_tlb_mask(uint64_t mask);
/* This CPU's bit. */
uint64_t flush_this_cpu(void);
#endif
