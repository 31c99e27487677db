/*
 * set_gdt and update_descriptor. The CPU never uses a guest's own descriptor
 * frames: each is copied into a hypervisor-owned shadow frame as it is
 * validated, and the shadow is what the GDT window maps. So a guest that still
 * has its frames writable cannot slip a ring-0 segment or a gate into a live
 * GDT; updates go through update_descriptor, validated one at a time.
 */
#include <asm/guest_access.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <public/xen.h>
#include <xeno/buddy.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/string.h>
#include <xeno/page_ref.h>
#include <pv/mm.h>
#include <pv/pv.h>

#define DESC_PRESENT (1UL << 47)
#define DESC_S (1UL << 44)          /* code or data, not a system descriptor */
#define DESC_DPL3 (3UL << 45)
#define DESC_ACCESSED (1UL << 40)
#define ENTRIES_PER_FRAME (PAGE_SIZE / 8)

/* Make a guest descriptor safe, or refuse it: code and data only, DPL 3, and
 * accessed already (so loading it never makes the CPU write the GDT). */
static bool check_descriptor(uint64_t *d)
{
    if (!(*d & DESC_PRESENT))
        return true;
    if (!(*d & DESC_S))
        return false;               /* no TSS, LDT, call/interrupt/trap gates */
    *d |= DESC_DPL3 | DESC_ACCESSED;
    return true;
}

static void free_shadows(uint64_t *mfns, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        if (mfns[i])
            free_frames(mfn_to_page(mfns[i]), 0);
}

int pv_gdt_shadow(struct domain *d, const uint64_t *guest_mfns, uint64_t entries,
                  uint64_t *shadows)
{
    unsigned int nr;

    if (entries > (uint64_t)GDT_GUEST_PAGES * ENTRIES_PER_FRAME)
        return -EINVAL;
    nr = (unsigned int)((entries + ENTRIES_PER_FRAME - 1) / ENTRIES_PER_FRAME);
    for (unsigned int i = 0; i < nr; i++) {
        struct page_info *pg;
        uint64_t *src, *dst;
        if (!domain_owns_mfn(d, guest_mfns[i]) || !(pg = alloc_frames(0))) {
            free_shadows(shadows, i);
            return !domain_owns_mfn(d, guest_mfns[i]) ? -EINVAL : -ENOMEM;
        }
        shadows[i] = page_to_mfn(pg);
        src = mfn_to_virt(guest_mfns[i]);
        dst = mfn_to_virt(shadows[i]);
        for (unsigned int e = 0; e < ENTRIES_PER_FRAME; e++) {
            dst[e] = (uint64_t)i * ENTRIES_PER_FRAME + e < entries ? src[e] : 0;
            if (!check_descriptor(&dst[e])) {
                free_shadows(shadows, i + 1);
                return -EINVAL;
            }
        }
    }
    return 0;
}

void pv_gdt_free_shadows(uint64_t *shadows, uint64_t entries)
{
    free_shadows(shadows, (unsigned int)((entries + ENTRIES_PER_FRAME - 1) / ENTRIES_PER_FRAME));
}

void pv_gdt_install(struct vcpu *v, const uint64_t *guest_mfns, const uint64_t *shadows,
                    uint64_t entries)
{
    unsigned int nr = (unsigned int)((entries + ENTRIES_PER_FRAME - 1) / ENTRIES_PER_FRAME);

    free_shadows(v->pv.gdt_shadow_mfns, v->pv.gdt_frames);
    memset(v->pv.gdt_guest_mfns, 0, sizeof(v->pv.gdt_guest_mfns));
    memset(v->pv.gdt_shadow_mfns, 0, sizeof(v->pv.gdt_shadow_mfns));
    memcpy(v->pv.gdt_guest_mfns, guest_mfns, nr * sizeof(uint64_t));
    memcpy(v->pv.gdt_shadow_mfns, shadows, nr * sizeof(uint64_t));
    v->pv.gdt_frames = nr;
    v->pv.gdt_entries = (unsigned int)entries;
    if (v->on_cpu)
        gdt_map_guest_frames(this_cpu(), v->pv.gdt_shadow_mfns, nr);
}

long do_set_gdt(uint64_t frame_list, uint64_t entries, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    uint64_t guest_mfns[GDT_GUEST_PAGES] = { 0 }, shadows[GDT_GUEST_PAGES] = { 0 };
    int rc;
    (void)a3; (void)a4; (void)a5; (void)a6;

    if (entries > (uint64_t)GDT_GUEST_PAGES * ENTRIES_PER_FRAME)
        return -EINVAL;
    if (copy_from_guest(guest_mfns, frame_list,
                        (entries + ENTRIES_PER_FRAME - 1) / ENTRIES_PER_FRAME * sizeof(uint64_t)))
        return -EFAULT;
    rc = pv_gdt_shadow(v->domain, guest_mfns, entries, shadows);
    if (rc)
        return rc;
    pv_gdt_install(v, guest_mfns, shadows, entries);   /* all valid: commit */
    return 0;
}

long do_update_descriptor(uint64_t maddr, uint64_t desc, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct domain *d = current_vcpu()->domain;
    uint64_t mfn = maddr >> PAGE_SHIFT, offset = maddr & (PAGE_SIZE - 1);
    (void)a3; (void)a4; (void)a5; (void)a6;

    if ((maddr & 7) || !mfn_valid(mfn) || !check_descriptor(&desc))
        return -EINVAL;
    /* A "not present" descriptor may hold any bits, which in a page-table frame
     * would be a forged PTE: write only while holding the frame writable. */
    unsigned long lock = pv_mm_lock();
    if (get_page_and_type(mfn_to_page(mfn), d->id, PGT_writable_page)) {
        pv_mm_unlock(lock);
        return -EINVAL;
    }
    *(uint64_t *)((char *)mfn_to_virt(mfn) + offset) = desc;
    put_page_and_type(mfn_to_page(mfn));
    pv_mm_unlock(lock);
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct pv_vcpu *pv = &d->vcpus[i]->pv;
        for (unsigned int f = 0; f < pv->gdt_frames; f++)
            if (pv->gdt_guest_mfns[f] == mfn)
                *(uint64_t *)((char *)mfn_to_virt(pv->gdt_shadow_mfns[f]) + offset) = desc;
    }
    return 0;
}
