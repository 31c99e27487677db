/*
 * memory_op, the queries a PV kernel makes about memory: where the M2P is, its
 * pseudo-physical memory map, and how much memory it has and may have.
 * and the balloon: giving frames back (decrease_reservation) and taking new ones
 * (increase_reservation, populate_physmap), one page per extent. A frame given
 * back while still mapped leaves the domain only when its last mapping goes
 * (xen/page_ref.c), so freeing cannot leave a guest holding someone else's page.
 */
#include <asm/guest_access.h>
#include <asm/page.h>
#include <public/memory.h>
#include <public/xen.h>
#include <hvm/domain.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/mm.h>
#include <xeno/page_ref.h>
#include <asm/m2p.h>
#include <pv/mm.h>

static long memory_map(struct domain *d, uint64_t arg)
{
    struct xen_memory_map map;
    struct e820_entry ram = { .addr = 0, .size = d->nr_pfns << PAGE_SHIFT, .type = E820_RAM };

    if (copy_from_guest(&map, arg, sizeof(map)))
        return -EFAULT;
    if (map.nr_entries < 1)
        return -EINVAL;
    if (copy_to_guest(map.buffer, &ram, sizeof(ram)))
        return -EFAULT;
    map.nr_entries = 1;         /* one RAM region: [0, nr_pages * 4K) */
    return copy_to_guest(arg, &map, sizeof(map));
}

/* Reservation queries name a domain: a guest may ask only about itself. */
static struct domain *queried_domain(struct domain *self, uint64_t arg, long *rc)
{
    uint16_t id;
    if (copy_from_guest(&id, arg, sizeof(id))) {
        *rc = -EFAULT;
        return NULL;
    }
    if (id == DOMID_SELF || id == self->id)
        return self;
    struct domain *other = self->privileged ? domain_by_id(id) : NULL;
    *rc = other ? 0 : -ESRCH;
    return other;
}

/* One extent of a reservation call; returns 0 or -errno. */
static long one_extent(struct domain *d, unsigned int op, uint64_t *entry)
{
    struct page_info *pg;
    uint64_t mfn, pfn;

    switch (op) {
    case XENMEM_decrease_reservation:
        mfn = *entry;
        if (!domain_owns_mfn(d, mfn) || page_is_xen_held(d, mfn))
            return -EINVAL;
        pfn = m2p_get(mfn);
        if (!page_drop_allocation(mfn_to_page(mfn)))
            return -EINVAL;                 /* already given back */
        domain_set_pfn_populated(d, pfn, false);
        d->ram_pages--;
        return 0;
    case XENMEM_increase_reservation:
    case XENMEM_populate_physmap:
        pfn = *entry;
        if (op == XENMEM_populate_physmap &&
            (pfn >= d->nr_pfns || domain_pfn_populated(d, pfn)))
            return -EINVAL;                 /* only holes can be filled */
        pg = domain_alloc_frame(d);
        if (!pg)
            return -ENOMEM;
        mfn = page_to_mfn(pg);
        if (op == XENMEM_populate_physmap) {
            domain_set_pfn_populated(d, pfn, true);
            m2p_set(mfn, pfn);
        }
        d->ram_pages++;
        *entry = mfn;
        return 0;
    }
    return -ENOSYS;
}

static long reservation(struct domain *d, unsigned int op, unsigned long start, uint64_t arg)
{
    struct xen_memory_reservation r;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    if (r.domid != DOMID_SELF && r.domid != d->id)
        return -EPERM;
    if (r.extent_order != 0)
        return -EINVAL;                     /* single pages only, as Linux's balloon uses */
    for (unsigned long i = start; i < r.nr_extents; i++) {
        uint64_t entry, slot = r.extent_start + i * sizeof(uint64_t);
        long rc;
        unsigned long lock;
        if (hypercall_preempt_check(i - start)) {
            hypercall_continue(op | (i << MEMOP_EXTENT_SHIFT), arg, 0, 0, 0, 0);
            return -ERESTART;
        }
        if (op != XENMEM_increase_reservation && copy_from_guest(&entry, slot, sizeof(entry)))
            return (long)i;
        lock = pv_mm_lock();
        rc = one_extent(d, op, &entry);
        pv_mm_unlock(lock);
        if (rc)
            return (long)i;                 /* how many extents were done */
        if (op != XENMEM_decrease_reservation && copy_to_guest(slot, &entry, sizeof(entry)))
            return (long)i + 1;
    }
    return (long)r.nr_extents;
}

long do_memory_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct domain *d = current_vcpu()->domain, *target;
    long rc = 0;
    (void)a3; (void)a4; (void)a5; (void)a6;

    unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;
    switch (cmd & MEMOP_CMD_MASK) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        /* Extents are machine frames, which a PVH guest never sees. */
        if (domain_is_hvm(d))
            return -ENOSYS;
        return reservation(d, (unsigned int)(cmd & MEMOP_CMD_MASK), start, arg);
    case XENMEM_add_to_physmap:
        return hvm_add_to_physmap(d, arg);
    case XENMEM_machphys_mapping: {
        if (domain_is_hvm(d))
            return -ENOSYS;     /* the M2P is a PV guest's */
        struct xen_machphys_mapping m = {
            .v_start = MACH2PHYS_VIRT_START,
            .v_end = MACH2PHYS_VIRT_START + max_page * sizeof(uint64_t),
            .max_mfn = max_page - 1,
        };
        return copy_to_guest(arg, &m, sizeof(m));
    }
    case XENMEM_memory_map:
        return memory_map(d, arg);
    case XENMEM_maximum_ram_page:
        return (long)(max_page - 1);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        target = queried_domain(d, arg, &rc);
        if (!target)
            return rc;
        return (long)((cmd & MEMOP_CMD_MASK) == XENMEM_current_reservation ? target->ram_pages
                                                                           : target->max_pages);
    case XENMEM_maximum_gpfn:
        target = queried_domain(d, arg, &rc);
        if (!target)
            return rc;
        return (long)target->nr_pfns - 1;
    default:
        return -ENOSYS;
    }
}
