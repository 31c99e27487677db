/*
 * hello's start of day in pvh64 (Xen's PVH ABI, docs/misc/pvh.pandoc): the
 * registers the vCPU entered with, hvm_start_info and what it points at (the
 * command line, the memory map), and the HVM parameters that stand in for
 * start_info's xenstore and console fields.
 */
#include "xtest.h"
#include "../hello.h"
#include "pvh.h"

#define EFLAGS_FIXED (1U << 1)
#define EFLAGS_TF (1U << 8)
#define EFLAGS_IF (1U << 9)
#define CR0_PE (1U << 0)
#define CR0_PG (1U << 31)

static uint64_t memory_end(void)
{
    return (uint64_t)xtest_manifest.memory_mib << 20;
}

/* 32-bit flat protected mode with paging off, interrupts off, EBX the only
 * register set (ESP too is 0: the guest makes its own stack). */
static void check_entry_state(void)
{
    const struct pvh_entry_state *e = &pvh_entry_state;
    const struct { const char *name; uint32_t value; } zero[] = {
        { "eax", e->eax }, { "ecx", e->ecx }, { "edx", e->edx }, { "esi", e->esi },
        { "edi", e->edi }, { "ebp", e->ebp }, { "esp", e->esp },
    };

    printf("entry: ebx %#x eflags %#x cr0 %#x cr4 %#x cs %#x ds %#x es %#x ss %#x fs %#x "
           "gs %#x\n", e->ebx, e->eflags, e->cr0, e->cr4, e->cs, e->ds, e->es, e->ss, e->fs,
           e->gs);
    xtest_check(e->ebx == (uint64_t)xtest_hvm_start_info, "ebx %#x", e->ebx);
    for (unsigned int i = 0; i < ARRAY_LEN(zero); i++)
        xtest_check(zero[i].value == 0, "%s was %#x at entry, expected 0", zero[i].name,
                    zero[i].value);
    xtest_check((e->eflags & (EFLAGS_IF | EFLAGS_TF)) == 0 && (e->eflags & EFLAGS_FIXED),
                "eflags %#x at entry: expected IF and TF clear, bit 1 set", e->eflags);
    xtest_check((e->cr0 & (CR0_PE | CR0_PG)) == CR0_PE,
                "cr0 %#x at entry: expected protected mode without paging", e->cr0);
    xtest_check(e->cr4 == 0, "cr4 %#x at entry, expected 0", e->cr4);
    xtest_check(e->cs == 0x08 && e->ds == 0x10 && e->es == 0x10 && e->ss == 0x10,
                "selectors cs %#x ds %#x es %#x ss %#x at entry, expected 0x08 and 0x10",
                e->cs, e->ds, e->es, e->ss);
}

/* Guest-physical [0, memory) is the domain's: the map's entries lie inside it,
 * apart, and cover all of it; most of it is RAM (the builder may keep a few pages
 * reserved, as Xen keeps its special pages: Xeno's xenstore and console rings at
 * the top), and the image and hvm_start_info are in RAM. */
static bool in_ram(const struct hvm_memmap_table_entry *map, uint32_t n, uint64_t start,
                   uint64_t end)
{
    for (uint32_t i = 0; i < n; i++)
        if (map[i].type == XEN_HVM_MEMMAP_TYPE_RAM && map[i].addr <= start &&
            end <= map[i].addr + map[i].size)
            return true;
    return false;
}

