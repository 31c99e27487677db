/* The runtime's view of Domain 0 (tools/dom0/SConscript writes the matching
 * domain config, dom0.cfg). It ends with poweroff once no other domain is left. */
#include "xtest.h"

const struct xtest_manifest xtest_manifest = {
    .name = "dom0",
    .environment = "pv64",
    .memory_mib = 16,
    .vcpus = 1,
    .cmdline = "",
    .shutdown_reason = SHUTDOWN_poweroff,
};
