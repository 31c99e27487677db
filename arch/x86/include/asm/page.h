/* Page sizes and the hypervisor's virtual layout. The hypervisor lives wholly in
 * L4 slots 256-271, the range the Xen PV ABI reserves for it (HV_START_LOW
 * 0xffff800000000000), so PV guests can own the rest of the address space. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* Image: virtual = physical + XEN_VIRT_OFFSET (L4 slot 261, as in Xen). */
#define XEN_VIRT_OFFSET 0xffff82d080000000
#define XEN_LOAD_PHYS 0x200000
/* Per-CPU stacks with unmapped guard pages between them (also slot 261). */
#define STACKS_VIRT_START 0xffff82c000000000
/* Per-CPU GDT windows, 64 KiB each (see asm/desc.h). */
#define GDT_VIRT_START 0xffff82c800000000
/* 1:1 map of physical memory (slots 262-271, as in Xen). */
#define DIRECTMAP_VIRT_START 0xffff830000000000
#define DIRECTMAP_SIZE (5UL << 40)

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline void *maddr_to_virt(uint64_t maddr)
{
    return (void *)(DIRECTMAP_VIRT_START + maddr);
}

static inline uint64_t virt_to_maddr(const void *va)
{
    uint64_t v = (uint64_t)va;
    if (v >= XEN_VIRT_OFFSET && v < XEN_VIRT_OFFSET + (1UL << 30))
        return v - XEN_VIRT_OFFSET;
    return v - DIRECTMAP_VIRT_START;
}

static inline void *mfn_to_virt(unsigned long mfn)
{
    return maddr_to_virt((uint64_t)mfn << PAGE_SHIFT);
}

static inline unsigned long virt_to_mfn(const void *va)
{
    return virt_to_maddr(va) >> PAGE_SHIFT;
}
#endif
#endif
