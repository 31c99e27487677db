/*
 * A PVH domain's container: made from the domain's own frames (owned and
 * counted by the domain, released by domain_destroy like a PV domain's), so
 * grants, event channels and the frame table treat its memory as they treat
 * any domain's. The container only maps them (EPT) and runs the vCPUs.
 */
#include <asm/page.h>
#include <asm/time.h>
#include <hvm/container.h>
#include <hvm/domain.h>
#include <hvm/hvm.h>
#include <hvm/vendor.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/printk.h>
#include <xeno/vsnprintf.h>

/*
 * The host takes the CPU back from a PVH vCPU through its own interrupts
 * (external-interrupt exiting). The VMX-preemption timer is a backstop at
 * this interval, for when such an exit does not come: Bochs 2.7 keeps host
 * interrupts masked in a guest entered with IF clear (docs/hvm.md), and a
 * guest spinning there would never give the CPU up. One exit per interval
 * costs next to nothing.
 */
#define HVM_DOMAIN_BACKSTOP_US 4000

/* VMX stays on on every CPU from the first PVH domain on. */
static bool cpu_ready;

int hvm_domain_supported(char *why, size_t len)
{
    char reason[128] = "";

    if (cpu_ready)
        return 0;
    if (hvm_all_cpus_up(reason, sizeof(reason))) {
        snprintf(why, len, "type 'pvh' needs VT-x with EPT and unrestricted guest: %s",
                 reason);
        return -ENODEV;
    }
    cpu_ready = true;
    return 0;
}

/* Map the p2m in runs of machine-contiguous frames (so EPT can use 2 MiB
 * pages where a run is aligned and long enough). */
static int map_p2m(struct hvm_container *c)
{
    uint64_t pfn = 0;

    while (pfn < c->nr_pfns) {
        uint64_t first = pfn;

        while (pfn + 1 < c->nr_pfns && c->p2m[pfn + 1] == c->p2m[pfn] + 1)
            pfn++;
        pfn++;
        int rc = hvm_vendor->map_ram(c, first << PAGE_SHIFT, c->p2m[first] << PAGE_SHIFT,
                                     (pfn - first) << PAGE_SHIFT);
        if (rc)
            return rc;
    }
    return 0;
}

int hvm_domain_init(struct domain *d, char *why, size_t len)
{
    struct hvm_container *c;
    int rc;

    if (d->nr_vcpus > HVM_MAX_VCPUS) {
        snprintf(why, len, "a PVH domain has at most %u vCPUs", HVM_MAX_VCPUS);
        return -EINVAL;
    }
    rc = hvm_domain_supported(why, len);
    if (rc)
        return rc;
    c = hvm_container_create(d->name, d->nr_vcpus, d);
    if (!c) {
        snprintf(why, len, "out of memory for its container");
        return -ENOMEM;
    }
    d->hvm = c;                 /* from here hvm_domain_destroy frees it */
    c->p2m = d->p2m;
    c->nr_pfns = d->nr_pfns;
    c->before_entry = hvm_domain_before_entry;
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        d->vcpus[i]->hvm = c->vcpus[i];
        c->vcpus[i]->owner = d->vcpus[i];
        c->vcpus[i]->slice_tsc = (uint64_t)tsc_khz * HVM_DOMAIN_BACKSTOP_US / 1000;
    }
    rc = map_p2m(c);
    if (rc)
        snprintf(why, len, "out of memory for its EPT tables");
    return rc;
}

void hvm_domain_destroy(struct domain *d)
{
    if (!d->hvm)
        return;
    /* Its exit counters, for the boot log and the benchmarks (docs/hvm.md). */
    for (unsigned int i = 0; i < d->hvm->nr_vcpus; i++)
        hvm_print_exit_counts(d->hvm->vcpus[i]);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i])
            d->vcpus[i]->hvm = NULL;
    hvm_container_destroy(d->hvm);
    d->hvm = NULL;
}

int hvm_gfn_to_mfn(const struct domain *d, uint64_t gfn, uint64_t *mfn)
{
    if (!d->p2m || gfn >= d->nr_pfns || !d->p2m[gfn])
        return -EINVAL;
    *mfn = d->p2m[gfn];
    return 0;
}

void hvm_domain_vcpu_dump(const struct vcpu *v, const char *p)
{
    const struct hvm_vcpu *hv = v->hvm;
    const uint64_t *g;
    unsigned int dom = v->domain->id, id = v->id;

    if (!hv)
        return;
    g = hv->regs.gpr;
    printk("%sd%u vcpu%u rip=%016lx rsp=%016lx rflags=%016lx (in a VT-x container)\n", p, dom,
           id, hv->regs.rip, g[HVM_GPR_RSP], hv->regs.rflags);
    printk("%sd%u vcpu%u rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", p, dom, id,
           g[HVM_GPR_RAX], g[HVM_GPR_RBX], g[HVM_GPR_RCX], g[HVM_GPR_RDX]);
    printk("%sd%u vcpu%u rsi=%016lx rdi=%016lx rbp=%016lx r8=%016lx\n", p, dom, id,
           g[HVM_GPR_RSI], g[HVM_GPR_RDI], g[HVM_GPR_RBP], g[8]);
    printk("%sd%u vcpu%u r9=%016lx r10=%016lx r11=%016lx r12=%016lx\n", p, dom, id,
           g[9], g[10], g[11], g[12]);
    printk("%sd%u vcpu%u r13=%016lx r14=%016lx r15=%016lx cr2=%016lx\n", p, dom, id,
           g[13], g[14], g[15], hv->regs.cr2);
}
