/*
 * The hypercall page (hypercall.h): the image's first page (lib/image.lds puts
 * .text.hypercall_page first), int3 until the hypervisor fills it with one 32-byte
 * entry per hypercall. pv64 names it with the HYPERCALL_PAGE note; pvh64 writes its
 * guest-physical address to the MSR Xen's CPUID leaves name (lib/pvh64/setup.c).
 */
        .section .text.hypercall_page, "ax", @progbits
        .balign 4096
        .globl hypercall_page
        .type hypercall_page, @object
hypercall_page:
        .fill 4096, 1, 0xcc
        .size hypercall_page, . - hypercall_page
