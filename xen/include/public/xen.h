/*
 * The Xen-compatible guest ABI, x86_64: hypercall numbers, selectors, the
 * virtual layout guests see, start_info and shared_info. Written from the
 * facts in Xen's public headers (xen/include/public/xen.h, arch-x86/xen.h,
 * arch-x86/xen-x86_64.h); every layout is checked at compile time.
 *
 * Shared by the hypervisor (xen/, arch/, pv/), the guests (guests/) and tools.
 * Freestanding: only <stdint.h>.
 */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H
#include <stdint.h>

/* Hypercall numbers. */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_set_gdt 2
#define __HYPERVISOR_stack_switch 3
#define __HYPERVISOR_set_callbacks 4
#define __HYPERVISOR_fpu_taskswitch 5
#define __HYPERVISOR_sched_op_compat 6
#define __HYPERVISOR_platform_op 7
#define __HYPERVISOR_set_debugreg 8
#define __HYPERVISOR_get_debugreg 9
#define __HYPERVISOR_update_descriptor 10
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_event_channel_op_compat 16
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_physdev_op_compat 19
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret 23
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_set_segment_base 25
#define __HYPERVISOR_mmuext_op 26
#define __HYPERVISOR_xsm_op 27
#define __HYPERVISOR_nmi_op 28
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_callback_op 30
#define __HYPERVISOR_xenoprof_op 31
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36
#define __HYPERVISOR_xenpmu_op 40
/* Xeno-specific (outside the range Xen assigns): writes its six arguments to
 * the guest buffer in the first one and returns 6, so guest tests can check
 * the whole six-register hypercall ABI. */
#define __HYPERVISOR_xeno_test 56
/* Xeno-specific: copies the calling domain's counters (struct xeno_stats,
 * public/xeno_stats.h) to the guest buffer in its argument. */
#define __HYPERVISOR_xeno_stats 57
#define NR_HYPERCALLS 64

/* console_io commands. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* vm_assist commands and types. */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_4gb_segments 0
#define VMASST_TYPE_4gb_segments_notify 1
#define VMASST_TYPE_writable_pagetables 2
#define VMASST_TYPE_pae_extended_cr3 3
#define VMASST_TYPE_architectural_iopl 4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict 32

/* Domain IDs with special meaning. */
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF 0x7FF0U
#define DOMID_IO 0x7FF1U
#define DOMID_XEN 0x7FF2U
#define DOMID_COW 0x7FF3U
#define DOMID_INVALID 0x7FF4U
#define DOMID_IDLE 0x7FFFU

/* Flat selectors every 64-bit PV guest may use (reserved GDT entries >= 0xe000). */
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_DS64 0x0000
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_CS FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS FLAT_KERNEL_SS64
#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
/* The first GDT entry the hypervisor reserves; guest GDTs hold fewer entries. */
#define FIRST_RESERVED_GDT_PAGE 14
#define FIRST_RESERVED_GDT_BYTE (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* The hypervisor's part of every 64-bit PV address space (L4 slots 256-271). */
#define HYPERVISOR_VIRT_START 0xFFFF800000000000UL
#define HYPERVISOR_VIRT_END 0xFFFF880000000000UL
/* The read-only machine-to-physical table (XENMEM_machphys_mapping). */
#define MACH2PHYS_VIRT_START 0xFFFF800000000000UL
#define MACH2PHYS_VIRT_END 0xFFFF804000000000UL

/* mmu_update: ptr's low two bits say what to do. */
#define MMU_NORMAL_PT_UPDATE 0          /* ptr = machine address of a PTE */
#define MMU_MACHPHYS_UPDATE 1           /* ptr = machine address of a frame; val = its pfn */
#define MMU_PT_UPDATE_PRESERVE_AD 2     /* as NORMAL, keeping the entry's A and D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE 3    /* as NORMAL (ptr is always machine for PV) */
struct mmu_update {
    uint64_t ptr;
    uint64_t val;
};
_Static_assert(sizeof(struct mmu_update) == 16, "mmu_update layout");

/* mmuext_op commands and their argument block. */
#define MMUEXT_PIN_L1_TABLE 0
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2
#define MMUEXT_PIN_L4_TABLE 3
#define MMUEXT_UNPIN_TABLE 4
#define MMUEXT_NEW_BASEPTR 5
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL 7
#define MMUEXT_TLB_FLUSH_MULTI 8
#define MMUEXT_INVLPG_MULTI 9
#define MMUEXT_TLB_FLUSH_ALL 10
#define MMUEXT_INVLPG_ALL 11
#define MMUEXT_FLUSH_CACHE 12
#define MMUEXT_SET_LDT 13
#define MMUEXT_NEW_USER_BASEPTR 15

