/*
 * Hypercall dispatch: one table, bounds-checked, with a policy per entry
 * (style.md item 1). Guest-supplied numbers never index anything unchecked.
 */
#include <asm/percpu.h>
#include <public/xen.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/lib.h>
#include <xeno/cmdline.h>
#include <xeno/softirq.h>
#include <asm/smp.h>
#include <hvm/domain.h>

/* Every hypercall: number, handler, kinds that may call it, privileged only,
 * allowed inside a multicall. */
#define HYPERCALLS(X) \
    X(__HYPERVISOR_set_trap_table, do_set_trap_table, HC_PV, false, true) \
    X(__HYPERVISOR_mmu_update, do_mmu_update, HC_PV, false, true) \
    X(__HYPERVISOR_set_gdt, do_set_gdt, HC_PV, false, true) \
    X(__HYPERVISOR_stack_switch, do_stack_switch, HC_PV, false, true) \
    X(__HYPERVISOR_fpu_taskswitch, do_fpu_taskswitch, HC_PV, false, true) \
    X(__HYPERVISOR_set_debugreg, do_set_debugreg, HC_PV, false, true) \
    X(__HYPERVISOR_get_debugreg, do_get_debugreg, HC_PV, false, true) \
    X(__HYPERVISOR_update_descriptor, do_update_descriptor, HC_PV, false, true) \
    X(__HYPERVISOR_memory_op, do_memory_op, HC_PV | HC_HVM, false, true) \
    X(__HYPERVISOR_multicall, do_multicall, HC_PV | HC_HVM, false, false) \
    X(__HYPERVISOR_update_va_mapping, do_update_va_mapping, HC_PV, false, true) \
    X(__HYPERVISOR_set_timer_op, do_set_timer_op, HC_PV | HC_HVM, false, true) \
    X(__HYPERVISOR_xen_version, do_xen_version, HC_PV | HC_HVM, false, true) \
    X(__HYPERVISOR_console_io, do_console_io, HC_PV | HC_HVM, false, true) \
    X(__HYPERVISOR_grant_table_op, do_grant_table_op, HC_PV | HC_HVM, false, true) \
    X(__HYPERVISOR_vm_assist, do_vm_assist, HC_PV, false, true) \
    X(__HYPERVISOR_iret, do_iret, HC_PV, false, false) \
    X(__HYPERVISOR_vcpu_op, do_vcpu_op, HC_PV | HC_HVM, false, true) \
    X(__HYPERVISOR_set_segment_base, do_set_segment_base, HC_PV, false, true) \
    X(__HYPERVISOR_mmuext_op, do_mmuext_op, HC_PV, false, true) \
    X(__HYPERVISOR_sched_op, do_sched_op, HC_PV | HC_HVM, false, true) \
    X(__HYPERVISOR_callback_op, do_callback_op, HC_PV, false, true) \
    X(__HYPERVISOR_event_channel_op, do_event_channel_op, HC_PV | HC_HVM, false, true) \
    X(__HYPERVISOR_physdev_op, do_physdev_op, HC_PV | HC_HVM, false, true) \
    X(__HYPERVISOR_hvm_op, do_hvm_op, HC_HVM, false, true) \
    X(__HYPERVISOR_domctl, do_domctl, HC_PV | HC_HVM, true, false) \
    X(__HYPERVISOR_xeno_test, do_xeno_test, HC_PV | HC_HVM, false, true) \
    X(__HYPERVISOR_xeno_stats, do_xeno_stats, HC_PV | HC_HVM, false, true)

#define ENTRY(nr, handler, kind, priv, multi) \
    [nr] = { .fn = handler, .name = #handler, .kinds = kind, .privileged = priv, .in_multicall = multi },

static const struct hypercall_entry hypercall_table[NR_HYPERCALLS] = { HYPERCALLS(ENTRY) };

/*
 * The PV fast path's table (syscall_entry64 in entry_syscall.S indexes it, after
 * its bounds check): the handlers a PV guest kernel may call with no policy check
 * left to make, i.e. PV, not privileged only. iret is not here: it rewrites the
 * guest's frame, which this path restores only in part (entry_syscall.S has a
 * fast path of its own for it, taken before this table). A NULL entry
 * sends the call the general way (pv_syscall, hypercall_dispatch), which gives
 * the error or handles it.
 */
#define FAST_ENTRY(nr, handler, kind, priv, multi) \
    [nr] = (((kind) & HC_PV) && !(priv) && (nr) != __HYPERVISOR_iret) ? handler : NULL,

const hypercall_fn hypercall_pv_fast_table[NR_HYPERCALLS] = { HYPERCALLS(FAST_ENTRY) };


static unsigned long hypercall_preempt_every;
CMDLINE_PARAM_UINT("hypercall_preempt_every", hypercall_preempt_every);

bool hypercall_preempt_check(uint64_t done)
{
    if (done == 0)
        return false;           /* always make progress */
    if (hypercall_preempt_every && done % hypercall_preempt_every == 0)
        return true;
    return softirq_pending(smp_processor_id());
}

uint64_t hypercall_preempt_window(uint64_t done, uint64_t max)
{
    uint64_t to_next;

    if (!hypercall_preempt_every)
        return max;
    to_next = hypercall_preempt_every - done % hypercall_preempt_every;
    return to_next < max ? to_next : max;
}

struct cpu_regs *guest_regs(void)
{
    return (struct cpu_regs *)(this_cpu()->stack_top - TRAP_FRAME_SIZE);
}

void hypercall_continue(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
                        uint64_t a6)
{
    uint64_t *args = this_cpu()->multicall_args;
    if (args) {
        /* Inside a multicall: the entry resumes with these (do_multicall). */
        const uint64_t updated[6] = { a1, a2, a3, a4, a5, a6 };
        for (unsigned int i = 0; i < 6; i++)
            args[i] = updated[i];
        return;
    }
    if (this_cpu()->hvm_guest) {
        const uint64_t updated[6] = { a1, a2, a3, a4, a5, a6 };
        hvm_hypercall_continue(updated);
        return;
    }
    struct cpu_regs *r = guest_regs();
    r->rdi = a1;
    r->rsi = a2;
    r->rdx = a3;
    r->r10 = a4;
    r->r8 = a5;
    r->r9 = a6;
}

long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[6], bool from_multicall)
{
    const struct hypercall_entry *e;
    uint8_t kind = v->domain->type == DOMAIN_PV ? HC_PV : HC_HVM;

    if (nr >= NR_HYPERCALLS)
        return -ENOSYS;
    e = &hypercall_table[nr];
    if (!e->fn || !(e->kinds & kind))
        return -ENOSYS;
    if (from_multicall && !e->in_multicall)
        return -EINVAL;
    if (e->privileged && !v->domain->privileged)
        return -EPERM;
    v->domain->stats.hypercalls++;
    long rc = e->fn(args[0], args[1], args[2], args[3], args[4], args[5]);
    if (rc == -ERESTART)
        v->domain->stats.continuations++;
    return rc;
}
