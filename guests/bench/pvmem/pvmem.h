/* Constants loops.S needs from public/xen.h, which is C only (main.c checks they agree). */
#ifndef PVMEM_H
#define PVMEM_H

#define PVMEM_HYPERVISOR_MMU_UPDATE 1       /* __HYPERVISOR_mmu_update */
#define PVMEM_DOMID_SELF 0x7ff0             /* DOMID_SELF */

#endif
