/* The Xen CPUID leaves, shared by the PV and HVM CPUID policies. */
#include <public/cpuid.h>
#include <xeno/xen_cpuid.h>

bool xen_cpuid_leaf(uint32_t leaf, unsigned int hypercall_pages, uint32_t r[4])
{
    if (leaf < XEN_CPUID_FIRST_LEAF || leaf >= XEN_CPUID_FIRST_LEAF + 0x100)
        return false;
    r[0] = r[1] = r[2] = r[3] = 0;
    switch (leaf - XEN_CPUID_FIRST_LEAF) {
    case 0:
        r[0] = XEN_CPUID_LEAF(2);               /* the last Xen leaf */
        r[1] = XEN_CPUID_SIGNATURE_EBX;
        r[2] = XEN_CPUID_SIGNATURE_ECX;
        r[3] = XEN_CPUID_SIGNATURE_EDX;
        break;
    case 1:
        r[0] = XENO_XEN_ABI_VERSION;
        break;
    case 2:
        r[0] = hypercall_pages;
        r[1] = hypercall_pages ? XEN_CPUID_FIRST_LEAF : 0;   /* MSR that installs one */
        break;
    }
    return true;
}