struct mmuext_op {
    uint32_t cmd;
    uint32_t pad;
    uint64_t arg1;              /* mfn or linear address */
    uint64_t arg2;              /* nr_ents, vcpumask pointer or source mfn */
};
_Static_assert(sizeof(struct mmuext_op) == 24, "mmuext_op layout");

/* set_trap_table entries; a zero address ends the table. */
struct trap_info {
    uint8_t vector;
    uint8_t flags;      /* bits 0-1: DPL that may raise it with INT; bit 2: mask events */
    uint16_t cs;        /* ignored on x86_64 */
    uint64_t address;
};
_Static_assert(sizeof(struct trap_info) == 16, "trap_info layout");
#define TI_GET_DPL(ti) ((ti)->flags & 3)
#define TI_GET_IF(ti) ((ti)->flags & 4)

/* The frame the guest pushes for HYPERVISOR_iret, lowest address first. */
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct iret_context) == 72, "iret_context layout");
#define VGCF_in_syscall (1U << 8)
#define VGCF_IN_SYSCALL VGCF_in_syscall

/* multicall entries. */
struct multicall_entry {
    uint64_t op, result;
    uint64_t args[6];
};
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall_entry layout");

/* pvclock: real time as the guest computes it from its TSC. */
struct vcpu_time_info {
    uint32_t version;           /* odd while the hypervisor updates the rest */
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;       /* ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info layout");

struct arch_vcpu_info {
    uint64_t cr2;
    uint64_t pad;
};

struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad0[6];
    uint64_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info layout");
_Static_assert(__builtin_offsetof(struct vcpu_info, arch) == 16, "vcpu_info.arch");
_Static_assert(__builtin_offsetof(struct vcpu_info, time) == 32, "vcpu_info.time");

#define XEN_LEGACY_MAX_VCPUS 32

struct arch_shared_info {
    uint64_t max_pfn;
    uint64_t pfn_to_mfn_frame_list_list;
    uint64_t nmi_reason;
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;
    uint64_t p2m_generation;
};

struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_pending) == 2048, "shared_info");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_mask) == 2560, "shared_info");
_Static_assert(__builtin_offsetof(struct shared_info, wc_version) == 3072, "shared_info");
_Static_assert(__builtin_offsetof(struct shared_info, arch) == 3088, "shared_info");
_Static_assert(sizeof(struct shared_info) == 3136, "shared_info layout");

/* start_info: what a PV guest finds at rsi on entry. */
#define MAX_GUEST_CMDLINE 1024
struct start_info {
    char magic[32];             /* "xen-<version>-x86_64" */
    uint64_t nr_pages;
    uint64_t shared_info;       /* machine address of the shared_info page */
    uint32_t flags;             /* SIF_* */
    uint32_t pad0;
    uint64_t store_mfn;
    uint32_t store_evtchn;
    uint32_t pad1;
    uint64_t console_mfn;       /* console.domU.mfn */
    uint32_t console_evtchn;
    uint32_t pad2;
    uint64_t pt_base;           /* virtual address of the initial L4 */
    uint64_t nr_pt_frames;
    uint64_t mfn_list;          /* virtual address of the p2m list */
    uint64_t mod_start;         /* virtual address (or pfn) of the ramdisk */
    uint64_t mod_len;
    char cmd_line[MAX_GUEST_CMDLINE];
    uint64_t first_p2m_pfn;
    uint64_t nr_p2m_frames;
};
_Static_assert(__builtin_offsetof(struct start_info, flags) == 48, "start_info.flags");
_Static_assert(__builtin_offsetof(struct start_info, store_mfn) == 56, "start_info.store_mfn");
_Static_assert(__builtin_offsetof(struct start_info, console_mfn) == 72, "start_info.console");
_Static_assert(__builtin_offsetof(struct start_info, pt_base) == 88, "start_info.pt_base");
_Static_assert(__builtin_offsetof(struct start_info, mfn_list) == 104, "start_info.mfn_list");
_Static_assert(__builtin_offsetof(struct start_info, cmd_line) == 128, "start_info.cmd_line");
_Static_assert(sizeof(struct start_info) == 1168, "start_info layout");

#define SIF_PRIVILEGED (1U << 0)
#define SIF_INITDOMAIN (1U << 1)
#define SIF_MULTIBOOT_MOD (1U << 2)
#define SIF_MOD_START_PFN (1U << 3)
#endif
