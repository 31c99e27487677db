/*
 * The balloon (docs/abi.md memory_op): give a page back while it is still
 * mapped (it stays usable until unmapped, then leaves the domain for good: it
 * can never be mapped again), fill the hole with populate_physmap, take a page
 * with increase_reservation, and check the reservation count follows. Pages the
 * hypervisor holds (shared_info) cannot be given back; bad arguments are refused.
 */
#include "xtest.h"
#include <public/memory.h>

static uint8_t victim[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static long memory_op(unsigned long cmd, void *arg)
{
    return hypercall6(__HYPERVISOR_memory_op, cmd, (unsigned long)arg, 0, 0, 0, 0);
}

static long reservation(unsigned int cmd, uint64_t *list, unsigned long n, unsigned int order,
                        uint16_t domid)
{
    struct xen_memory_reservation r = {
        .extent_start = (uint64_t)list, .nr_extents = n, .extent_order = order, .domid = domid,
    };
    return memory_op(cmd, &r);
}

static long current_pages(void)
{
    static uint16_t self = DOMID_SELF;
    return memory_op(XENMEM_current_reservation, &self);
}

void test_main(void)
{
    uint64_t va = (uint64_t)victim, mfn = virt_to_mfn(va), pfn = va >> 12, list[2];
    long start = current_pages();
    char buf[64];

    xtest_check(start == (long)xtest_start_info->nr_pages, "reservation %ld at start", start);
    memset(victim, 0x77, sizeof(victim));

    /* Give the page back while it is mapped: still usable until unmapped. */
    list[0] = mfn;
    expect_rc("decrease_reservation of a mapped page", reservation(XENMEM_decrease_reservation,
              list, 1, 0, DOMID_SELF), 1);
    expect_rc("reservation after giving one back", current_pages(), start - 1);
    xtest_check(victim[100] == 0x77, "the page still mapped changed under us");
    expect_rc("giving the same page back twice", reservation(XENMEM_decrease_reservation,
              list, 1, 0, DOMID_SELF), 0);

    /* Unmap it: now it is gone, and mapping it again is refused. */
    expect_rc("unmap the given-back page", hc_update_va_mapping(va, 0, UVMF_INVLPG), 0);
    expect_rc("map a given-back frame again", hc_update_va_mapping(
                  va, (mfn << 12) | 0x27, UVMF_INVLPG), -EBUSY);
    struct exinfo ex = probe_write64(va, 1);
    xtest_check(ex.vector == 14, "the unmapped page did not fault: %s", exinfo_str(&ex, buf, sizeof(buf)));

    /* Fill the hole with a fresh frame and use it. */
    list[0] = pfn;
    expect_rc("populate_physmap of the hole", reservation(XENMEM_populate_physmap, list, 1, 0,
              DOMID_SELF), 1);
    xtest_check(list[0] != 0, "populate_physmap gave mfn %#lx", list[0]);   /* may be the same frame, zeroed */
    xtest_check(((const uint64_t *)MACH2PHYS_VIRT_START)[list[0]] == pfn,
                "the M2P does not map the new frame to pfn %#lx", pfn);
    expect_rc("map the new frame", hc_update_va_mapping(va, (list[0] << 12) | 0x27, UVMF_INVLPG), 0);
    xtest_check(victim[0] == 0, "a fresh frame is not zeroed: %#x", victim[0]);
    victim[0] = 1;
    expect_rc("populating a pfn that has memory", reservation(XENMEM_populate_physmap, list, 1,
              0, DOMID_SELF), 0);
    list[0] = pfn + 0x100000;
    expect_rc("populating beyond the domain", reservation(XENMEM_populate_physmap, list, 1, 0,
              DOMID_SELF), 0);

    /* increase_reservation hands out an mfn. */
    expect_rc("increase_reservation of one page", reservation(XENMEM_increase_reservation, list,
              1, 0, DOMID_SELF), 1);
    expect_rc("reservation after taking one", current_pages(), start + 1);

    /* What may not be given back, and bad calls. */
    list[0] = xtest_start_info->shared_info >> 12;
    expect_rc("giving back shared_info", reservation(XENMEM_decrease_reservation, list, 1, 0,
              DOMID_SELF), 0);
    list[0] = 0x200;                    /* the hypervisor's image */
    expect_rc("giving back a hypervisor frame", reservation(XENMEM_decrease_reservation, list, 1,
              0, DOMID_SELF), 0);
    expect_rc("extent order 1", reservation(XENMEM_decrease_reservation, list, 1, 1, DOMID_SELF),
              -EINVAL);
    expect_rc("another domain", reservation(XENMEM_decrease_reservation, list, 1, 0, 9), -EPERM);
    expect_rc("a bad extent list", reservation(XENMEM_populate_physmap, (uint64_t *)BAD_VA_HYPERVISOR,
              1, 0, DOMID_SELF), 0);
    expect_rc("a bad reservation", memory_op(XENMEM_decrease_reservation, (void *)BAD_VA_PAGE0),
              -EFAULT);
}
