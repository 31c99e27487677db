/* physdev_op: for now only the virtual IOPL that lets a guest kernel use in/out. */
#include <asm/guest_access.h>
#include <public/callback.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>

long do_physdev_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    struct physdev_set_iopl iopl;
    (void)a3; (void)a4; (void)a5; (void)a6;

    switch (cmd) {
    case PHYSDEVOP_set_iopl:
        if (copy_from_guest(&iopl, arg, sizeof(iopl)))
            return -EFAULT;
        if (iopl.iopl > 3)
            return -EINVAL;
        v->pv.iopl = iopl.iopl;
        return 0;
    default:
        return -ENOSYS;
    }
}
