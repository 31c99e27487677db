/* The runtime's C entry: set the guest up, run the test, end with the verdict. */
#include "runtime.h"

struct start_info *xtest_start_info;
const char *xtest_cmdline = "";
struct shared_info *xtest_shared_info;
struct vcpu_info *xtest_vcpu_info;
uint64_t xtest_read_only_page;
const char *xtest_read_only_page_name = "a read-only page";

void xtest_start(void *boot_info)
{
    arch_start(boot_info);
    printf("xtest: %s (%s), %u MiB, %u vCPU%s\n", xtest_manifest.name,
           xtest_manifest.environment, xtest_manifest.memory_mib, xtest_manifest.vcpus,
           xtest_manifest.vcpus == 1 ? "" : "s");
    arch_setup();
    test_main();
    xtest_finish();
}
