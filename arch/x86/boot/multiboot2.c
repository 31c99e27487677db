/*
 * Reads the multiboot2 information structure (Multiboot2 spec 3.6) into
 * boot_info before anything can overwrite it. The structure lies in the first
 * GiB, which the boot page tables identity-map.
 */
#include <asm/multiboot2.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/string.h>

#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_LOADER_NAME 2
#define TAG_MODULE 3
#define TAG_MMAP 6
#define TAG_ACPI_OLD 14
#define TAG_ACPI_NEW 15

struct mb2_tag { uint32_t type, size; };
struct mb2_mmap_entry { uint64_t base, len; uint32_t type, reserved; };
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "multiboot2 mmap entry");

struct boot_info boot_info;

static void copy_string(char *dst, size_t dst_len, const char *src, size_t src_len)
{
    size_t n = strnlen(src, src_len);
    if (n >= dst_len)
        n = dst_len - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void parse_mmap(const struct mb2_tag *tag)
{
    const uint32_t *hdr = (const uint32_t *)(tag + 1);
    uint32_t entry_size = hdr[0];
    const uint8_t *p = (const uint8_t *)(hdr + 2);
    const uint8_t *end = (const uint8_t *)tag + tag->size;

    if (entry_size < sizeof(struct mb2_mmap_entry))
        panic("multiboot2: memory map entry size %u too small", entry_size);
    for (; p + entry_size <= end; p += entry_size) {
        const struct mb2_mmap_entry *e = (const void *)p;
        if (boot_info.nr_mem == MB2_MAX_MEM_REGIONS) {
            printk(LOG_WARN "multiboot2: more than %u memory regions, rest ignored\n",
                   MB2_MAX_MEM_REGIONS);
            return;
        }
        boot_info.mem[boot_info.nr_mem++] =
            (struct mem_region){ .base = e->base, .len = e->len, .type = e->type };
    }
}

static void parse_module(const struct mb2_tag *tag)
{
    const uint32_t *w = (const uint32_t *)(tag + 1);
    struct boot_module *m;

    static bool warned;

    if (boot_info.nr_mods == MB2_MAX_MODULES) {
        if (!warned)
            printk(LOG_WARN "multiboot2: more than %u modules, rest ignored\n", MB2_MAX_MODULES);
        warned = true;
        return;
    }
    m = &boot_info.mods[boot_info.nr_mods++];
    m->start = w[0];
    m->end = w[1];
    copy_string(m->cmdline, sizeof(m->cmdline), (const char *)(w + 2),
                tag->size - sizeof(*tag) - 8);
}

void multiboot2_parse(uint32_t magic, uint64_t info_phys)
{
    const uint8_t *info = (const uint8_t *)info_phys;
    uint32_t total;
    const uint8_t *p, *end;

    if (magic != MB2_BOOTLOADER_MAGIC)
        panic("not started by a multiboot2 loader (magic %#x)", magic);
    if (info_phys == 0 || info_phys >= (1UL << 30))
        panic("multiboot2 information at %#lx is outside the first GiB", info_phys);

    total = *(const uint32_t *)info;
    boot_info.info_phys = info_phys;
    boot_info.info_len = total;
    p = info + 8;
    end = info + total;
    while (p + sizeof(struct mb2_tag) <= end) {
        const struct mb2_tag *tag = (const void *)p;
        if (tag->type == TAG_END || tag->size < sizeof(*tag) || p + tag->size > end)
            break;
        switch (tag->type) {
        case TAG_CMDLINE:
            copy_string(boot_info.cmdline, sizeof(boot_info.cmdline),
                        (const char *)(tag + 1), tag->size - sizeof(*tag));
            break;
        case TAG_LOADER_NAME:
            copy_string(boot_info.loader, sizeof(boot_info.loader),
                        (const char *)(tag + 1), tag->size - sizeof(*tag));
            break;
        case TAG_MODULE:
            parse_module(tag);
            break;
        case TAG_MMAP:
            parse_mmap(tag);
            break;
        case TAG_ACPI_OLD:
        case TAG_ACPI_NEW:
            /* Prefer the ACPI 2.0+ copy (XSDT) when GRUB gives both. */
            if (tag->type == TAG_ACPI_NEW || boot_info.rsdp_phys == 0)
                boot_info.rsdp_phys = info_phys + (uint64_t)(p - info) + sizeof(*tag);
            break;
        default:
            break;
        }
        p += ALIGN_UP(tag->size, 8);
    }
    if (boot_info.nr_mem == 0)
        panic("multiboot2: the loader gave no memory map");
}