static void check_memmap(const struct hvm_start_info *si)
{
    const struct hvm_memmap_table_entry *map = (const void *)si->memmap_paddr;
    uint64_t ram = 0, all = 0;

    if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries) {
        xtest_fail("hvm_start_info version %u, memmap_paddr %#lx, %u entries: expected a "
                   "memory map", si->version, si->memmap_paddr, si->memmap_entries);
        return;
    }
    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        const struct hvm_memmap_table_entry *m = &map[i];

        printf("  memmap %u: [%#lx, %#lx) type %u\n", i, m->addr, m->addr + m->size, m->type);
        xtest_check(m->addr + m->size <= memory_end() && m->size && m->addr < m->addr + m->size,
                    "memmap entry [%#lx, %#lx) is not inside [0, %#lx)", m->addr,
                    m->addr + m->size, memory_end());
        for (uint32_t j = 0; j < i; j++)
            xtest_check(map[j].addr + map[j].size <= m->addr ||
                        m->addr + m->size <= map[j].addr, "memmap entries %u and %u overlap",
                        j, i);
        all += m->size;
        if (m->type == XEN_HVM_MEMMAP_TYPE_RAM)
            ram += m->size;
    }
    xtest_check(all == memory_end(), "the memory map covers %#lx bytes, expected %#lx (%u MiB)",
                all, memory_end(), xtest_manifest.memory_mib);
    xtest_check(ram >= memory_end() - (64UL << 10), "the memory map has %#lx bytes of RAM of "
                "%#lx: more than 64 KiB is not", ram, memory_end());
    xtest_check(in_ram(map, si->memmap_entries, (uint64_t)_image_start, (uint64_t)_image_end) &&
                in_ram(map, si->memmap_entries, (uint64_t)si, (uint64_t)si + sizeof(*si)),
                "the image or hvm_start_info is not in a RAM entry of the memory map");
}

static void check_start_info(void)
{
    const struct hvm_start_info *si = xtest_hvm_start_info;
    uint64_t cmdline_len = si->cmdline_paddr ? strlen(xtest_cmdline) + 1 : 1;

    printf("hvm_start_info at %#lx: magic %#x version %u flags %#x, %u modules at %#lx, "
           "cmdline at %#lx, rsdp %#lx, memmap at %#lx (%u entries)\n", (uint64_t)si,
           si->magic, si->version, si->flags, si->nr_modules, si->modlist_paddr,
           si->cmdline_paddr, si->rsdp_paddr, si->memmap_paddr, si->memmap_entries);
    xtest_check(si->nr_modules == 0, "%u modules with no ramdisk", si->nr_modules);
    xtest_check(si->cmdline_paddr != 0, "no command line (cmdline_paddr 0)");
    check_memmap(si);
    printf("layout (image [%#lx, %#lx)):\n", (uint64_t)_image_start, (uint64_t)_image_end);
    const struct region r[] = {
        { "start_info", (uint64_t)si, (uint64_t)si + sizeof(*si) },
        { "cmdline", si->cmdline_paddr, si->cmdline_paddr + cmdline_len },
        { "memmap", si->memmap_paddr,
          si->memmap_paddr + si->memmap_entries * sizeof(struct hvm_memmap_table_entry) },
    };
    check_layout(r, si->cmdline_paddr ? ARRAY_LEN(r) : 1, memory_end());
}

/* The HVM parameters a PVH guest finds its xenstore and console rings by (PV has
 * them in start_info): readable, a frame inside RAM and its port together or
 * neither. */
static void check_params(void)
{
    const struct { const char *name; uint32_t pfn, port; } rings[] = {
        { "xenstore", HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN },
        { "console", HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN },
    };

    for (unsigned int i = 0; i < ARRAY_LEN(rings); i++) {
        uint64_t pfn = ~0UL, port = ~0UL;
        char what[64];

        snprintf(what, sizeof(what), "get_param of the %s ring's pfn", rings[i].name);
        expect_rc(what, pvh_get_param(rings[i].pfn, &pfn), 0);
        snprintf(what, sizeof(what), "get_param of the %s ring's port", rings[i].name);
        expect_rc(what, pvh_get_param(rings[i].port, &port), 0);
        printf("%s ring: pfn %#lx, port %lu\n", rings[i].name, pfn, port);
        xtest_check((pfn == 0) == (port == 0), "%s ring: pfn %#lx but port %lu",
                    rings[i].name, pfn, port);
        xtest_check(pfn < memory_end() / PAGE_SIZE, "%s ring pfn %#lx is beyond RAM",
                    rings[i].name, pfn);
    }
}

void check_start_of_day(void)
{
    check_entry_state();
    check_start_info();
    check_params();
}
