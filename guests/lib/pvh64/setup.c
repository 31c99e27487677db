/*
 * pvh64's start of day: hvm_start_info (EBX at entry), the exception handlers and
 * page tables before anything else, then the hypercall page and shared_info; and
 * the hvm_op and add_to_physmap helpers of pvh.h.
 */
#include "runtime.h"
#include "pvh.h"
#include "pvh_runtime.h"

struct hvm_start_info *xtest_hvm_start_info;

/* The end of RAM by the memory map (the highest RAM entry's end); without a map,
 * the manifest's memory. */
static uint64_t ram_end_of(const struct hvm_start_info *si)
{
    const struct hvm_memmap_table_entry *map = (const void *)si->memmap_paddr;
    uint64_t end = 0;

    if (si->version < 1 || !si->memmap_paddr)
        return (uint64_t)xtest_manifest.memory_mib << 20;
    for (uint32_t i = 0; i < si->memmap_entries; i++)
        if (map[i].type == XEN_HVM_MEMMAP_TYPE_RAM && map[i].addr + map[i].size > end)
            end = map[i].addr + map[i].size;
    return end;
}

void arch_start(void *boot_info)
{
    struct hvm_start_info *si = boot_info;

    pvh_idt_setup();            /* from here on every exception is reported */
    xtest_hvm_start_info = si;
    if (si->magic != XEN_HVM_START_MAGIC_VALUE)
        xtest_abort("hvm_start_info at %#lx: magic %#x, expected %#x", (uint64_t)si,
                    si->magic, XEN_HVM_START_MAGIC_VALUE);
    if (si->cmdline_paddr)
        xtest_cmdline = (const char *)si->cmdline_paddr;
    pvh_paging_setup(ram_end_of(si));
    xtest_read_only_page = (uint64_t)pvh_read_only_page;
    xtest_read_only_page_name = "a page the runtime maps read-only";
}

/* Xen's leaves say where the hypercall page MSR is; writing the page's address to
 * it has the hypervisor fill the page (as older Linux PVH kernels do). A missing
 * MSR is left for hypercall_abi to find: the page then stays int3. */
static void hypercall_page_setup(void)
{
    uint32_t a, b, c, d;
    char sig[13];

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(XEN_CPUID_FIRST_LEAF),
                     "c"(0));
    memcpy(sig, &b, 4);
    memcpy(sig + 4, &c, 4);
    memcpy(sig + 8, &d, 4);
    sig[12] = '\0';
    if (strcmp(sig, "XenVMMXenVMM") || a < XEN_CPUID_HYPERCALL_LEAF) {
        xtest_fail("CPUID %#x: \"%s\" up to %#x, expected \"XenVMMXenVMM\" up to %#x or more",
                   XEN_CPUID_FIRST_LEAF, sig, a, XEN_CPUID_HYPERCALL_LEAF);
        return;
    }
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
                     : "a"(XEN_CPUID_HYPERCALL_LEAF), "c"(0));
    if (a == 0) {
        printf("CPUID %#x offers no hypercall page\n", XEN_CPUID_HYPERCALL_LEAF);
        return;
    }
    struct exinfo ex = probe_wrmsr(b, (uint64_t)hypercall_page);
    if (ex.vector != EXINFO_NONE) {
        char g[32];
        xtest_fail("wrmsr %#x (the hypercall page MSR of CPUID %#x) = %#lx: %s", b,
                   XEN_CPUID_HYPERCALL_LEAF, (uint64_t)hypercall_page,
                   exinfo_str(&ex, g, sizeof(g)));
    }
}

static void map_shared_info(void)
{
    char what[96];

    snprintf(what, sizeof(what), "add_to_physmap(shared_info, gpfn %#lx)",
             virt_to_mfn((uint64_t)xtest_shared_info_page));
    if (expect_rc(what, pvh_add_to_physmap(XENMAPSPACE_shared_info, 0, xtest_shared_info_page),
                  0)) {
        xtest_shared_info = (struct shared_info *)xtest_shared_info_page;
        xtest_vcpu_info = &xtest_shared_info->vcpu_info[0];
    }
}

void arch_setup(void)
{
    hypercall_page_setup();
    map_shared_info();
}

long pvh_add_to_physmap(unsigned int space, uint64_t idx, void *page)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = space, .idx = idx,
                                    .gpfn = virt_to_mfn((uint64_t)page) };

    return hc_memory_op(XENMEM_add_to_physmap, &x);
}

long pvh_get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long rc = hc_hvm_op(HVMOP_get_param, &p);

    if (value)
        *value = p.value;
    return rc;
}

long pvh_set_param(uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index, .value = value };

    return hc_hvm_op(HVMOP_set_param, &p);
}
