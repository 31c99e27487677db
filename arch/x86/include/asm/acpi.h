/* What the hypervisor takes from ACPI: CPUs, LAPIC and IOAPICs (from the MADT). */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H
#include <stdint.h>
#include <asm/smp.h>

#define MAX_IOAPICS 8

struct acpi_platform {
    unsigned int nr_cpus;
    uint32_t cpu_apic_id[NR_CPUS];
    uint64_t lapic_phys;
    unsigned int nr_ioapics;
    struct { uint32_t id, gsi_base; uint64_t phys; } ioapic[MAX_IOAPICS];
};

extern struct acpi_platform acpi_platform;

/* Find the RSDP (multiboot2 tag, else the BIOS areas) and read the MADT. */
void acpi_init(void);
#endif
