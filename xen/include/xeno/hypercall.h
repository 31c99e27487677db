/*
 * The one hypercall table PV and PVH (HVM) guests share. Each entry says
 * which kinds of guest may call it and whether only a privileged domain may;
 * anything else, and any number past the table, is -ENOSYS (or -EPERM).
 * docs/abi.md lists every entry with its arguments and errors.
 */
#ifndef XENO_HYPERCALL_H
#define XENO_HYPERCALL_H
#include <stdbool.h>
#include <stdint.h>
#include <asm/traps.h>

#define HC_PV (1U << 0)
#define HC_HVM (1U << 1)

/* Handlers may return this to be restarted where they stopped: they first
 * rewrite their arguments with hypercall_continue(). */
#define ERESTART 85

typedef long (*hypercall_fn)(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5, uint64_t a6);

struct hypercall_entry {
    hypercall_fn fn;
    const char *name;
    uint8_t kinds;              /* HC_PV | HC_HVM */
    bool privileged;            /* only a privileged domain may call it */
    bool in_multicall;          /* may appear inside a multicall */
};

/* The PV hypercall fast path's table (xen/hypercall.c, used by entry.S). */
extern const hypercall_fn hypercall_pv_fast_table[];

struct vcpu;

/* Run hypercall nr for v; args are the six argument registers. */
long hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[6], bool from_multicall);
/* Make a -ERESTART'ed hypercall resume with these arguments. */
void hypercall_continue(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
                        uint64_t a6);
/* Should a long hypercall stop after `done` units of work and continue later?
 * Yes when this CPU has softirqs to run, or every hypercall_preempt_every units
 * (a command-line option, so tests can make preemption happen for sure). */
bool hypercall_preempt_check(uint64_t done);
/* How many units, at most `max`, may follow `done` before the next point
 * where hypercall_preempt_every would preempt: a loop that checks only every
 * so many units stops at exactly the same points. */
uint64_t hypercall_preempt_window(uint64_t done, uint64_t max);

/* The trap frame of the guest being served on this CPU. */
struct cpu_regs *guest_regs(void);

/* The handlers, one file per family. */
long do_console_io(uint64_t cmd, uint64_t count, uint64_t buf, uint64_t, uint64_t, uint64_t);
long do_xen_version(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_sched_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_vm_assist(uint64_t cmd, uint64_t type, uint64_t, uint64_t, uint64_t, uint64_t);
long do_multicall(uint64_t list, uint64_t count, uint64_t, uint64_t, uint64_t, uint64_t);
long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_xeno_test(uint64_t buf, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long do_xeno_stats(uint64_t buf, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);
long do_set_trap_table(uint64_t list, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_callback_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_stack_switch(uint64_t ss, uint64_t sp, uint64_t, uint64_t, uint64_t, uint64_t);
long do_set_segment_base(uint64_t which, uint64_t base, uint64_t, uint64_t, uint64_t, uint64_t);
long do_fpu_taskswitch(uint64_t set, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_set_debugreg(uint64_t reg, uint64_t value, uint64_t, uint64_t, uint64_t, uint64_t);
long do_get_debugreg(uint64_t reg, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_set_gdt(uint64_t frames, uint64_t entries, uint64_t, uint64_t, uint64_t, uint64_t);
long do_update_descriptor(uint64_t maddr, uint64_t desc, uint64_t, uint64_t, uint64_t, uint64_t);
long do_iret(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_physdev_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_hvm_op(uint64_t op, uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_domctl(uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_mmu_update(uint64_t reqs, uint64_t count, uint64_t pdone, uint64_t foreigndom, uint64_t, uint64_t);
long do_event_channel_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_set_timer_op(uint64_t timeout_ns, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
long do_memory_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_mmuext_op(uint64_t ops, uint64_t count, uint64_t pdone, uint64_t foreigndom, uint64_t, uint64_t);
long do_grant_table_op(uint64_t cmd, uint64_t uop, uint64_t count, uint64_t, uint64_t, uint64_t);
long do_update_va_mapping(uint64_t va, uint64_t pte, uint64_t flags, uint64_t, uint64_t, uint64_t);
#endif
