/*
 * Hypercalls from a test guest's kernel, two ways:
 *   - hypercall6(): the environment's hypercall instruction (xtest_env.h: `syscall`
 *     in pv64, `vmcall` in pvh64) with rax = number and the arguments in rdi, rsi,
 *     rdx, r10, r8, r9 (pvh64's ABI reads the first five); the result comes back
 *     in rax; rcx and r11 are treated as clobbered (syscall clobbers them).
 *   - hypercall6_page(): a call into the hypercall page the hypervisor filled
 *     (pv64: the HYPERCALL_PAGE note; pvh64: the hypercall-page MSR); entry i at
 *     hypercall_page + 32 * i.
 * Every wrapper below goes through hypercall6(); tests that care about the page call
 * hypercall6_page() themselves. Argument registers are treated as clobbered, as
 * Linux does (Xen's debug builds scribble on the ones a hypercall does not use).
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>
#include <public/callback.h>
#include <public/grant_table.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>
#include "xtest_env.h"

#define XTEST_STR_(x) #x
#define XTEST_STR(x) XTEST_STR_(x)
#include <public/xeno_stats.h>

/* update_va_mapping flags (Xen public/xen.h UVMF_*; not in our public headers yet). */
#define UVMF_NONE 0UL
#define UVMF_TLB_FLUSH 1UL
#define UVMF_INVLPG 2UL
#define UVMF_ALL 4UL

#define HYPERCALL_PAGE_ENTRY_SIZE 32
#define HYPERCALL_PAGE_ENTRIES (4096 / HYPERCALL_PAGE_ENTRY_SIZE)

extern uint8_t hypercall_page[4096];

static inline long hypercall6(unsigned long nr, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5,
                              unsigned long a6)
{
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    register unsigned long r9 __asm__("r9") = a6;
    long ret;

    __asm__ volatile(XTEST_STR(XTEST_HYPERCALL_INSN)
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8),
                       "+r"(r9)
                     : "0"(nr)
                     : "rcx", "r11", "memory");
    return ret;
}

/* NR must be below HYPERCALL_PAGE_ENTRIES. */
static inline long hypercall6_page(unsigned long nr, unsigned long a1, unsigned long a2,
                                   unsigned long a3, unsigned long a4, unsigned long a5,
                                   unsigned long a6)
{
    register unsigned long r10 __asm__("r10") = a4;
    register unsigned long r8 __asm__("r8") = a5;
    register unsigned long r9 __asm__("r9") = a6;
    const void *entry = hypercall_page + HYPERCALL_PAGE_ENTRY_SIZE * nr;
    long ret;

    __asm__ volatile("call *%[entry]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8),
                       "+r"(r9)
                     : [entry] "r"(entry)
                     : "rcx", "r11", "memory");
    return ret;
}

#define HC_ARG(x) ((unsigned long)(x))
#define hypercall(nr, a1, a2, a3, a4, a5, a6)                                         \
    hypercall6((nr), HC_ARG(a1), HC_ARG(a2), HC_ARG(a3), HC_ARG(a4), HC_ARG(a5),      \
               HC_ARG(a6))

static inline long hc_set_trap_table(const struct trap_info *table)
{
    return hypercall(__HYPERVISOR_set_trap_table, table, 0, 0, 0, 0, 0);
}

/* set_gdt: FRAMES lists the machine frames of a GDT of ENTRIES descriptors. */
static inline long hc_set_gdt(const uint64_t *frames, unsigned long entries)
{
    return hypercall(__HYPERVISOR_set_gdt, frames, entries, 0, 0, 0, 0);
}

/* stack_switch: the kernel stack bounces from guest user mode land on. */
static inline long hc_stack_switch(unsigned long ss, unsigned long sp)
{
    return hypercall(__HYPERVISOR_stack_switch, ss, sp, 0, 0, 0, 0);
}

/* update_descriptor: one descriptor at machine address MADDR. */
static inline long hc_update_descriptor(uint64_t maddr, uint64_t desc)
{
    return hypercall(__HYPERVISOR_update_descriptor, maddr, desc, 0, 0, 0, 0);
}

