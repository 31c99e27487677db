/*
 * shutdown_reboot: sched_op (public/sched.h). The runtime ends a passing test with
 * SCHEDOP_shutdown and the manifest's reason, here reboot, which the harness
 * expects to see as "shut down: reboot".
 */
#include "xtest.h"

void test_main(void)
{
    expect_rc("sched_op(yield)", hc_sched_op(SCHEDOP_yield, NULL), 0);
    expect_rc("sched_op(99), an unknown sub-op", hc_sched_op(99, NULL), -ENOSYS);
    xtest_check(xtest_manifest.shutdown_reason == SHUTDOWN_reboot,
                "the manifest should say expect_shutdown = \"reboot\"");
    printf("asking for shutdown with reason reboot\n");
}
