/*
 * vcpu_op: bringing a domain's vCPUs up (initialise, then up) and down, where
 * a vCPU's vcpu_info and runstate live, and its timers. The frame a guest
 * names for its vcpu_info must be its own. A call that names another vCPU
 * changes its state only under the scheduler's lock (up, down), or only while
 * it is down (initialise, register_vcpu_info); timers are the caller's own.
 */
#include <asm/guest_access.h>
#include <asm/page.h>
#include <public/vcpu.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/string.h>
#include <xeno/guest_time.h>
#include <asm/time.h>
#include <xeno/page_ref.h>
#include <pv/mm.h>
#include <pv/pv.h>
#include <public/sched.h>
#include <public/vcpu_context.h>
#include <xeno/sched.h>
#include <xeno/xmalloc.h>

static long register_vcpu_info(struct vcpu *v, uint64_t arg)
{
    struct vcpu_register_vcpu_info r;
    struct vcpu_info *new;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) || (r.offset & 7))
        return -EINVAL;
    /* Not shared_info's frame: the vcpu_info there at the start holds no reference
     * of its own, and one taken now could never be told apart and dropped. */
    if (domain_frame_to_mfn(v->domain, r.mfn, &r.mfn) ||
        !mfn_valid(r.mfn) || r.mfn == v->domain->shared_info_mfn)
        return -EINVAL;
    /* Its own frame, held writable for as long as the hypervisor writes it, so
     * it can never become a page table meanwhile. */
    unsigned long lock = pv_mm_lock();
    int rc = get_page_and_type(mfn_to_page(r.mfn), v->domain->id, PGT_writable_page);
    if (!rc && v->vcpu_info_mfn && v->vcpu_info_mfn != v->domain->shared_info_mfn)
        put_page_and_type(mfn_to_page(v->vcpu_info_mfn));
    pv_mm_unlock(lock);
    if (rc)
        return -EINVAL;
    new = (struct vcpu_info *)((char *)mfn_to_virt(r.mfn) + r.offset);
    /* Carry the state over, and make the guest look at every event once. */
    memmove(new, v->vcpu_info, sizeof(*new));  /* may overlap: same frame, nearby offset */
    new->evtchn_pending_sel = ~0UL;
    new->evtchn_upcall_pending = 1;
    v->vcpu_info = new;
    v->vcpu_info_mfn = r.mfn;
    if (v->domain->evtchn_ports)
        evtchn_set_vcpu_info(&v->domain->evtchn, v->id, new);
    return 0;
}

/* As Xen: once only (-EEXIST after), and the vCPU stays down until VCPUOP_up. */
static long initialise(struct vcpu *v, uint64_t arg)
{
    struct vcpu_guest_context *c;
    long rc;

    if (v->initialised)
        return -EEXIST;
    /* A PVH vCPU would take Xen's vcpu_hvm_context (a 32- or 64-bit
     * register state for its container): not yet, so only vCPU 0 runs. */
    if (domain_is_hvm(v->domain))
        return -EOPNOTSUPP;
    c = xmalloc(struct vcpu_guest_context);     /* 5 KiB: not on the stack */
    if (!c)
        return -ENOMEM;
    rc = copy_from_guest(c, arg, sizeof(*c)) ? -EFAULT : pv_vcpu_initialise(v, c);
    if (!rc)
        v->initialised = true;
    xfree(c);
    return rc;
}

static long up(struct vcpu *v)
{
    if (!v->initialised)
        return -EINVAL;
    /* A vCPU downed while it blocked comes back runnable: its block
     * returns, which the ABI allows at any time. */
    sched_set_down(v, false);
    return 0;
}

/* As Xen: taking down the last vCPU that is up powers the domain off. A vCPU
 * that downs itself stops on the way back to the guest (pv/return.c), and
 * resumes after this call when it is brought up again. */
static long down(struct vcpu *v)
{
    struct domain *d = v->domain;
    bool others_up = false;

    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        others_up |= d->vcpus[i] != v && d->vcpus[i]->state != VCPU_DOWN;
    if (!others_up) {
        domain_shutdown(d, SHUTDOWN_poweroff);
        return 0;
    }
    sched_set_down(v, true);
    return 0;
}

long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *cur = current_vcpu();
    struct domain *d = cur->domain;
    struct vcpu *v;
    struct vcpu_register_runstate_memory_area area;
    (void)a4; (void)a5; (void)a6;

    if (vcpuid >= d->nr_vcpus)
        return -ENOENT;
    v = d->vcpus[vcpuid];
    switch (cmd) {
    case VCPUOP_initialise:
        return initialise(v, arg);
    case VCPUOP_up:
        return up(v);
    case VCPUOP_down:
        return down(v);
    case VCPUOP_is_up:
        return v->state != VCPU_DOWN;
    case VCPUOP_register_vcpu_info:
        /* Its own, or one that is down: Linux's boot CPU places every CPU's
         * vcpu_info before it brings them up. One running elsewhere could be
         * taking an upcall from the old place meanwhile (Xen pauses it; we
         * refuse). */
        if (v != cur && v->state != VCPU_DOWN)
            return -EBUSY;
        return register_vcpu_info(v, arg);
    case VCPUOP_register_runstate_memory_area:
        if (copy_from_guest(&area, arg, sizeof(area)))
            return -EFAULT;
        if (area.addr && !guest_range_ok(area.addr, sizeof(struct vcpu_runstate_info)))
            return -EFAULT;
        v->runstate_guest_va = area.addr;
        if (v == cur && area.addr)
            return copy_to_guest(area.addr, &v->runstate, sizeof(v->runstate));
        return 0;
    case VCPUOP_get_runstate_info:
        return copy_to_guest(arg, &v->runstate, sizeof(v->runstate));
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer t;
        if (v != cur)
            return -EINVAL;
        if (copy_from_guest(&t, arg, sizeof(t)))
            return -EFAULT;
        if ((t.flags & VCPU_SSHOTTMR_future) && t.timeout_abs_ns < now_ns())
            return -ETIME;
        guest_timer_set(v, t.timeout_abs_ns ? t.timeout_abs_ns : 1);   /* 0 is "now" too */
        return 0;
    }
    case VCPUOP_stop_singleshot_timer:
        if (v != cur)
            return -EINVAL;
        guest_timer_set(v, 0);
        return 0;
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer p;
        if (copy_from_guest(&p, arg, sizeof(p)))
            return -EFAULT;
        if (p.period_ns < MILLISECS(1))
            return -EINVAL;     /* as Xen: no faster than 1 kHz */
        if (p.period_ns > GUEST_TIMER_MAX_PERIOD_NS)
            return -EINVAL;     /* deadlines must not wrap */
        guest_timer_set_periodic(v, p.period_ns);
        return 0;
    }
    case VCPUOP_stop_periodic_timer:
        guest_timer_set_periodic(v, 0);
        return 0;
    default:
        return -ENOSYS;
    }
}
