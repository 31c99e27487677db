/* event_channel_op: copy the sub-op's block in, run it (xen/evtchn.c), copy
 * the results back. Every port, vCPU, VIRQ and domain id is checked there. */
#include <asm/guest_access.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/evtchn.h>
#include <xeno/hypercall.h>

#define MAX_OP_BLOCK 64

long do_event_channel_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct domain *d = current_vcpu()->domain;
    uint8_t block[MAX_OP_BLOCK];
    size_t size = cmd < 64 ? evtchn_op_size((unsigned int)cmd) : 0;
    long rc;
    (void)a3; (void)a4; (void)a5; (void)a6;

    if (size == 0 || size > sizeof(block))
        return -ENOSYS;
    if (!d->evtchn_ports)
        return -ENOSYS;
    if (copy_from_guest(block, arg, size))
        return -EFAULT;
    rc = evtchn_do_op(&d->evtchn, (unsigned int)cmd, block);
    if (rc == 0 && evtchn_op_copies_back((unsigned int)cmd) && copy_to_guest(arg, block, size))
        return -EFAULT;
    return rc;
}
