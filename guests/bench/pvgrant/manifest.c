/* The runtime's view of this guest (guests/bench/SConscript writes the matching
 * domain config, pvgrant-pv64.cfg). */
#include "xtest.h"

const struct xtest_manifest xtest_manifest = {
    .name = "pvgrant",
    .environment = "pv64",
    .memory_mib = 8,
    .vcpus = 1,
    .cmdline = "",
    .shutdown_reason = SHUTDOWN_poweroff,
};
