/* Boot-time memory bring-up. */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H
#include <stdint.h>
#include <stdbool.h>

extern char _start[], _stext[], _etext[], _srodata[], _erodata[], _sdata[], _end[];

/* Page allocations before the buddy allocator exists; zeroed, first GiB only. */
uint64_t boot_alloc_pages(unsigned long npages);
/* Set once the buddy allocator owns free memory. */
extern bool buddy_ready;

void memory_init(void);
uint64_t total_ram_kib(void);
/* A free RAM page below 1 MiB for the AP trampoline, or 0. */
uint64_t low_page_for_trampoline(void);
#endif
