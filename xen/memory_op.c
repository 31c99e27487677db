/*
 * memory_op, the queries a PV kernel makes about memory: where the M2P is, its
 * pseudo-physical memory map, and how much memory it has and may have.
 * Changing the reservation (balloon) needs the reference-counted page types of
 * the memory issue and answers -ENOSYS until then.
 */
#include <asm/guest_access.h>
#include <asm/page.h>
#include <public/memory.h>
#include <public/xen.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/mm.h>

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
    *rc = self->privileged && domain_by_id(id) ? 0 : -ESRCH;
    return *rc ? NULL : domain_by_id(id);
}

long do_memory_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct domain *d = current_vcpu()->domain, *target;
    long rc = 0;
    (void)a3; (void)a4; (void)a5; (void)a6;

    switch (cmd) {
    case XENMEM_machphys_mapping: {
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
        return (long)(cmd == XENMEM_current_reservation ? target->nr_pfns : target->max_pages);
    case XENMEM_maximum_gpfn:
        target = queried_domain(d, arg, &rc);
        if (!target)
            return rc;
        return (long)target->nr_pfns - 1;
    default:
        return -ENOSYS;
    }
}
