/*
 * The PV domain builder. Guest virtual addresses of the initial region map
 * pfns linearly from pfn 0: va = virt_base + pfn * 4K. After the kernel come, 4K-aligned
 * and packed (Xen's order, which Linux relies on): the ramdisk, the p2m list,
 * start_info, the xenstore page, the console page, the page tables
 * ([L4][L3..][L2..][L1..]) and the boot stack; the mapped region ends on a
 * 4 MiB boundary with at least 512 KiB to spare. Page-table frames are mapped
 * read-only and typed as page tables; every other page is mapped read-write.
 */
#include <asm/m2p.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <public/xen.h>
#include <pv/build.h>
#include <pv/elf.h>
#include <pv/pv.h>
#include <pv/mm.h>
#include <pv/pt_validate.h>
#include <xeno/bitops.h>
#include <xeno/page_ref.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>
#include <xeno/xmalloc.h>

#define SLACK (512 * 1024UL)
#define ROUND_TO (4 * MIB)
#define L1_FLAGS (PTE_P | PTE_RW | PTE_US | (1UL << 5))             /* P RW US A */
#define TABLE_FLAGS (PTE_P | PTE_RW | PTE_US | (1UL << 5) | (1UL << 6)) /* + D */
#define HYPERCALL_STUB 32
#define START_INFO_MAGIC "xen-3.0-x86_64"

struct layout {
    uint64_t virt_base, v_start, v_end;
    uint64_t ramdisk, p2m, start_info, store, console, pt, stack;
    unsigned long nr_pt, nr_l3, nr_l2, nr_l1;
};

static void *guest_page(struct domain *d, const struct layout *l, uint64_t va)
{
    uint64_t pfn = (va - l->virt_base) >> PAGE_SHIFT;
    if (va < l->virt_base || pfn >= d->nr_pfns)
        return NULL;
    return (char *)mfn_to_virt(d->p2m[pfn]) + (va & (PAGE_SIZE - 1));
}

struct load_ctx {
    struct domain *d;
    const struct layout *l;
};

