/*
 * Event channels into a PVH vCPU: while its vcpu_info says events are
 * pending, the vector it registered (HVM_PARAM_CALLBACK_IRQ for the domain,
 * or HVMOP_set_evtchn_upcall_vector for the vCPU) is injected as an external
 * interrupt whenever the guest can take one. Level, not edge: the guest's
 * handler clears evtchn_upcall_pending before it scans, so nothing is lost
 * and nothing repeats. evtchn_upcall_mask is PV's; HVM guests mask with IF.
 * No LAPIC is involved, so the guest sends no EOI (Xen's "callback via
 * vector").
 */
#include <hvm/container.h>
#include <hvm/domain.h>
#include <public/hvm/hvm_op.h>
#include <xeno/domain.h>

/* The vector events for v arrive on, 0 when none is registered. */
static uint8_t upcall_vector(const struct hvm_vcpu *hv)
{
    uint64_t cb = hv->container->params[HVM_PARAM_CALLBACK_IRQ];

    if (hv->upcall_vector)
        return hv->upcall_vector;
    if ((cb >> HVM_PARAM_CALLBACK_TYPE_SHIFT) == HVM_PARAM_CALLBACK_TYPE_VECTOR)
        return (uint8_t)cb;
    return 0;
}

/* Are events waiting that the vCPU has a vector for? */
bool hvm_domain_upcall_due(const struct vcpu *v)
{
    return v->vcpu_info && __atomic_load_n(&v->vcpu_info->evtchn_upcall_pending,
                                           __ATOMIC_ACQUIRE) && upcall_vector(v->hvm);
}

void hvm_domain_before_entry(struct hvm_vcpu *hv)
{
    const struct vcpu *v = hv->owner;

    bool due = hvm_domain_upcall_due(v);

    /* One interrupt is held at a time; the next entry looks again. One held
     * while the guest had IF clear is taken back if the guest has meanwhile
     * consumed the events itself: no spurious upcall follows. */
    if (hv->pending_irq < 0 && due)
        hv->pending_irq = upcall_vector(hv);
    else if (!due && hv->pending_irq >= 0 && hv->pending_irq == upcall_vector(hv))
        hv->pending_irq = -1;
}
