/*
 * hvm_op (hypercall 34) for PVH domains: the parameters a guest reads to find
 * its xenstore and console rings, the event callback it sets, and the
 * per-vCPU upcall vector. A domain may name only itself; parameters are read
 * freely but only CALLBACK_IRQ is written, and only with the vector form (the
 * one delivery we have: hvm/domain_events.c). Vectors below 0x20 are the
 * CPU's exceptions and are refused.
 */
#include <asm/guest_access.h>
#include <hvm/container.h>
#include <hvm/domain.h>
#include <public/hvm/hvm_op.h>
#include <public/xen.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/sched.h>

#define FIRST_VECTOR 0x20

_Static_assert(HVM_CONTAINER_PARAMS == HVM_NR_PARAMS, "params array is Xen's size");

static long set_callback(struct hvm_container *c, uint64_t value)
{
    uint64_t type = value >> HVM_PARAM_CALLBACK_TYPE_SHIFT;

    if (value != 0 && (type != HVM_PARAM_CALLBACK_TYPE_VECTOR ||
                       (value & ~(0xffUL << HVM_PARAM_CALLBACK_TYPE_SHIFT)) > 0xff ||
                       (value & 0xff) < FIRST_VECTOR))
        return -EINVAL;
    c->params[HVM_PARAM_CALLBACK_IRQ] = value;
    return 0;
}

static long param_op(struct domain *d, unsigned int op, uint64_t arg)
{
    struct xen_hvm_param p;
    long rc;

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.domid != DOMID_SELF && p.domid != d->id)
        return -EPERM;
    if (p.index >= HVM_NR_PARAMS)
        return -EINVAL;
    if (op == HVMOP_get_param) {
        p.value = d->hvm->params[p.index];
        return copy_to_guest(arg, &p, sizeof(p)) ? -EFAULT : 0;
    }
    if (p.index != HVM_PARAM_CALLBACK_IRQ)
        return -EPERM;          /* the rest are the builder's */
    rc = set_callback(d->hvm, p.value);
    if (!rc)
        vcpu_kick(d->vcpus[0]);     /* events already pending now have a way in */
    return rc;
}

static long set_upcall_vector(struct domain *d, uint64_t arg)
{
    struct xen_hvm_evtchn_upcall_vector u;

    if (copy_from_guest(&u, arg, sizeof(u)))
        return -EFAULT;
    if (u.vcpu >= d->nr_vcpus || !d->vcpus[u.vcpu])
        return -ENOENT;
    if (u.vector < FIRST_VECTOR)
        return -EINVAL;
    d->vcpus[u.vcpu]->hvm->upcall_vector = u.vector;
    vcpu_kick(d->vcpus[u.vcpu]);
    return 0;
}

long do_hvm_op(uint64_t op, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct domain *d = current_vcpu()->domain;

    (void)a3, (void)a4, (void)a5, (void)a6;
    if (!d->hvm)
        return -ENOSYS;
    switch (op) {
    case HVMOP_set_param:
    case HVMOP_get_param:
        return param_op(d, (unsigned int)op, arg);
    case HVMOP_set_evtchn_upcall_vector:
        return set_upcall_vector(d, arg);
    default:
        return -ENOSYS;
    }
}
