/* The runtime's view of this guest (guests/bench/SConscript writes the matching
 * domain configs, pvevtchn-{1cpu,2cpu}-p{0,1}.cfg: two peers of this image). */
#include "xtest.h"

const struct xtest_manifest xtest_manifest = {
    .name = "pvevtchn",
    .environment = "pv64",
    .memory_mib = 8,
    .vcpus = 1,
    .cmdline = "",
    .shutdown_reason = SHUTDOWN_poweroff,
};
