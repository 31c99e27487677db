/* pv64's event delivery (events.h): the callback and evtchn_upcall_mask. */
#include "xtest.h"
#include "events.h"
#include <public/callback.h>
#include <public/sched.h>

uint64_t upcall_vector;     /* PV callbacks have no vector */

long events_register_upcall(void)
{
    struct callback_register cb = { .type = CALLBACKTYPE_event,
                                    .address = (uint64_t)upcall_entry };

    upcall_vcpu_info = xtest_vcpu_info;
    return hc_callback_op(CALLBACKOP_register, &cb);
}

void events_mask(void)
{
    __atomic_store_n(&xtest_vcpu_info->evtchn_upcall_mask, 1, __ATOMIC_SEQ_CST);
}

void events_unmask(void)
{
    __atomic_store_n(&xtest_vcpu_info->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
}

long events_block(void)
{
    /* SCHEDOP_block unmasks events itself and returns into the callback when
     * one is pending (docs/abi.md). */
    return hc_sched_op(SCHEDOP_block, NULL);
}
