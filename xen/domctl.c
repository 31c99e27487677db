/*
 * domctl: Xeno's domain-control interface for the privileged domain
 * (public/xeno_domctl.h). The hypercall table refuses every other caller
 * with -EPERM before this runs.
 */
#include <asm/guest_access.h>
#include <public/xeno_domctl.h>
#include <xeno/console_input.h>
#include <xeno/domain.h>
#include <xeno/domain_console.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/printk.h>
#include <xeno/sched.h>
#include <xeno/string.h>

static const uint8_t state_of[] = {
    [DOMAIN_BUILDING] = XENO_DOMSTATE_building,
    [DOMAIN_ACTIVE] = XENO_DOMSTATE_active,
    [DOMAIN_SHUTDOWN] = XENO_DOMSTATE_shutdown,
};

/* A domain that still exists (a destroyed one is gone for domctl). */
static struct domain *live_domain(uint16_t id)
{
    struct domain *d = domain_by_id(id);
    return d && d->state != DOMAIN_DEAD ? d : NULL;
}

static void fill_info(const struct domain *d, struct xeno_domctl_info *info)
{
    bool paused = false;

    memset(info, 0, sizeof(*info));
    info->domid = d->id;
    info->state = state_of[d->state];
    info->shutdown_reason = d->state == DOMAIN_SHUTDOWN ? (uint8_t)d->shutdown_reason : 0;
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        paused |= d->vcpus[i]->pause_count != 0;
        /* The scheduler's count, plus the stint in progress is not in it:
         * good enough for a monitor. */
        info->cpu_time_ns += d->vcpus[i]->sched.run_ns;
    }
    info->flags = (d->privileged ? XENO_DOMINFO_privileged : 0) |
                  (paused ? XENO_DOMINFO_paused : 0);
    info->nr_vcpus = d->nr_vcpus;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    strlcpy(info->name, d->name, sizeof(info->name));
    info->store_port = d->rings.store_port;
    info->console_port = d->rings.console_port;
    info->store_mfn = d->rings.store_mfn;
    info->console_mfn = d->rings.console_mfn;
    info->backend = d->rings.backend;
}

/* Serial input for the domains the caller serves (xen/console_input.c). */
static long console_read(struct xeno_domctl_console *c)
{
    char buf[CONSOLE_INPUT_BUFFER];
    uint16_t domid = 0;
    size_t n;

    if (!guest_range_ok(c->buf, c->len))
        return -EFAULT;
    n = console_input_take(&domid, buf, c->len < sizeof(buf) ? c->len : sizeof(buf));
    /* Taken off the queue already: a bad buffer loses them, the caller's fault. */
    if (copy_to_guest(c->buf, buf, n))
        return -EFAULT;
    c->len = (uint32_t)n;
    c->domid = domid;
    return 0;
}

static long list(struct xeno_domctl_list *l)
{
    struct xeno_domctl_info info;
    unsigned int last = 0;
    uint32_t n = 0;

    if (l->max > XENO_DOMCTL_LIST_MAX)
        return -EINVAL;
    /* Ids are never reused (a failed build takes one too), so they can pass
     * the number of domains: go up to the highest there is. domain_list is
     * newest first; report in id order from `first`. */
    for (const struct domain *d = domain_list; d; d = d->next)
        last = d->id > last ? d->id : last;
    for (unsigned int id = l->first; id <= last && n < l->max; id++) {
        struct domain *d = live_domain((uint16_t)id);
        if (!d)
            continue;
        fill_info(d, &info);
        if (copy_to_guest(l->infos + n * sizeof(info), &info, sizeof(info)))
            return -EFAULT;
        n++;
    }
    l->count = n;
    return 0;
}

long do_domctl(uint64_t arg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct domain *self = current_vcpu()->domain, *d = NULL;
    struct xeno_domctl op;
    long rc = 0;
    (void)a2; (void)a3; (void)a4; (void)a5; (void)a6;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.version != XENO_DOMCTL_VERSION)
        return -EINVAL;
    if (op.cmd != XENO_DOMCTL_list && op.cmd != XENO_DOMCTL_console_read) {
        d = op.domid == DOMID_SELF ? self : live_domain(op.domid);
        if (!d)
            return -ESRCH;
    }
    switch (op.cmd) {
    case XENO_DOMCTL_getinfo:
        fill_info(d, &op.u.info);
        break;
    case XENO_DOMCTL_list:
        rc = list(&op.u.list);
        break;
    case XENO_DOMCTL_console_read:
        rc = console_read(&op.u.console);
        break;
    case XENO_DOMCTL_console_write:
        /* Only the domain that serves its console speaks for it. */
        if (!d->rings.console_port || d->rings.backend != self->id)
            return -EPERM;
        return domain_console_write(d, op.u.console.buf, op.u.console.len);
    case XENO_DOMCTL_pause:
    case XENO_DOMCTL_unpause:
    case XENO_DOMCTL_destroy:
        /* Not itself: it would stop the caller in the middle of the call. */
        if (d == self)
            return -EINVAL;
        if (d->state != DOMAIN_ACTIVE)
            return -EBUSY;
        if (op.cmd == XENO_DOMCTL_pause) {
            domain_pause(d);
        } else if (op.cmd == XENO_DOMCTL_unpause) {
            if (!domain_is_paused(d))
                return -EINVAL;
            domain_unpause(d);
        } else {
            printk("domain: d%u '%s' destroyed by d%u\n", d->id, d->name, self->id);
            domain_shutdown(d, XENO_SHUTDOWN_destroyed);
        }
        return 0;
    case XENO_DOMCTL_setvcpuaffinity:
        if (op.u.affinity.pad || op.u.affinity.vcpu >= d->nr_vcpus)
            return -EINVAL;
        return sched_vcpu_set_affinity(d->vcpus[op.u.affinity.vcpu], op.u.affinity.cpumap);
    default:
        return -EINVAL;
    }
    if (!rc && copy_to_guest(arg, &op, sizeof(op)))
        rc = -EFAULT;
    return rc;
}