/* mmuext_op for the calling domain; *done (if given) gets how many ops completed. */
static inline long hc_mmuext_op(const struct mmuext_op *ops, unsigned int count,
                                unsigned int *done)
{
    return hypercall(__HYPERVISOR_mmuext_op, ops, count, done, DOMID_SELF, 0, 0);
}

/* mmu_update for the calling domain; *done (if given) gets how many requests were
 * applied (a 32-bit count, as for mmuext_op). */
static inline long hc_mmu_update(const struct mmu_update *reqs, unsigned int count,
                                 unsigned int *done)
{
    return hypercall(__HYPERVISOR_mmu_update, reqs, count, done, DOMID_SELF, 0, 0);
}

static inline long hc_fpu_taskswitch(int set)
{
    return hypercall(__HYPERVISOR_fpu_taskswitch, set, 0, 0, 0, 0, 0);
}

static inline long hc_update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
{
    return hypercall(__HYPERVISOR_update_va_mapping, va, pte, flags, 0, 0, 0);
}

static inline long hc_multicall(struct multicall_entry *calls, unsigned long nr)
{
    return hypercall(__HYPERVISOR_multicall, calls, nr, 0, 0, 0, 0);
}

static inline long hc_memory_op(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_memory_op, cmd, arg, 0, 0, 0, 0);
}

/* hvm_op: only a PVH (or HVM) domain has it; a PV one gets -ENOSYS. */
static inline long hc_hvm_op(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_hvm_op, cmd, arg, 0, 0, 0, 0);
}

static inline long hc_xen_version(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0, 0);
}

static inline long hc_console_io(int cmd, unsigned long count, const void *buf)
{
    return hypercall(__HYPERVISOR_console_io, cmd, count, buf, 0, 0, 0);
}

static inline long hc_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0, 0, 0);
}

static inline long hc_set_segment_base(unsigned int which, unsigned long base)
{
    return hypercall(__HYPERVISOR_set_segment_base, which, base, 0, 0, 0, 0);
}

static inline long hc_sched_op(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0, 0);
}

static inline long hc_callback_op(int cmd, const void *arg)
{
    return hypercall(__HYPERVISOR_callback_op, cmd, arg, 0, 0, 0, 0);
}

static inline long hc_physdev_op(int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_physdev_op, cmd, arg, 0, 0, 0, 0);
}

/* Xeno's own test hypercall: writes its six arguments to the buffer named by the
 * first and returns 6 (xen/xeno_test.c). */
static inline long hc_xeno_test(unsigned long buf, unsigned long a2, unsigned long a3,
                                unsigned long a4, unsigned long a5, unsigned long a6)
{
    return hypercall6(__HYPERVISOR_xeno_test, buf, a2, a3, a4, a5, a6);
}

/* Xeno's own: the counters the hypervisor keeps for this domain (public/xeno_stats.h). */
static inline long hc_xeno_stats(struct xeno_stats *st)
{
    return hypercall(__HYPERVISOR_xeno_stats, st, 0, 0, 0, 0, 0);
}

/* SCHEDOP_shutdown with REASON; returns only if the hypervisor refused. */
static inline long hc_grant_table_op(unsigned int cmd, void *ops, unsigned long count)
{
    return hypercall(__HYPERVISOR_grant_table_op, cmd, ops, count, 0, 0, 0);
}

static inline long hc_shutdown(unsigned int reason)
{
    struct sched_shutdown arg = { .reason = reason };
    return hc_sched_op(SCHEDOP_shutdown, &arg);
}

static inline long hc_domctl(void *op)
{
    return hypercall(__HYPERVISOR_domctl, op, 0, 0, 0, 0, 0);
}

static inline long hc_set_iopl(unsigned int iopl)
{
    struct physdev_set_iopl arg = { .iopl = iopl };
    return hc_physdev_op(PHYSDEVOP_set_iopl, &arg);
}

#endif /* GUEST_HYPERCALL_H */
