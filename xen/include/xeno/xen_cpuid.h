/* The Xen CPUID leaves every guest kind sees (Xen public/arch-x86/cpuid.h). */
#ifndef XENO_XEN_CPUID_H
#define XENO_XEN_CPUID_H
#include <stdbool.h>
#include <stdint.h>

/* The Xen ABI level Xeno follows and reports (xen_version, CPUID 0x40000001): 4.17. */
#define XENO_XEN_ABI_VERSION ((4U << 16) | 17U)

/* If leaf is one of the Xen leaves (0x40000000-0x400000ff), fill regs (eax, ebx,
 * ecx, edx) and return true. hypercall_pages is what leaf 2 advertises: 1 for a
 * PV guest (the page its ELF notes ask for), 0 where none is offered yet. */
bool xen_cpuid_leaf(uint32_t leaf, unsigned int hypercall_pages, uint32_t regs[4]);
#endif
