/* The hypervisor's own page tables (4-level, Intel SDM Vol. 3, 4.5). */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H
#include <stdint.h>
#include <stdbool.h>

#define PTE_P (1UL << 0)
#define PTE_RW (1UL << 1)
#define PTE_US (1UL << 2)
#define PTE_PWT (1UL << 3)
#define PTE_PCD (1UL << 4)
#define PTE_PS (1UL << 7)
#define PTE_G (1UL << 8)
#define PTE_NX (1UL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

#define PAGE_HYPERVISOR_RX (PTE_P | PTE_G)
#define PAGE_HYPERVISOR_RO (PTE_P | PTE_G | PTE_NX)
#define PAGE_HYPERVISOR_RW (PTE_P | PTE_RW | PTE_G | PTE_NX)
#define PAGE_HYPERVISOR_UC (PAGE_HYPERVISOR_RW | PTE_PCD | PTE_PWT)

extern uint64_t idle_pg_table_maddr;

/* Build the final page tables (direct map of RAM, image W^X) and switch to them. */
void paging_init(void);
/* The L4 slots the hypervisor owns in every address space (the PV ABI's hole). */
#define HYPERVISOR_L4_FIRST 256
#define HYPERVISOR_L4_LAST 271

/* Map (or remap) one 4 KiB page at va and flush it from this CPU's TLB. */
int remap_page(uint64_t va, uint64_t maddr, uint64_t flags);
/* Map npages at va; existing mappings are left alone. Returns 0 or -ENOMEM. */
int map_pages(uint64_t va, uint64_t maddr, unsigned long npages, uint64_t flags);
/* Make [maddr, maddr+len) reachable through the direct map with these flags
 * (ACPI tables and device registers live outside RAM). Returns the address. */
void *directmap_ensure(uint64_t maddr, uint64_t len, uint64_t flags);
/* Set the user bit on the upper-level entries above [va, va+len) so guests
 * can reach leaves mapped with PTE_US (the M2P). */
void paging_allow_user(uint64_t va, uint64_t len);
/* Has the switch to the final page tables happened? */
bool paging_is_final(void);
/* Is va mapped in the hypervisor's page tables? (Used to walk stacks safely.) */
bool va_is_mapped(uint64_t va);
#endif
