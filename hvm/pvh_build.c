/*
 * The PVH domain builder (Xen's PVH boot ABI, public/arch-x86/hvm/start_info.h).
 * Guest RAM is guest-physical [0, memory): the domain's own frames, mapped
 * by EPT. The kernel's segments go to their physical addresses (p_paddr);
 * after the kernel, 4 KiB-aligned: the ramdisk, then one page with
 * hvm_start_info, the module list, the memory map and the command line. The
 * last two pages of RAM are the console and xenstore rings, reserved in the
 * memory map and named by HVM_PARAM_*; vCPU 0 starts at PHYS32_ENTRY in
 * 32-bit flat protected mode with EBX = the start_info page.
 */
#include <asm/m2p.h>
#include <asm/page.h>
#include <hvm/container.h>
#include <hvm/domain.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/start_info.h>
#include <pv/elf.h>
#include <xeno/domain.h>
#include <xeno/domain_config.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>
#include <xeno/xmalloc.h>

/* All RAM below 4 GiB (the entry runs in 32-bit mode without paging) with
 * room left for a device hole a later platform will want. */
#define PVH_MEMORY_MAX_MIB 3072
#define RING_PAGES 2

struct pvh_load {
    struct domain *d;
    const struct elf_info *info;
    uint64_t limit;             /* first guest-physical byte not for the image */
};

/* Segments are loaded by physical address: va - VIRT_BASE + PADDR_OFFSET. */
static int load_at(struct pvh_load *l, uint64_t va, const void *src, size_t n)
{
    uint64_t pa = va - l->info->virt_base + l->info->paddr_offset;

    if (pa >= l->limit || n > l->limit - pa)
        return -ENOMEM;
    return src ? hvm_copy_to_gpa(l->d->hvm, pa, src, n) : 0;   /* RAM starts zeroed */
}

static int load_write(void *c, uint64_t va, const void *src, size_t n)
{
    return load_at(c, va, src, n);
}

static int load_zero(void *c, uint64_t va, size_t n)
{
    return load_at(c, va, NULL, n);
}

/* The start_info page: the structure, one module (the ramdisk), the memory
 * map, the command line. */
struct start_page {
    struct hvm_start_info si;
    struct hvm_modlist_entry module;
    struct hvm_memmap_table_entry memmap[2];
    char cmdline[DOMAIN_CMDLINE_MAX + 1];
};
_Static_assert(sizeof(struct start_page) <= PAGE_SIZE, "start_info fits one page");

static int write_start_info(struct domain *d, const struct domain_config *cfg, uint64_t at,
                            uint64_t ramdisk, size_t ramdisk_len, uint64_t rings)
{
    struct start_page *p = xzalloc(struct start_page);
    int rc;

    if (!p)
        return -ENOMEM;
    p->si.magic = XEN_HVM_START_MAGIC_VALUE;
    p->si.version = 1;
    p->si.cmdline_paddr = at + offsetof(struct start_page, cmdline);
    p->si.memmap_paddr = at + offsetof(struct start_page, memmap);
    p->si.memmap_entries = 2;
    if (ramdisk_len) {
        p->si.nr_modules = 1;
        p->si.modlist_paddr = at + offsetof(struct start_page, module);
        p->module.paddr = ramdisk;
        p->module.size = ramdisk_len;
    }
    p->memmap[0] = (struct hvm_memmap_table_entry){ .addr = 0, .size = rings,
                                                    .type = XEN_HVM_MEMMAP_TYPE_RAM };
    p->memmap[1] = (struct hvm_memmap_table_entry){ .addr = rings,
                                                    .size = RING_PAGES * PAGE_SIZE,
                                                    .type = XEN_HVM_MEMMAP_TYPE_RESERVED };
    strlcpy(p->cmdline, cfg->cmdline, sizeof(p->cmdline));
    rc = hvm_copy_to_gpa(d->hvm, at, p, sizeof(*p));
    xfree(p);
    return rc;
}

