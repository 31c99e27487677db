/* The machine-to-physical table: which guest pfn each machine frame is. */
#ifndef ASM_M2P_H
#define ASM_M2P_H
#include <stdint.h>

#define M2P_INVALID (~0UL)

/* Allocate the table for every frame and map it read-only for guests at
 * MACH2PHYS_VIRT_START (Xen's address, reported by XENMEM_machphys_mapping). */
void m2p_init(void);
void m2p_set(uint64_t mfn, uint64_t pfn);
uint64_t m2p_get(uint64_t mfn);
#endif
