/* What the hypervisor keeps from the multiboot2 information GRUB hands over
 * (Multiboot2 specification 1.0, section 3.6). */
#ifndef ASM_MULTIBOOT2_H
#define ASM_MULTIBOOT2_H
#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define MB2_MAX_MEM_REGIONS 128
#define MB2_MAX_MODULES 256     /* a config and a kernel per domain: 100+ domains */
#define MB2_CMDLINE_MAX 1024

enum mem_type { MEM_RAM = 1, MEM_RESERVED = 2, MEM_ACPI = 3, MEM_NVS = 4, MEM_BAD = 5 };

struct mem_region {
    uint64_t base, len;
    uint32_t type;
};

struct boot_module {
    uint64_t start, end;
    char cmdline[128];
};

struct boot_info {
    char cmdline[MB2_CMDLINE_MAX];
    struct mem_region mem[MB2_MAX_MEM_REGIONS];
    unsigned int nr_mem;
    struct boot_module mods[MB2_MAX_MODULES];
    unsigned int nr_mods;
    uint64_t rsdp_phys;       /* 0 if GRUB gave no RSDP tag */
    uint64_t info_phys, info_len;
    char loader[64];
};

extern struct boot_info boot_info;

/* Copy what we need out of the multiboot2 structure at info_phys (identity-mapped). */
void multiboot2_parse(uint32_t magic, uint64_t info_phys);
#endif
