/* sched_op: yield, block (woken by events and vCPU timers), poll (xen/sched_poll.c) and shutdown. */
#include <asm/guest_access.h>
#include <public/sched.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/sched.h>
#include <xeno/sched_poll.h>
#include <xeno/guest_time.h>

long do_sched_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    struct sched_shutdown sd;
    (void)a3; (void)a4; (void)a5; (void)a6;

    switch (cmd) {
    case SCHEDOP_yield:
        sched_yield();
        return 0;
    case SCHEDOP_block:
        /* Events are enabled as the ABI says; with an event already pending the
         * vCPU does not sleep at all. */
        v->polling = false;
        sched_block(v);
        return 0;
    case SCHEDOP_poll:
        return sched_poll(v, arg);
    case SCHEDOP_shutdown:
        if (copy_from_guest(&sd, arg, sizeof(sd)))
            return -EFAULT;
        if (sd.reason > SHUTDOWN_MAX)
            return -EINVAL;
        domain_shutdown(v->domain, sd.reason);
        return 0;
    default:
        return -ENOSYS;
    }
}

/* set_timer_op: the older one-shot timer call; 0 stops it. */
long do_set_timer_op(uint64_t timeout_ns, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    (void)a2; (void)a3; (void)a4; (void)a5; (void)a6;
    guest_timer_set(current_vcpu(), timeout_ns);
    return 0;
}
