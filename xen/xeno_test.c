/*
 * Xeno's own hypercalls for guest tests: xeno_test echoes all six argument
 * registers into the guest buffer named by the first, so guest tests can check
 * the whole hypercall ABI; xeno_stats tells a domain what was counted for it
 * (and a PVH vCPU its VM exits).
 */
#include <asm/guest_access.h>
#include <asm/percpu.h>
#include <hvm/domain.h>
#include <public/xeno_stats.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>

long do_xeno_test(uint64_t buf, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    uint64_t args[6] = { buf, a2, a3, a4, a5, a6 };
    if (copy_to_guest(buf, args, sizeof(args)))
        return -EFAULT;
    return 6;
}

long do_xeno_stats(uint64_t buf, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    const struct vcpu *v = current_vcpu();
    const struct domain *d = v->domain;
    struct xeno_stats st = {
        .hypercalls = d->stats.hypercalls, .fast_bounces = d->stats.fast_bounces,
        .fast_irets = d->stats.fast_irets, .fast_iret_sysrets = d->stats.fast_iret_sysrets,
        .cpu_moves = d->stats.cpu_moves,
    };
    (void)a2; (void)a3; (void)a4; (void)a5; (void)a6;

    hvm_domain_vcpu_exits(v, &st.vcpu_exits, &st.vcpu_host_exits);

    return copy_to_guest(buf, &st, sizeof(st)) ? -EFAULT : 0;
}
