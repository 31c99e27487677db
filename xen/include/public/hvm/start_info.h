/*
 * The PVH boot contract (Xen public arch-x86/hvm/start_info.h): vCPU 0
 * starts at the kernel's PHYS32_ENTRY in 32-bit flat protected mode, paging
 * off, with EBX holding the guest-physical address of this structure. Every
 * address in it is guest-physical.
 */
#ifndef PUBLIC_HVM_START_INFO_H
#define PUBLIC_HVM_START_INFO_H
#include <stdint.h>

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578U

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;           /* 1: the memory map fields are valid */
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;     /* struct hvm_modlist_entry[nr_modules] */
    uint64_t cmdline_paddr;     /* NUL-terminated; 0: none */
    uint64_t rsdp_paddr;        /* 0: no ACPI */
    uint64_t memmap_paddr;      /* struct hvm_memmap_table_entry[memmap_entries] */
    uint32_t memmap_entries;
    uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info is 56 bytes");

struct hvm_modlist_entry {
    uint64_t paddr, size, cmdline_paddr, reserved;
};
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry is 32 bytes");

#define XEN_HVM_MEMMAP_TYPE_RAM 1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2

struct hvm_memmap_table_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry is 24 bytes");
#endif