static int load_write(void *c, uint64_t va, const void *src, size_t n)
{
    struct load_ctx *ctx = c;
    while (n) {
        size_t chunk = min_t(size_t, n, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        void *dst = guest_page(ctx->d, ctx->l, va);
        if (!dst)
            return -EINVAL;
        if (src) {
            memcpy(dst, src, chunk);
            src = (const char *)src + chunk;
        } else {
            memset(dst, 0, chunk);
        }
        va += chunk;
        n -= chunk;
    }
    return 0;
}

static int load_zero(void *c, uint64_t va, size_t n)
{
    return load_write(c, va, NULL, n);
}

static unsigned long regions(uint64_t start, uint64_t end, unsigned int shift)
{
    return ((end - 1) >> shift) - (start >> shift) + 1;
}

/* Place everything after the kernel; the page-table count depends on the end
 * of the region, which depends on the count, so iterate until it settles. */
static int plan_layout(struct domain *d, const struct elf_info *info, size_t ramdisk_len,
                       struct layout *l, char *err, size_t err_len)
{
    uint64_t cursor;

    l->virt_base = info->virt_base;
    /* As Xen's builder does, the mapped region starts at VIRT_BASE itself, so the
     * pfns below the kernel are mapped too (Linux reads low memory through them
     * before it builds its own direct map). */
    l->v_start = info->virt_base;
    cursor = ALIGN_UP(info->virt_kend, PAGE_SIZE);
    l->ramdisk = cursor;
    cursor += ALIGN_UP(ramdisk_len, PAGE_SIZE);
    l->p2m = cursor;
    cursor += ALIGN_UP(d->nr_pfns * sizeof(uint64_t), PAGE_SIZE);
    l->start_info = cursor;
    l->store = cursor + PAGE_SIZE;
    l->console = cursor + 2 * PAGE_SIZE;
    l->pt = cursor + 3 * PAGE_SIZE;
    for (l->nr_pt = 1;;) {
        uint64_t end = ALIGN_UP(l->pt + (l->nr_pt + 1) * PAGE_SIZE + SLACK, ROUND_TO);
        l->nr_l1 = regions(l->v_start, end, 21);
        l->nr_l2 = regions(l->v_start, end, 30);
        l->nr_l3 = regions(l->v_start, end, 39);
        unsigned long need = 1 + l->nr_l3 + l->nr_l2 + l->nr_l1;
        if (need <= l->nr_pt) {
            l->v_end = end;
            break;
        }
        l->nr_pt = need;
    }
    l->stack = l->pt + l->nr_pt * PAGE_SIZE;
    if (l->v_start < l->virt_base ||
        (l->v_end - l->virt_base) >> PAGE_SHIFT > d->nr_pfns) {
        snprintf(err, err_len, "memory = %lu MiB is too small: the kernel and its boot "
                 "structures need %lu MiB", d->nr_pfns >> 8,
                 (unsigned long)DIV_ROUND_UP(l->v_end - l->virt_base, MIB));
        return -ENOMEM;
    }
    return 0;
}

static uint64_t va_mfn(struct domain *d, const struct layout *l, uint64_t va)
{
    return d->p2m[(va - l->virt_base) >> PAGE_SHIFT];
}

/* Build [L4][L3..][L2..][L1..] in the pt pages and map the whole region. */
static uint64_t build_page_tables(struct domain *d, const struct layout *l)
{
    uint64_t l4_mfn = va_mfn(d, l, l->pt);
    uint64_t *l4 = mfn_to_virt(l4_mfn);

    /* Tables come from per-level pools so the order is L4, L3s, L2s, L1s. */
    static const unsigned int shifts[] = { 39, 30, 21 };
    uint64_t first_of_level[4];
    first_of_level[0] = l->pt;
    first_of_level[1] = l->pt + PAGE_SIZE;
    first_of_level[2] = first_of_level[1] + l->nr_l3 * PAGE_SIZE;
    first_of_level[3] = first_of_level[2] + l->nr_l2 * PAGE_SIZE;
    unsigned long used[4] = { 1, 0, 0, 0 };

    for (uint64_t va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
        uint64_t *table = l4;
        for (unsigned int level = 0; level < 3; level++) {
            uint64_t *e = &table[(va >> shifts[level]) & 511];
            if (!(*e & PTE_P)) {
                uint64_t tva = first_of_level[level + 1] + used[level + 1]++ * PAGE_SIZE;
                *e = (va_mfn(d, l, tva) << PAGE_SHIFT) | TABLE_FLAGS;
            }
            table = mfn_to_virt((*e & PTE_ADDR_MASK) >> PAGE_SHIFT);
        }
        uint64_t flags = L1_FLAGS;
        if (va >= l->pt && va < l->pt + l->nr_pt * PAGE_SIZE)
            flags &= ~PTE_RW;       /* page tables are read-only to their guest */
        table[(va >> 12) & 511] = (va_mfn(d, l, va) << PAGE_SHIFT) | flags;
    }
    return l4_mfn;
}

/* Pin the tables through the same validation every later update goes through
 * (it also fills in the hypervisor's L4 slots), and make the L4 vCPU 0's CR3. */
static int pin_page_tables(struct domain *d, uint64_t l4_mfn, char *err, size_t err_len)
{
    unsigned long flags = pv_mm_lock();
    int rc = page_pin(mfn_to_page(l4_mfn), d->id, PGT_l4_page_table);

    if (rc)
        snprintf(err, err_len, "the initial page tables failed validation: %s",
                 pv_pt_error ? pv_pt_error : "?");
    else
        rc = pv_set_baseptr(d->vcpus[0], l4_mfn, 0);
    pv_mm_unlock(flags);
    return rc;
}

/* The hypercall page: 32 bytes per hypercall, each `syscall` with the number
 * in eax and rcx/r11 saved around it; iret never returns, so its stub pushes
 * rax as the iret frame's first word instead. */
static void write_hypercall_page(uint8_t *page)
{
    memset(page, 0xcc, PAGE_SIZE);
    for (unsigned int i = 0; i < PAGE_SIZE / HYPERCALL_STUB; i++) {
        uint8_t *p = page + i * HYPERCALL_STUB;
        *p++ = 0x51;                                /* push %rcx */
        *p++ = 0x41; *p++ = 0x53;                   /* push %r11 */
        if (i == __HYPERVISOR_iret)
            *p++ = 0x50;                            /* push %rax */
        *p++ = 0xb8;                                /* mov $i, %eax */
        memcpy(p, &i, 4);
        p += 4;
        *p++ = 0x0f; *p++ = 0x05;                   /* syscall */
        if (i == __HYPERVISOR_iret)
            continue;
        *p++ = 0x41; *p++ = 0x5b;                   /* pop %r11 */
        *p++ = 0x59;                                /* pop %rcx */
        *p++ = 0xc3;                                /* ret */
    }
}

static void setup_start_info(struct domain *d, const struct layout *l,
                             const struct domain_config *cfg, size_t ramdisk_len)
{
    struct start_info *si = guest_page(d, l, l->start_info);

    strlcpy(si->magic, START_INFO_MAGIC, sizeof(si->magic));
    si->nr_pages = d->nr_pfns;
    si->shared_info = d->shared_info_mfn << PAGE_SHIFT;
    si->flags = d->privileged ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0;
    si->store_mfn = va_mfn(d, l, l->store);
    si->console_mfn = va_mfn(d, l, l->console);
    si->store_evtchn = d->rings.store_port;
    si->console_evtchn = d->rings.console_port;
    si->pt_base = l->pt;
    si->nr_pt_frames = l->nr_pt;
    si->mfn_list = l->p2m;
    si->mod_start = ramdisk_len ? l->ramdisk : 0;
    si->mod_len = ramdisk_len;
    strlcpy(si->cmd_line, cfg->cmdline, sizeof(si->cmd_line));
}

static void setup_vcpu0(struct domain *d, const struct layout *l, const struct elf_info *info)
{
    struct pv_vcpu *pv = &d->vcpus[0]->pv;
    struct cpu_regs *r = &pv->regs;

    r->rip = info->entry;
    r->rsp = l->stack + PAGE_SIZE;
    r->rsi = l->start_info;
    r->rflags = 0x202;          /* IF, and the always-one bit */
    r->cs = FLAT_KERNEL_CS64;
    r->ss = FLAT_KERNEL_SS64;
    pv->kernel_mode = true;
    pv->kernel_ss = FLAT_KERNEL_SS64;
    pv->kernel_sp = r->rsp;
    pv->debugreg[6] = 0xffff0ff0;
    pv->debugreg[7] = 0x400;
    pv->cr4 = pv_initial_cr4();
    d->vcpus[0]->initialised = true;
}

int pv_build_domain(struct domain *d, const struct domain_config *cfg,
                    const void *kernel, size_t kernel_len,
                    const void *ramdisk, size_t ramdisk_len, char *err, size_t err_len)
{
    struct elf_info *info = xzalloc(struct elf_info);
    struct layout l;
    struct load_ctx ctx = { d, &l };
    int rc;

    if (!info)
        return -ENOMEM;
    rc = elf_parse(kernel, kernel_len, info, err, err_len);
    if (rc)
        goto out;
    elf_report(info, cfg->kernel);
    /* Where its code is, for the call-trace guess of a crash report. */
    for (unsigned int i = 0; i < info->nr_segments && d->nr_guest_text < 4; i++)
        if (info->segments[i].flags & PF_X) {
            d->guest_text[d->nr_guest_text].start = info->segments[i].guest_va;
            d->guest_text[d->nr_guest_text++].end =
                info->segments[i].guest_va + info->segments[i].memsz;
        }

    rc = domain_populate(d, cfg->memory_mib, err, err_len);
    if (rc)
        goto out;
    rc = plan_layout(d, info, ramdisk_len, &l, err, err_len);
    if (rc)
        goto out;
    rc = elf_load(kernel, kernel_len, info, load_write, load_zero, &ctx);
    if (!rc && ramdisk_len)
        rc = load_write(&ctx, l.ramdisk, ramdisk, ramdisk_len);
    if (!rc)
        rc = load_write(&ctx, l.p2m, d->p2m, d->nr_pfns * sizeof(uint64_t));
    if (rc) {
        snprintf(err, err_len, "the kernel does not fit in its memory");
        goto out;
    }
    rc = domain_setup_channels(d, va_mfn(d, &l, l.store), va_mfn(d, &l, l.console), err,
                               err_len);
    if (rc)
        goto out;
    rc = pin_page_tables(d, build_page_tables(d, &l), err, err_len);
    if (rc)
        goto out;
    setup_start_info(d, &l, cfg, ramdisk_len);
    if (info->has_hypercall_page) {
        uint8_t *page = guest_page(d, &l, info->hypercall_page);
        if (!page) {
            rc = -EINVAL;
            snprintf(err, err_len, "HYPERCALL_PAGE %#lx is outside the domain", info->hypercall_page);
            goto out;
        }
        write_hypercall_page(page);
    }
    setup_vcpu0(d, &l, info);
    /* The guest has its p2m (the list in its memory); ours was for building. */
    xfree(d->p2m);
    d->p2m = NULL;
    printk(LOG_DEBUG "domain: d%u layout: kernel %#lx-%#lx, start_info %#lx, %lu page tables "
           "at %#lx, stack %#lx, mapped to %#lx\n", d->id, info->virt_kstart, info->virt_kend,
           l.start_info, l.nr_pt, l.pt, l.stack, l.v_end);
out:
    xfree(info);
    return rc;
}
