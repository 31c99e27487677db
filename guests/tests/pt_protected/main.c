/*
 * Attacks on the guest's own page-table frames through hypercalls that write a
 * frame named by machine address or map one: each must be refused and leave the
 * tables as they were. The frames are found from start_info: pt_base is the L4,
 * and the p2m gives each page-table page's machine frame.
 */
#include "xtest.h"
#include <public/vcpu.h>

#define PAGE_SHIFT 12

void test_main(void)
{
    uint64_t l4_va = xtest_start_info->pt_base;
    uint64_t last_pt_va = l4_va + (xtest_start_info->nr_pt_frames - 1) * PAGE_SIZE;
    volatile const uint64_t *l4 = (const uint64_t *)l4_va;
    uint64_t before = l4[1];
    /* A not-present descriptor whose bits would be a present, writable PTE. */
    uint64_t forged = (virt_to_mfn(l4_va) << PAGE_SHIFT) | 0x7;

    expect_rc("update_descriptor into the L4", hc_update_descriptor(
                  (virt_to_mfn(l4_va) << PAGE_SHIFT) + 8, forged), -EINVAL);
    expect_rc("update_descriptor into an L1", hc_update_descriptor(
                  virt_to_mfn(last_pt_va) << PAGE_SHIFT, forged), -EINVAL);
    xtest_check(l4[1] == before, "the L4 changed: %#lx -> %#lx", before, l4[1]);

    struct vcpu_register_vcpu_info r = { .mfn = virt_to_mfn(l4_va), .offset = 128 };
    expect_rc("register_vcpu_info onto the L4", hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &r),
              -EINVAL);

    /* Map the L4 writable at a spare address inside our region: refused. */
    uint64_t spare_va = (uint64_t)xtest_guard_page;
    uint64_t rw_pte = (virt_to_mfn(l4_va) << PAGE_SHIFT) | 0x67;   /* P RW US A D */
    expect_rc("update_va_mapping of the L4, writable",
              hc_update_va_mapping(spare_va, rw_pte, UVMF_INVLPG), -EBUSY);
    expect_rc("update_va_mapping of an L1, writable",
              hc_update_va_mapping(spare_va, (virt_to_mfn(last_pt_va) << PAGE_SHIFT) | 0x67,
                                   UVMF_INVLPG), -EBUSY);
    /* Read-only is allowed (Linux reads its tables that way). */
    expect_rc("update_va_mapping of the L4, read-only",
              hc_update_va_mapping(spare_va, (virt_to_mfn(l4_va) << PAGE_SHIFT) | 0x25, UVMF_INVLPG), 0);
    xtest_check(*(volatile const uint64_t *)spare_va == l4[0],
                "the read-only alias does not show the L4");
}
