/*
 * memory_op (public/memory.h): where the M2P table is (and that it really maps
 * this domain's frames back to their pfns), the one-region memory map, the
 * reservation queries for itself and for another domain, and -EFAULT for bad
 * pointers.
 */
#include "xtest.h"
#include <public/memory.h>

static void test_machphys_mapping(void)
{
    static struct xen_machphys_mapping m;
    const uint64_t *p2m = (const uint64_t *)xtest_start_info->mfn_list;

    if (!expect_rc("memory_op(machphys_mapping)", hc_memory_op(XENMEM_machphys_mapping, &m), 0))
        return;
    printf("M2P at %#lx-%#lx, max_mfn %#lx\n", m.v_start, m.v_end, m.max_mfn);
    xtest_check(m.v_start == MACH2PHYS_VIRT_START, "M2P starts at %#lx", m.v_start);
    xtest_check(m.v_end > m.v_start && m.v_end <= MACH2PHYS_VIRT_END, "M2P ends at %#lx", m.v_end);
    /* The table is readable from the guest and maps our frames back. */
    const uint64_t *m2p = (const uint64_t *)m.v_start;
    for (uint64_t pfn = 0; pfn < xtest_start_info->nr_pages; pfn += 97) {
        xtest_check(p2m[pfn] <= m.max_mfn, "p2m[%#lx] = %#lx beyond max_mfn", pfn, p2m[pfn]);
        xtest_check(m2p[p2m[pfn]] == pfn, "M2P[%#lx] = %#lx, expected pfn %#lx",
                    p2m[pfn], m2p[p2m[pfn]], pfn);
    }
}

static void test_memory_map(void)
{
    static struct e820_entry e820[4];
    static struct xen_memory_map map;

    map.nr_entries = 4;
    map.buffer = (uint64_t)e820;
    if (!expect_rc("memory_op(memory_map)", hc_memory_op(XENMEM_memory_map, &map), 0))
        return;
    xtest_check(map.nr_entries == 1, "memory_map gave %u entries, expected 1", map.nr_entries);
    xtest_check(e820[0].addr == 0 && e820[0].type == E820_RAM &&
                e820[0].size == xtest_start_info->nr_pages * PAGE_SIZE,
                "memory_map entry [%#lx +%#lx type %u], expected all %lu pages of RAM",
                e820[0].addr, e820[0].size, e820[0].type, xtest_start_info->nr_pages);
    map.nr_entries = 0;
    expect_rc("memory_map with no room", hc_memory_op(XENMEM_memory_map, &map), -EINVAL);
    map.nr_entries = 4;
    map.buffer = BAD_VA_HYPERVISOR;
    expect_rc("memory_map into the hypervisor", hc_memory_op(XENMEM_memory_map, &map), -EFAULT);
}

static void test_reservations(void)
{
    static uint16_t self = DOMID_SELF, other, bogus = 0x7777;
    unsigned int refused = 0;
    long cur = hc_memory_op(XENMEM_current_reservation, &self);
    long max = hc_memory_op(XENMEM_maximum_reservation, &self);

    xtest_check(cur == (long)xtest_start_info->nr_pages, "current_reservation %ld, expected %lu",
                cur, xtest_start_info->nr_pages);
    xtest_check(max >= cur, "maximum_reservation %ld below current %ld", max, cur);
    /* It does not know its own id: of domains 1-3 (other tests' domains in a
     * shared boot), each is refused but the one that is itself. */
    for (other = 1; other <= 3; other++) {
        long rc = hc_memory_op(XENMEM_current_reservation, &other);
        xtest_check(rc == -ESRCH || rc == cur, "current_reservation of domain %u returned %ld, "
                    "expected -3 (ESRCH) or, if it is this domain, %ld", other, rc, cur);
        refused += rc == -ESRCH;
    }
    xtest_check(refused >= 2, "current_reservation of domains 1-3: only %u refused", refused);
    expect_rc("maximum_reservation of no domain", hc_memory_op(XENMEM_maximum_reservation,
                                                               &bogus), -ESRCH);
    expect_rc("maximum_gpfn", hc_memory_op(XENMEM_maximum_gpfn, &self),
              (long)xtest_start_info->nr_pages - 1);
    xtest_check(hc_memory_op(XENMEM_maximum_ram_page, NULL) > 0, "maximum_ram_page not positive");
    expect_rc("current_reservation with a bad pointer",
              hc_memory_op(XENMEM_current_reservation, (void *)BAD_VA_PAGE0), -EFAULT);
    expect_rc("machphys_mapping into the hypervisor",
              hc_memory_op(XENMEM_machphys_mapping, (void *)BAD_VA_HYPERVISOR), -EFAULT);
    expect_rc("an unknown sub-op", hc_memory_op(63, NULL), -ENOSYS);
}

void test_main(void)
{
    test_machphys_mapping();
    test_memory_map();
    test_reservations();
}
