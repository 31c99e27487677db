/* The runtime's view of this guest (guests/tests have theirs generated from a manifest;
 * guests/bench/SConscript writes the matching domain config, pvbench-pv64.cfg). */
#include "xtest.h"

const struct xtest_manifest xtest_manifest = {
    .name = "pvbench",
    .environment = "pv64",
    .memory_mib = 8,
    .vcpus = 1,
    .cmdline = "",
    .shutdown_reason = SHUTDOWN_poweroff,
};
