/* Between the parts of the pvh64 runtime (tests use pvh.h). */
#ifndef GUEST_PVH_RUNTIME_H
#define GUEST_PVH_RUNTIME_H
#include <stdint.h>

/* idt.c: the IDT (vectors 0-31 and the upcall vectors) and the TSS, loaded. */
void pvh_idt_setup(void);
/* paging.c: the boot page tables refined for RAM ending at RAM_END. */
void pvh_paging_setup(uint64_t ram_end);

/* head.S's pages. */
extern uint8_t pvh_read_only_page[4096], xtest_shared_info_page[4096];
extern uint8_t pvh_ring0_stack_top[], pvh_df_stack_top[];
extern uint64_t pvh_boot_pml4[512], pvh_boot_pdpt[512], pvh_boot_pd[512];
extern uint64_t pvh_gdt[];
#endif
