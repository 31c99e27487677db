/* pvh64's event delivery (events.h): a vector registered with hvm_op, masked
 * with RFLAGS.IF (HVM guests do not use evtchn_upcall_mask). */
#include "xtest.h"
#include "events.h"
#include "pvh.h"

long events_register_upcall(void)
{
    upcall_vcpu_info = xtest_vcpu_info;
    return pvh_set_param(HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_CALLBACK_VECTOR(PVH_UPCALL_VECTOR));
}

void events_mask(void)
{
    __asm__ volatile("cli" ::: "memory");
}

void events_unmask(void)
{
    __asm__ volatile("sti" ::: "memory");
}

long events_block(void)
{
    /* sti's shadow covers the hlt: an event that is already pending cannot be
     * taken between the two and leave the vCPU halted with nothing to wake it. */
    __asm__ volatile("sti\n\thlt" ::: "memory");
    return 0;
}
