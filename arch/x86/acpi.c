/*
 * ACPI table discovery (ACPI 6.5, 5.2): RSDP -> XSDT (or RSDT) -> MADT. Tables
 * live outside RAM, so each is mapped read-only into the direct map before it
 * is read, header first and then whole. A table with a bad checksum is
 * reported and skipped, never trusted.
 */
#include <asm/acpi.h>
#include <asm/multiboot2.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/string.h>

#define DEFAULT_LAPIC_PHYS 0xfee00000UL
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC 9
#define MADT_CPU_ENABLED 1
#define MADT_CPU_ONLINE_CAPABLE 2

struct acpi_rsdp {
    char signature[8];
    uint8_t checksum;
    char oem[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length;
    uint64_t xsdt;
    uint8_t ext_checksum;
    uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP (ACPI 2.0) is 36 bytes");

struct acpi_header {
    char signature[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_revision, creator, creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI table header is 36 bytes");

struct acpi_platform acpi_platform;

static bool checksum_ok(const void *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += ((const uint8_t *)p)[i];
    return sum == 0;
}

static const struct acpi_rsdp *rsdp_at(uint64_t phys)
{
    const struct acpi_rsdp *r = directmap_ensure(phys, sizeof(*r), PAGE_HYPERVISOR_RO);
    if (memcmp(r->signature, "RSD PTR ", 8) || !checksum_ok(r, 20))
        return NULL;
    return r;
}

static const struct acpi_rsdp *find_rsdp(void)
{
    if (boot_info.rsdp_phys)
        return rsdp_at(boot_info.rsdp_phys);
    /* BIOS boots without the tag: search the BIOS read-only area (ACPI 5.2.5.1). */
    for (uint64_t p = 0xe0000; p < 0x100000; p += 16) {
        const struct acpi_rsdp *r = rsdp_at(p);
        if (r)
            return r;
    }
    return NULL;
}

static const struct acpi_header *map_table(uint64_t phys)
{
    const struct acpi_header *h = directmap_ensure(phys, sizeof(*h), PAGE_HYPERVISOR_RO);
    if (h->length < sizeof(*h) || h->length > (16U << 20))
        return NULL;
    h = directmap_ensure(phys, h->length, PAGE_HYPERVISOR_RO);
    if (!checksum_ok(h, h->length)) {
        printk(LOG_WARN "acpi: table %.4s at %#lx has a bad checksum, ignored\n",
               h->signature, phys);
        return NULL;
    }
    return h;
}

static const struct acpi_header *find_table(const struct acpi_rsdp *rsdp, const char *sig)
{
    bool xsdt = rsdp->revision >= 2 && rsdp->xsdt;
    const struct acpi_header *root = map_table(xsdt ? rsdp->xsdt : rsdp->rsdt);
    size_t entry = xsdt ? 8 : 4;

    if (!root)
        return NULL;
    for (size_t off = sizeof(*root); off + entry <= root->length; off += entry) {
        uint64_t phys = 0;
        memcpy(&phys, (const uint8_t *)root + off, entry);
        const struct acpi_header *t = map_table(phys);
        if (t && memcmp(t->signature, sig, 4) == 0)
            return t;
    }
    return NULL;
}

static void add_cpu(uint32_t apic_id, uint32_t flags)
{
    if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
        return;
    if (acpi_platform.nr_cpus == NR_CPUS) {
        printk(LOG_WARN "acpi: more than %d CPUs, APIC ID %u ignored\n", NR_CPUS, apic_id);
        return;
    }
    acpi_platform.cpu_apic_id[acpi_platform.nr_cpus++] = apic_id;
}

static void parse_madt(const struct acpi_header *madt)
{
    const uint8_t *p = (const uint8_t *)madt + sizeof(*madt) + 8;
    const uint8_t *end = (const uint8_t *)madt + madt->length;
    uint32_t lapic32;

    memcpy(&lapic32, (const uint8_t *)madt + sizeof(*madt), 4);
    acpi_platform.lapic_phys = lapic32;
    while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
        uint32_t a, b;
        switch (p[0]) {
        case MADT_LAPIC:
            if (p[1] >= 8) {
                memcpy(&a, p + 4, 4);
                add_cpu(p[3], a);
            }
            break;
        case MADT_X2APIC:
            if (p[1] >= 16) {
                memcpy(&a, p + 4, 4);
                memcpy(&b, p + 8, 4);
                add_cpu(a, b);
            }
            break;
        case MADT_IOAPIC:
            if (p[1] >= 12 && acpi_platform.nr_ioapics < MAX_IOAPICS) {
                memcpy(&a, p + 4, 4);
                memcpy(&b, p + 8, 4);
                acpi_platform.ioapic[acpi_platform.nr_ioapics++] =
                    (typeof(acpi_platform.ioapic[0])){ .id = p[2], .gsi_base = b, .phys = a };
            }
            break;
        case MADT_LAPIC_OVERRIDE:
            if (p[1] >= 12)
                memcpy(&acpi_platform.lapic_phys, p + 4, 8);
            break;
        default:
            break;
        }
        p += p[1];
    }
}

void acpi_init(void)
{
    const struct acpi_rsdp *rsdp = find_rsdp();
    const struct acpi_header *madt = rsdp ? find_table(rsdp, "APIC") : NULL;

    if (!madt) {
        printk(LOG_WARN "acpi: no %s; assuming one CPU and the default LAPIC\n",
               rsdp ? "MADT" : "RSDP");
        acpi_platform.lapic_phys = DEFAULT_LAPIC_PHYS;
        acpi_platform.nr_cpus = 0;
        return;
    }
    parse_madt(madt);
    printk("acpi: %u CPUs in MADT, LAPIC at %#lx, %u IOAPIC%s\n", acpi_platform.nr_cpus,
           acpi_platform.lapic_phys, acpi_platform.nr_ioapics,
           acpi_platform.nr_ioapics == 1 ? "" : "s");
}
