/* vm_assist: optional behaviours a guest turns on. Xeno records them; the ones
 * that change hypervisor behaviour take effect as their issues land. */
#include <public/xen.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>

#define KNOWN_ASSISTS ((1UL << VMASST_TYPE_4gb_segments) | (1UL << VMASST_TYPE_4gb_segments_notify) | \
                       (1UL << VMASST_TYPE_writable_pagetables) | (1UL << VMASST_TYPE_pae_extended_cr3) | \
                       (1UL << VMASST_TYPE_architectural_iopl) | (1UL << VMASST_TYPE_runstate_update_flag) | \
                       (1UL << VMASST_TYPE_m2p_strict))

long do_vm_assist(uint64_t cmd, uint64_t type, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct domain *d = current_vcpu()->domain;
    (void)a3; (void)a4; (void)a5; (void)a6;

    if (type >= 64 || !(KNOWN_ASSISTS & (1UL << type)))
        return -EINVAL;
    switch (cmd) {
    case VMASST_CMD_enable:
        d->vm_assist |= 1UL << type;
        return 0;
    case VMASST_CMD_disable:
        d->vm_assist &= ~(1UL << type);
        return 0;
    default:
        return -ENOSYS;
    }
}
