/*
 * The pvh64 environment: Xen's PVH ABI as a test guest sees it, and what the
 * pvh64 runtime (lib/pvh64/) offers tests beyond xtest.h.
 *
 * The ABI numbers and layouts are Xen's public headers' (arch-x86/hvm/start_info.h,
 * hvm/hvm_op.h, hvm/params.h, memory.h, arch-x86/cpuid.h); they live here, on the
 * guest's side, until xen/include/public/ has them.
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

/* ---- start of day (arch-x86/hvm/start_info.h) ---- */

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578U

/* What EBX points at on entry. */
struct hvm_start_info {
    uint32_t magic;
    uint32_t version;               /* 1: memmap_paddr and memmap_entries are there */
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;         /* NUL-terminated, 0 if none */
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;          /* struct hvm_memmap_table_entry[memmap_entries] */
    uint32_t memmap_entries;
    uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info layout");
_Static_assert(__builtin_offsetof(struct hvm_start_info, cmdline_paddr) == 24,
               "hvm_start_info layout");
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_paddr) == 40,
               "hvm_start_info layout");

struct hvm_modlist_entry {
    uint64_t paddr, size, cmdline_paddr, reserved;
};
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry layout");

struct hvm_memmap_table_entry {
    uint64_t addr, size;
    uint32_t type;                  /* XEN_HVM_MEMMAP_TYPE_* (the E820 types) */
    uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry layout");
#define XEN_HVM_MEMMAP_TYPE_RAM 1

/* ---- hvm_op (hvm/hvm_op.h, hvm/params.h) ---- */

#define HVMOP_set_param 0
#define HVMOP_get_param 1
#define HVMOP_set_evtchn_upcall_vector 23

struct xen_hvm_param {
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param layout");
_Static_assert(__builtin_offsetof(struct xen_hvm_param, index) == 4, "xen_hvm_param layout");

struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
};
_Static_assert(sizeof(struct xen_hvm_evtchn_upcall_vector) == 8,
               "xen_hvm_evtchn_upcall_vector layout");

#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
/* CALLBACK_IRQ's value: the delivery type in bits 56-63, type 2 = a vector in 0-7. */
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2ULL
#define HVM_PARAM_CALLBACK_VECTOR(v) ((HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | (uint8_t)(v))

/* ---- add_to_physmap (memory.h) ---- */

#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1

struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;                  /* XENMAPSPACE_gmfn_range only */
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap layout");

/* ---- CPUID and the hypercall page (arch-x86/cpuid.h) ---- */

#define XEN_CPUID_FIRST_LEAF 0x40000000U
/* Leaf base + 2: EAX = hypercall pages, EBX = the MSR a page's GPA is written to. */
#define XEN_CPUID_HYPERCALL_LEAF (XEN_CPUID_FIRST_LEAF + 2)

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
