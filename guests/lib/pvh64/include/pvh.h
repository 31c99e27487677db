/*
 * The pvh64 environment: what the pvh64 runtime (lib/pvh64/) offers tests beyond
 * xtest.h. The PVH ABI itself is in xen/include/public/ (hvm/start_info.h,
 * hvm/hvm_op.h, memory.h's add_to_physmap), shared with the hypervisor.
 */
#ifndef GUEST_PVH_H
#define GUEST_PVH_H

/* ---- the pvh64 runtime's constants (also for its assembler) ---- */

/* The vector the runtime registers as HVM_PARAM_CALLBACK_IRQ (Linux's choice), and
 * a second one tests may name with HVMOP_set_evtchn_upcall_vector; both reach
 * upcall_entry's handlers (events.h), which record which it was. */
#define PVH_UPCALL_VECTOR 0xf3
#define PVH_UPCALL_VECTOR_2 0xf4

/* The runtime's selectors (lib/pvh64/head.S): a flat 64-bit code and data segment
 * for the kernel, the same at DPL 3 for pvh_user_hypercall(), and the TSS. */
#define PVH_KERNEL_CS 0x08
#define PVH_KERNEL_DS 0x10
#define PVH_USER_DS 0x1b
#define PVH_USER_CS 0x23
#define PVH_TSS 0x28

/* Pages of the image set aside for frames the hypervisor puts in place with
 * add_to_physmap (what was RAM there is replaced): the grant table's. */
#define PVH_GRANT_PAGES 4

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>
#include <public/cpuid.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/start_info.h>
#include <public/memory.h>

/* HVM_PARAM_CALLBACK_IRQ's value for delivery as vector V. */
#define HVM_PARAM_CALLBACK_VECTOR(v) \
    (((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_TYPE_SHIFT) | (uint8_t)(v))

/* Xen's CPUID leaf base + 2: EAX = hypercall pages, EBX = the MSR a page's
 * guest-physical address is written to. */
#define XEN_CPUID_HYPERCALL_LEAF XEN_CPUID_LEAF(2)

/* ---- the pvh64 runtime's state and helpers ---- */

extern struct hvm_start_info *xtest_hvm_start_info;     /* EBX at entry */
/* Where the runtime's page tables map RAM: [0, pvh_ram_end) (the memmap's RAM,
 * rounded up to 2 MiB, at most 1 GiB), virtual = guest-physical. */
extern uint64_t pvh_ram_end;

/* The state the vCPU entered in (lib/pvh64/head.S saved it before touching any). */
struct pvh_entry_state {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp;
    uint32_t eflags, cr0, cr4;
    uint16_t cs, ds, es, ss, fs, gs;
};
extern struct pvh_entry_state pvh_entry_state;

extern uint8_t pvh_grant_pages[PVH_GRANT_PAGES][4096];

/* add_to_physmap of frame IDX of SPACE at the guest frame of image address PAGE;
 * returns the hypercall's result. */
long pvh_add_to_physmap(unsigned int space, uint64_t idx, void *page);
/* HVMOP_get_param / HVMOP_set_param for DOMID_SELF. */
long pvh_get_param(uint32_t index, uint64_t *value);
long pvh_set_param(uint32_t index, uint64_t value);

/* Runs `vmcall` at CPL 3 with rax = NR (and rdi = A1) in the runtime's user
 * segments, then returns to the kernel: rax as the hypervisor left it. */
long pvh_user_hypercall(unsigned long nr, unsigned long a1);

#endif /* !__ASSEMBLER__ */
#endif /* GUEST_PVH_H */
