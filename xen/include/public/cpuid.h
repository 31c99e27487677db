/* The Xen CPUID leaves (Xen public/arch-x86/cpuid.h) and the forced-emulation prefix. */
#ifndef PUBLIC_CPUID_H
#define PUBLIC_CPUID_H

#define XEN_CPUID_FIRST_LEAF 0x40000000
#define XEN_CPUID_LEAF(i) (XEN_CPUID_FIRST_LEAF + (i))
/* Leaf 0: ebx, ecx, edx spell "XenVMMXenVMM". */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558  /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d  /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e  /* "nVMM" */

/* A PV guest at CPL3 cannot trap CPUID, so it asks for emulation with
 * ud2; .ascii "xen"; cpuid  (bytes 0f 0b 78 65 6e 0f a2). */
#define XEN_CPUID_FORCED_EMUL_PREFIX_BYTES 0x0f, 0x0b, 0x78, 0x65, 0x6e
#define XEN_CPUID_FORCED_EMUL_LEN 7
#endif
