/*
 * multicall: a batch of hypercalls in one entry. Each entry's result is written
 * back to it; a failing entry does not stop the rest. Long batches are
 * preempted every few entries and continue where they stopped. An entry that
 * is itself preempted (a long mmu_update, ...) gets its continued arguments
 * written back into the entry, and the multicall continues at that entry.
 */
#include <asm/guest_access.h>
#include <public/xen.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/sched.h>
#include <asm/percpu.h>

#define MAX_MULTICALL 4096

long do_multicall(uint64_t list, uint64_t count, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    struct multicall_entry e;
    (void)a3; (void)a4; (void)a5; (void)a6;

    if (count > MAX_MULTICALL)
        return -EINVAL;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t addr = list + i * sizeof(e);
        if (hypercall_preempt_check(i)) {
            hypercall_continue(addr, count - i, 0, 0, 0, 0);
            return -ERESTART;
        }
        if (copy_from_guest(&e, addr, sizeof(e)))
            return -EFAULT;
        this_cpu()->multicall_args = e.args;
        e.result = (uint64_t)hypercall_dispatch(v, e.op, e.args, true);
        this_cpu()->multicall_args = NULL;
        if ((long)e.result == -ERESTART) {
            if (copy_to_guest(addr + __builtin_offsetof(struct multicall_entry, args),
                              e.args, sizeof(e.args)))
                return -EFAULT;
            hypercall_continue(addr, count - i, 0, 0, 0, 0);
            return -ERESTART;
        }
        if (copy_to_guest(addr + __builtin_offsetof(struct multicall_entry, result),
                          &e.result, sizeof(e.result)))
            return -EFAULT;
        if (v->domain->state != DOMAIN_ACTIVE)
            break;          /* an entry shut the domain down */
    }
    return 0;
}
