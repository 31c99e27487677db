/* The runtime's view of this guest (guests/bench/SConscript writes the matching
 * domain config, pvhbench-pvh64.cfg). */
#include "xtest.h"

const struct xtest_manifest xtest_manifest = {
    .name = "pvhbench",
    .environment = "pvh64",
    .memory_mib = 8,
    .vcpus = 1,
    .cmdline = "",
    .shutdown_reason = SHUTDOWN_poweroff,
};
