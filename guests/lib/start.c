/* The runtime's C entry: set the guest up, run the test, end with the verdict. */
#include "runtime.h"

struct start_info *xtest_start_info;
struct shared_info *xtest_shared_info;
struct vcpu_info *xtest_vcpu_info;

void xtest_start(struct start_info *si)
{
    xtest_start_info = si;
    printf("xtest: %s (%s), %u MiB, %u vCPU%s\n", xtest_manifest.name,
           xtest_manifest.environment, xtest_manifest.memory_mib, xtest_manifest.vcpus,
           xtest_manifest.vcpus == 1 ? "" : "s");
    arch_setup();
    test_main();
    xtest_finish();
}
