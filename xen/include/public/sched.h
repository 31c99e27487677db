/* sched_op sub-ops and shutdown reasons (Xen public/sched.h). */
#ifndef PUBLIC_SCHED_H
#define PUBLIC_SCHED_H
#include <stdint.h>

#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll 3
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code 5
#define SCHEDOP_watchdog 6

struct sched_shutdown {
    uint32_t reason;            /* SHUTDOWN_* */
};

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_suspend 2
#define SHUTDOWN_crash 3
#define SHUTDOWN_watchdog 4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX 5
/* SCHEDOP_poll: block until one of the ports is pending (or timeout, system
 * time in ns, passes; 0 = none). */
struct sched_poll {
    uint64_t ports;             /* guest pointer to nr_ports evtchn_port_t */
    uint32_t nr_ports;
    uint32_t pad;
    uint64_t timeout;
};
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll layout");
#endif
