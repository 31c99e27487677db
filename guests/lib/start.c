/* The runtime's C entry: set the guest up, run the test, end with the verdict. */
#include "runtime.h"

struct start_info *xtest_start_info;
struct shared_info *xtest_shared_info;
struct vcpu_info *xtest_vcpu_info;
unsigned long xtest_setup_pt_updates;

/* The builder maps everything from VIRT_BASE (0 here) up, as Xen's does; page 0
 * and the rest below the image are unmapped again so NULL and low addresses fault. */
static void unmap_below_image(void)
{
    for (uint64_t va = 0; va < (uint64_t)_image_start; va += PAGE_SIZE) {
        hc_update_va_mapping(va, 0, 0);
        xtest_setup_pt_updates++;
    }
    hc_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL }, 1, NULL);
}

void xtest_start(struct start_info *si)
{
    xtest_start_info = si;
    unmap_below_image();
    printf("xtest: %s (%s), %u MiB, %u vCPU%s\n", xtest_manifest.name,
           xtest_manifest.environment, xtest_manifest.memory_mib, xtest_manifest.vcpus,
           xtest_manifest.vcpus == 1 ? "" : "s");
    arch_setup();
    test_main();
    xtest_finish();
}
