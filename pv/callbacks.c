/*
 * Where the guest kernel wants its traps, callbacks and kernel stack, and the
 * small per-vCPU registers it cannot set itself at CPL3: segment bases, CR0.TS,
 * debug registers. Every address is checked to be the guest's own.
 */
#include <asm/guest_access.h>
#include <asm/processor.h>
#include <public/callback.h>
#include <public/xen.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/sched.h>

#define MSR_KERNEL_GS_BASE 0xc0000102

bool pv_guest_code_address_ok(uint64_t a)
{
    return is_canonical(a) && guest_range_ok(a, 1);
}

long do_set_trap_table(uint64_t list, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    struct trap_info ti;
    (void)a2; (void)a3; (void)a4; (void)a5; (void)a6;

    if (list == 0) {                        /* NULL: forget every handler */
        for (unsigned int i = 0; i < 256; i++)
            v->pv.traps[i] = (struct pv_trap){ 0 };
        return 0;
    }
    for (unsigned int n = 0;; n++) {
        if (hypercall_preempt_check(n)) {
            hypercall_continue(list, 0, 0, 0, 0, 0);
            return -ERESTART;
        }
        if (copy_from_guest(&ti, list, sizeof(ti)))
            return -EFAULT;
        if (ti.address == 0)
            return 0;
        if (!pv_guest_code_address_ok(ti.address))
            return -EINVAL;
        v->pv.traps[ti.vector] = (struct pv_trap){ .address = ti.address, .flags = ti.flags };
        list += sizeof(ti);
    }
}

static const int callback_slot[] = {
    [CALLBACKTYPE_event] = PV_CB_EVENT, [CALLBACKTYPE_failsafe] = PV_CB_FAILSAFE,
    [CALLBACKTYPE_syscall] = PV_CB_SYSCALL, [CALLBACKTYPE_sysenter_deprecated] = -1,
    [CALLBACKTYPE_nmi] = PV_CB_NMI, [CALLBACKTYPE_sysenter] = PV_CB_SYSENTER,
    [6] = -1, [CALLBACKTYPE_syscall32] = PV_CB_SYSCALL32,
};

long do_callback_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    struct callback_register reg;
    struct callback_unregister unreg;
    (void)a3; (void)a4; (void)a5; (void)a6;

    switch (cmd) {
    case CALLBACKOP_register:
        if (copy_from_guest(&reg, arg, sizeof(reg)))
            return -EFAULT;
        if (reg.type >= sizeof(callback_slot) / sizeof(callback_slot[0]) ||
            callback_slot[reg.type] < 0)
            return -EINVAL;
        if (!pv_guest_code_address_ok(reg.address))
            return -EINVAL;
        v->pv.callbacks[callback_slot[reg.type]] = (struct pv_callback){
            .address = reg.address, .mask_events = reg.flags & CALLBACKF_mask_events };
        return 0;
    case CALLBACKOP_unregister:
        if (copy_from_guest(&unreg, arg, sizeof(unreg)))
            return -EFAULT;
        if (unreg.type >= sizeof(callback_slot) / sizeof(callback_slot[0]) ||
            callback_slot[unreg.type] < 0)
            return -EINVAL;
        if (unreg.type == CALLBACKTYPE_event || unreg.type == CALLBACKTYPE_failsafe)
            return -EINVAL;         /* a PV kernel cannot live without these */
        v->pv.callbacks[callback_slot[unreg.type]] = (struct pv_callback){ 0 };
        return 0;
    default:
        return -ENOSYS;
    }
}

long do_stack_switch(uint64_t ss, uint64_t sp, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    (void)a3; (void)a4; (void)a5; (void)a6;

    if (!is_canonical(sp))
        return -EINVAL;
    v->pv.kernel_ss = ss | 3;
    v->pv.kernel_sp = sp;
    return 0;
}

long do_set_segment_base(uint64_t which, uint64_t base, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    (void)a3; (void)a4; (void)a5; (void)a6;

    if (which != SEGBASE_GS_USER_SEL && !is_canonical(base))
        return -EINVAL;
    switch (which) {
    case SEGBASE_FS:
        v->pv.fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case SEGBASE_GS_USER:
        v->pv.gs_base_user = base;
        if (!v->pv.kernel_mode)
            wrmsr(MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_KERNEL:
        v->pv.gs_base_kernel = base;
        if (v->pv.kernel_mode)
            wrmsr(MSR_GS_BASE, base);
        return 0;
    case SEGBASE_GS_USER_SEL:
        /* Loading a selector resets the user GS base to the descriptor's (0 for
         * the flat ones a guest may name). */
        if ((base & 0xffff) != 0 && (base & 3) != 3)
            return -EINVAL;
        v->pv.gs = (uint16_t)base;
        v->pv.gs_base_user = 0;
        return 0;
    default:
        return -EINVAL;
    }
}

long do_fpu_taskswitch(uint64_t set, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    (void)a2; (void)a3; (void)a4; (void)a5; (void)a6;

    v->pv.fpu_ts = set != 0;
    if (set)
        __asm__ volatile("mov %%cr0, %%rax; or $8, %%rax; mov %%rax, %%cr0" ::: "rax", "memory");
    else
        __asm__ volatile("clts" ::: "memory");
    return 0;
}

/* DR7 bits a guest may set: local/global enables, RW/LEN fields, the GE/LE
 * hints; not GD (bit 13), and no I/O breakpoints (RW = 10b). */
#define DR7_ALLOWED 0xffff03ffUL
#define DR6_FIXED 0xffff0ff0UL

int pv_debugreg_check(unsigned int reg, uint64_t *value)
{
    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!guest_range_ok(*value, 1) || !is_canonical(*value))
            return -EPERM;
        return 0;
    case 6:
        *value |= DR6_FIXED;
        return 0;
    case 7:
        if (*value & ~DR7_ALLOWED)
            return -EPERM;
        for (unsigned int i = 0; i < 4; i++)
            if (((*value >> (16 + 4 * i)) & 3) == 2)
                return -EPERM;
        *value |= 0x400;
        return 0;
    default:
        return -EINVAL;
    }
}

long do_set_debugreg(uint64_t reg, uint64_t value, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    int rc;
    (void)a3; (void)a4; (void)a5; (void)a6;

    if (reg > 7)
        return -EINVAL;
    rc = pv_debugreg_check((unsigned int)reg, &value);
    if (rc)
        return rc;
    v->pv.debugreg[reg] = value;
    /* Running now: make the change live (DR7 last, so no half-set breakpoint). */
    if (v->on_cpu && (reg <= 3 || reg == 7))
        pv_load_debugregs(v);
    return 0;
}

long do_get_debugreg(uint64_t reg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    struct vcpu *v = current_vcpu();
    (void)a2; (void)a3; (void)a4; (void)a5; (void)a6;

    if (reg > 7 || reg == 4 || reg == 5)
        return -EINVAL;
    return (long)v->pv.debugreg[reg];
}