static int connect_rings(struct domain *d, uint64_t rings, char *err, size_t err_len)
{
    uint64_t store_pfn = rings >> PAGE_SHIFT, console_pfn = store_pfn + 1;
    int rc = domain_setup_channels(d, d->p2m[store_pfn], d->p2m[console_pfn], err, err_len);

    if (rc)
        return rc;
    d->hvm->params[HVM_PARAM_STORE_PFN] = d->rings.store_port ? store_pfn : 0;
    d->hvm->params[HVM_PARAM_STORE_EVTCHN] = d->rings.store_port;
    d->hvm->params[HVM_PARAM_CONSOLE_PFN] = d->rings.console_port ? console_pfn : 0;
    d->hvm->params[HVM_PARAM_CONSOLE_EVTCHN] = d->rings.console_port;
    return 0;
}

int pvh_build_domain(struct domain *d, const struct domain_config *cfg,
                     const void *kernel, size_t kernel_len,
                     const void *ramdisk, size_t ramdisk_len, char *err, size_t err_len)
{
    struct elf_info *info = xzalloc(struct elf_info);
    uint64_t kend, ramdisk_at, start_at, rings;
    struct pvh_load l;
    int rc = -EINVAL;

    if (!info)
        return -ENOMEM;
    if (cfg->memory_mib > PVH_MEMORY_MAX_MIB) {
        snprintf(err, err_len, "a PVH domain has at most %u MiB", PVH_MEMORY_MAX_MIB);
        goto out;
    }
    rc = elf_parse(kernel, kernel_len, info, err, err_len);
    if (rc)
        goto out;
    rc = -EINVAL;
    if (!info->has_phys32_entry) {
        snprintf(err, err_len, "no PHYS32_ENTRY note: the kernel has no PVH entry point");
        goto out;
    }
    elf_report(info, cfg->kernel);
    rc = domain_populate(d, cfg->memory_mib, err, err_len);
    if (!rc)
        rc = hvm_domain_init(d, err, err_len);
    if (rc)
        goto out;

    rings = (d->nr_pfns - RING_PAGES) << PAGE_SHIFT;
    kend = ALIGN_UP(info->virt_kend - info->virt_base + info->paddr_offset, PAGE_SIZE);
    ramdisk_at = kend;
    start_at = ramdisk_at + ALIGN_UP(ramdisk_len, PAGE_SIZE);
    l = (struct pvh_load){ .d = d, .info = info, .limit = rings };
    rc = -ENOMEM;
    if (d->nr_pfns <= RING_PAGES || start_at + PAGE_SIZE > rings ||
        info->phys32_entry >= kend) {
        snprintf(err, err_len, "memory = %lu MiB is too small: the kernel, ramdisk and "
                 "start_info need %lu MiB", cfg->memory_mib,
                 (unsigned long)DIV_ROUND_UP(start_at + (RING_PAGES + 1) * PAGE_SIZE, MIB));
        goto out;
    }
    rc = elf_load(kernel, kernel_len, info, load_write, load_zero, &l);
    if (!rc && ramdisk_len)
        rc = hvm_copy_to_gpa(d->hvm, ramdisk_at, ramdisk, ramdisk_len);
    if (!rc)
        rc = write_start_info(d, cfg, start_at, ramdisk_at, ramdisk_len, rings);
    if (rc) {
        snprintf(err, err_len, "the kernel does not fit below %#lx", rings);
        goto out;
    }
    rc = connect_rings(d, rings, err, err_len);
    if (rc)
        goto out;
    /* The PVH entry state is the container's initial state; EBX and EIP here. */
    d->vcpus[0]->hvm->regs.rip = info->phys32_entry;
    d->vcpus[0]->hvm->regs.gpr[HVM_GPR_RBX] = start_at;
    d->vcpus[0]->initialised = true;
    printk(LOG_DEBUG "domain: d%u PVH layout: kernel %#lx-%#lx, ramdisk %#lx, start_info "
           "%#lx, rings %#lx, entry %#lx\n", d->id,
           info->virt_kstart - info->virt_base + info->paddr_offset, kend, ramdisk_at,
           start_at, rings, info->phys32_entry);
out:
    xfree(info);
    return rc;
}
