/*
 * user_mode: the guest kernel runs code in guest user mode the way a 64-bit PV kernel
 * runs its processes (usermode.h: syscall callback, stack_switch, NEW_USER_BASEPTR,
 * iret with CS RPL 3), and what user code raises comes back as Xen's ABI says:
 *
 *   - `syscall` at the syscall callback, in kernel mode, on the stack_switch stack,
 *     with the frame RCX, R11, RIP, CS, RFLAGS, RSP, SS (no error code): RCX/R11 the
 *     return RIP and RFLAGS, CS the user CS (RPL 3) with the saved event mask in bits
 *     32-39, RFLAGS.IF = !mask, the user's DF kept in the frame; the callback's flag
 *     decides whether entry masks events; the callback starts with RCX and R11 its own
 *     RIP and RFLAGS, as Xen's sysretq leaves them. The iret back restores RCX and R11
 *     from the frame unless VGCF_in_syscall, every other register as it was, and lands
 *     where the frame says. No callback: #UD at the syscall instruction.
 *   - int $0x80 and int3 at traps 0x80 and 3, #PF with the U bit in the error code
 *     (clear for the kernel), each on the stack_switch stack.
 *   - GS: set_segment_base's user and kernel bases are swapped with the mode; the
 *     kernel reads them back with rdmsr GS_BASE / KERNEL_GS_BASE.
 *   - The iret into user mode sets the event mask to !IF of its frame.
 *   - Privileged instructions are emulated for the guest kernel only: in user mode
 *     rdmsr, wrmsr, mov from CR0, clts and wbinvd give #GP(0) (Xen's emulator
 *     requires ring 0), and port I/O needs a virtual IOPL of 3.
 */
#include "xtest.h"
#include "gprs.h"
#include "usermode.h"

#define RFLAGS_IF (1UL << 9)
#define RFLAGS_DF (1UL << 10)
#define CR0_TS (1UL << 3)
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define POST_PORT 0x80
#define SYSCALL_FRAME_BYTES (7 * 8)     /* RCX R11 RIP CS RFLAGS RSP SS */
#define SYSCALL_INSN_LEN 2

/* What user code asks its kernel for (rax). */
#define NR_ECHO 0x5ca11UL           /* record the arrival, answer with `reply` */
#define NR_REDIRECT 0x5ca12UL       /* return to the address in rdx instead */

#define USER_GS_WORD 0x75736572205f6773UL
#define KERNEL_GS_WORD 0x6b65726e5f5f6773UL
static uint64_t gs_user_area[2] = { USER_GS_WORD }, gs_kernel_area[2] = { KERNEL_GS_WORD };

static uint64_t read_gs_word(void)
{
    uint64_t v;

    __asm__ volatile("movq %%gs:0, %0" : "=r"(v) :: "memory");
    return v;
}

static uint64_t frame_top(void)
{
    return (uint64_t)user_kernel_stack_top & ~15UL;
}

/* ---- the syscall callback's side ---- */

static struct {
    bool called;
    struct cpu_regs regs;           /* as the callback found them */
    uint64_t entry_rsp, entry_rflags, entry_rcx, entry_r11;
    uint8_t upcall_mask;
    uint64_t gs_word;
    long version;                   /* xen_version from the callback */
} seen;

static struct {
    uint64_t rax, rcx, r11;
    unsigned int flags;
} reply;

static void on_syscall(struct user_syscall *sc)
{
    struct cpu_regs *r = sc->regs;

    if (r->rax == NR_REDIRECT) {
        r->rip = r->rdx;
        return;
    }
    seen.called = true;
    seen.regs = *r;
    seen.entry_rsp = sc->entry_rsp;
    seen.entry_rflags = sc->entry_rflags;
    seen.entry_rcx = sc->entry_rcx;
    seen.entry_r11 = sc->entry_r11;
    seen.upcall_mask = xtest_vcpu_info->evtchn_upcall_mask;
    seen.gs_word = read_gs_word();
    /* Only guest kernel mode can make hypercalls: in user mode this would come back
     * here as another system call. */
    seen.version = hc_xen_version(XENVER_version, NULL);
    r->rax = reply.rax;
    r->rcx = reply.rcx;
    r->r11 = reply.r11;
    sc->iret_flags = reply.flags;
}

static bool register_syscall_callback(bool mask_events)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall, .flags = mask_events ? CALLBACKF_mask_events : 0,
        .address = (uint64_t)user_syscall_entry,
    };

    return expect_rc("callback_op(register, syscall)", hc_callback_op(CALLBACKOP_register, &cb), 0);
}

/* ---- user code: it records, the kernel checks ---- */

static long user_read_event_mask(void *unused)
{
    (void)unused;
    return xtest_vcpu_info->evtchn_upcall_mask;
}

struct gprs_trip {
    struct gprs in, out;
    uint8_t mask_after;
    uint64_t gs_before, gs_after;
};

static long user_syscall_gprs(void *arg)
{
    struct gprs_trip *t = arg;

    t->gs_before = read_gs_word();
    gprs_run(&t->in, &t->out, gprs_syscall);
    t->mask_after = xtest_vcpu_info->evtchn_upcall_mask;
    t->gs_after = read_gs_word();
    return 0;
}

static long user_syscall_redirect(void *unused)
{
    uint64_t landed;

    (void)unused;
    __asm__ volatile("lea 2f(%%rip), %%rdx\n\t"
                     "xor %%ebx, %%ebx\n\t"
                     "syscall\n\t"
                     "jmp 3f\n"
                     "2: mov $1, %%ebx\n"
                     "3:"
                     : "=b"(landed) : "a"(NR_REDIRECT) : "rcx", "rdx", "r11", "memory");
    return (long)landed;
}

/* std; syscall: the RFLAGS the user gets back. */
static long user_syscall_with_df(void *unused)
{
    uint64_t after;

    (void)unused;
    __asm__ volatile("std\n\t"
                     "syscall\n\t"
                     "pushfq\n\t"
                     "pop %0\n\t"
                     "cld"
                     : "=r"(after) : "a"(NR_ECHO) : "rcx", "r11", "memory");
    return (long)after;
}

struct no_callback {
    struct exinfo ex;
    uint64_t insn;
};

static long user_syscall_no_callback(void *arg)
{
    struct no_callback *n = arg;

    exinfo_clear();
    /* #UD should point at the syscall; the second fixup keeps a report of the
     * instruction after it from ending the test. */
    __asm__ volatile("lea 1f(%%rip), %0\n"
                     "1: syscall\n2:\n\t" EXTABLE("1b", "2b") EXTABLE("2b", "2b")
                     : "=&r"(n->insn) : "a"(NR_ECHO) : "rcx", "r11", "memory");
    n->ex = exinfo_take();
    return 0;
}

struct user_traps {
    struct exinfo int80, int3, pf_read, pf_write;
};

static long user_raise_traps(void *arg)
{
    struct user_traps *t = arg;
    uint64_t guard = (uint64_t)xtest_guard_page;

    t->int80 = probe_int80();
    t->int3 = probe_int3();
    t->pf_read = probe_read64(guard + 0x10, NULL);
    t->pf_write = probe_write64(guard + 0x18, 0);
    return 0;
}

static struct exinfo probe_read_cr0(uint64_t *val)
{
    uint64_t v = 0;

    exinfo_clear();
    __asm__ volatile("1: mov %%cr0, %[v]\n2:\n\t" EXTABLE("1b", "2b") : [v] "+r"(v) :: "memory");
    *val = v;
    return exinfo_take();
}

DEFINE_INSN_PROBE(clts, "clts", "1b")

struct user_privileged {
    struct exinfo rdmsr, wrmsr, read_cr0, clts, wbinvd;
    uint64_t msr;
};

static long user_privileged(void *arg)
{
    struct user_privileged *p = arg;
    uint64_t cr0;

    p->rdmsr = probe_rdmsr(MSR_GS_BASE, &p->msr);
    /* The kernel's own base again: harmless should it be emulated. */
    p->wrmsr = probe_wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)gs_kernel_area);
    p->read_cr0 = probe_read_cr0(&cr0);
    p->clts = probe_clts();
    p->wbinvd = probe_wbinvd();
    return 0;
}

struct user_inb {
    struct exinfo ex;
    uint8_t val;
};

static long user_inb(void *arg)
{
    struct user_inb *u = arg;

    u->ex = probe_inb(POST_PORT, &u->val);
    return 0;
}

/* ---- the checks, in guest kernel mode ---- */

/* An exception user code raised: VECTOR, ERROR, a user-mode frame on the
 * stack_switch stack with the user's event mask saved. */
static void expect_user_trap(const char *what, const struct exinfo *ex, int vector,
                             uint32_t error, uint8_t mask)
{
    uint64_t frame = frame_top() - SYSCALL_FRAME_BYTES - (error != EXINFO_NO_ERROR ? 8 : 0);

    expect_exception(what, ex, vector, error);
    if (ex->vector != vector)
        return;
    xtest_check((ex->cs & 0xffff) == FLAT_USER_CS64 && ((ex->cs >> 32) & 0xff) == mask,
                "%s: frame CS slot %#lx, expected %#x (user mode) with mask %u in bits 32-39",
                what, ex->cs, FLAT_USER_CS64, mask);
    xtest_check((ex->ss & 0xffff) == FLAT_USER_SS64, "%s: frame SS %#lx, expected %#x", what,
                ex->ss, FLAT_USER_SS64);
    xtest_check(!(ex->rflags & RFLAGS_IF) == !!mask, "%s: frame RFLAGS %#lx, IF should be %s",
                what, ex->rflags, mask ? "clear" : "set");
    xtest_check(ex->frame == frame, "%s: frame at %#lx, expected %#lx on the stack_switch "
                "stack", what, ex->frame, frame);
    xtest_check(ex->rsp < (uint64_t)user_kernel_stack_top - 0x4000 ||
                ex->rsp > (uint64_t)user_kernel_stack_top,
                "%s: frame RSP %#lx is on the kernel stack, not the user's", what, ex->rsp);
}

static void test_event_mask_on_iret(void)
{
    long on = user_call(user_read_event_mask, NULL, true);
    long off = user_call(user_read_event_mask, NULL, false);

    xtest_check(on == 0, "iret to user mode with IF set: upcall_mask %ld in user mode, "
                "expected 0", on);
    xtest_check(off == 1, "iret to user mode with IF clear: upcall_mask %ld in user mode, "
                "expected 1", off);
}

static void test_gs_bases(void)
{
    struct gprs_trip t;
    uint64_t val = 0;
    struct exinfo ex;

    xtest_check(read_gs_word() == KERNEL_GS_WORD, "kernel mode: %%gs:0 reads %#lx, expected "
                "the GS_KERNEL base's %#lx", read_gs_word(), KERNEL_GS_WORD);
    ex = probe_rdmsr(MSR_GS_BASE, &val);
    expect_no_exception("rdmsr GS_BASE in kernel mode", &ex);
    xtest_check(val == (uint64_t)gs_kernel_area, "rdmsr GS_BASE %#lx, expected the kernel "
                "base %p", val, gs_kernel_area);
    ex = probe_rdmsr(MSR_KERNEL_GS_BASE, &val);
    expect_no_exception("rdmsr KERNEL_GS_BASE in kernel mode", &ex);
    xtest_check(val == (uint64_t)gs_user_area, "rdmsr KERNEL_GS_BASE %#lx, expected the user "
                "base %p", val, gs_user_area);

    /* A user run with one system call: the base user mode sees before and after it. */
    gprs_fill(&t.in, 1);
    t.gs_before = t.gs_after = 0;
    t.in.rax = NR_REDIRECT;
    t.in.rdx = (uint64_t)gprs_syscall + SYSCALL_INSN_LEN;   /* land where it would anyway */
    user_call(user_syscall_gprs, &t, false);
    xtest_check(t.gs_before == USER_GS_WORD && t.gs_after == USER_GS_WORD,
                "user mode: %%gs:0 reads %#lx (then %#lx after a system call), expected the "
                "GS_USER base's %#lx", t.gs_before, t.gs_after, USER_GS_WORD);
    xtest_check(read_gs_word() == KERNEL_GS_WORD, "back in kernel mode: %%gs:0 reads %#lx, "
                "expected %#lx", read_gs_word(), KERNEL_GS_WORD);
}

struct syscall_case {
    const char *name;
    bool events;            /* user mode runs with events on */
    bool mask_events;       /* the callback's CALLBACKF_mask_events */
    unsigned int flags;     /* iret FLAGS back */
};

static void check_arrival(const char *what, const struct syscall_case *c,
                          const struct gprs_trip *t)
{
    const struct cpu_regs *r = &seen.regs;
    uint64_t ret = (uint64_t)gprs_syscall + SYSCALL_INSN_LEN;
    uint8_t mask = !c->events;
    const struct { const char *name; uint64_t got, want; } same[] = {
        { "rax", r->rax, t->in.rax }, { "rbx", r->rbx, t->in.rbx }, { "rdx", r->rdx, t->in.rdx },
        { "rsi", r->rsi, t->in.rsi }, { "rdi", r->rdi, t->in.rdi }, { "rbp", r->rbp, t->in.rbp },
        { "r8", r->r8, t->in.r8 }, { "r9", r->r9, t->in.r9 }, { "r10", r->r10, t->in.r10 },
        { "r12", r->r12, t->in.r12 }, { "r13", r->r13, t->in.r13 },
        { "r14", r->r14, t->in.r14 }, { "r15", r->r15, t->in.r15 },
    };

    xtest_check(seen.entry_rsp == frame_top() - SYSCALL_FRAME_BYTES, "%s: callback rsp %#lx, "
                "expected the frame at %#lx on the stack_switch stack", what, seen.entry_rsp,
                frame_top() - SYSCALL_FRAME_BYTES);
    xtest_check(r->rcx == ret && r->rip == ret, "%s: frame RCX %#lx and RIP %#lx, expected the "
                "return address %#lx", what, r->rcx, r->rip, ret);
    xtest_check(seen.entry_rcx == (uint64_t)user_syscall_entry &&
                seen.entry_r11 == seen.entry_rflags, "%s: the callback started with rcx %#lx "
                "r11 %#lx, expected its own RIP %p and RFLAGS %#lx (as sysretq leaves them)",
                what, seen.entry_rcx, seen.entry_r11, user_syscall_entry, seen.entry_rflags);
    xtest_check((r->r11 & RFLAGS_IF) && (r->rflags & ~RFLAGS_IF) == (r->r11 & ~RFLAGS_IF),
                "%s: frame R11 %#lx should be the user's RFLAGS (IF set), and the RFLAGS "
                "slot %#lx the same but for IF", what, r->r11, r->rflags);
    xtest_check((uint8_t)!(r->rflags & RFLAGS_IF) == mask, "%s: frame RFLAGS %#lx, IF should be !mask "
                "(%u)", what, r->rflags, mask);
    xtest_check((r->cs & 0xffff) == FLAT_USER_CS64 && ((r->cs >> 32) & 0xff) == mask,
                "%s: frame CS slot %#lx, expected %#x with the user's mask %u in bits 32-39",
                what, r->cs, FLAT_USER_CS64, mask);
    xtest_check(r->rsp == t->out.rsp && (r->ss & 0xffff) == FLAT_USER_SS64, "%s: frame RSP "
                "%#lx SS %#lx, expected %#lx %#x", what, r->rsp, r->ss, t->out.rsp,
                FLAT_USER_SS64);
    for (unsigned int i = 0; i < ARRAY_LEN(same); i++)
        xtest_check(same[i].got == same[i].want, "%s: the callback got %s %#lx, the user had "
                    "%#lx", what, same[i].name, same[i].got, same[i].want);
    xtest_check(seen.version == hc_xen_version(XENVER_version, NULL), "%s: xen_version from "
                "the callback returned %#lx: not in kernel mode?", what, seen.version);
    xtest_check(seen.gs_word == KERNEL_GS_WORD, "%s: %%gs:0 in the callback reads %#lx, "
                "expected the kernel's %#lx", what, seen.gs_word, KERNEL_GS_WORD);
    xtest_check(seen.upcall_mask == (c->mask_events ? 1 : mask), "%s: upcall_mask %u in the "
                "callback, expected %u", what, seen.upcall_mask, c->mask_events ? 1 : mask);
}

static void check_return(const char *what, const struct syscall_case *c,
                         const struct gprs_trip *t)
{
    bool restored = t->out.rcx == reply.rcx && t->out.r11 == reply.r11;

    xtest_check(t->out.rax == reply.rax, "%s: user rax %#lx after the iret, expected the "
                "frame's %#lx", what, t->out.rax, reply.rax);
    if (c->flags & VGCF_in_syscall)
        xtest_check(t->out.rcx != reply.rcx && t->out.r11 != reply.r11, "%s: rcx %#lx r11 "
                    "%#lx came from the frame despite VGCF_in_syscall", what, t->out.rcx,
                    t->out.r11);
    else
        xtest_check(restored, "%s: rcx %#lx r11 %#lx after the iret, expected the frame's "
                    "%#lx %#lx", what, t->out.rcx, t->out.r11, reply.rcx, reply.r11);
    gprs_expect_same(what, &t->in, &t->out, GPRS_BIT(rax) | GPRS_BIT(rcx) | GPRS_BIT(r11));
    xtest_check(t->mask_after == !c->events, "%s: upcall_mask %u back in user mode, expected "
                "%u (the frame's IF)", what, t->mask_after, !c->events);
    xtest_check(t->gs_before == USER_GS_WORD && t->gs_after == USER_GS_WORD, "%s: user "
                "%%gs:0 %#lx before, %#lx after, expected %#lx", what, t->gs_before,
                t->gs_after, USER_GS_WORD);
}

static void test_syscall(const struct syscall_case *c, unsigned int seed)
{
    struct gprs_trip t;
    char what[96];

    snprintf(what, sizeof(what), "syscall from user mode (%s)", c->name);
    if (!register_syscall_callback(c->mask_events))
        return;
    gprs_fill(&t.in, seed);
    t.in.rax = NR_ECHO;
    reply.rax = 0x1234567800000000UL | seed;
    reply.rcx = 0xc1c1c1c100000000UL | seed;
    reply.r11 = 0x1111111100000000UL | seed;
    reply.flags = c->flags;
    seen.called = false;
    user_call(user_syscall_gprs, &t, c->events);
    if (!seen.called) {
        xtest_fail("%s: the syscall callback was not called", what);
        return;
    }
    check_arrival(what, c, &t);
    check_return(what, c, &t);
}

static void test_syscalls(void)
{
    static const struct syscall_case cases[] = {
        { "events on, callback masks them, iret flags 0", true, true, 0 },
        { "events masked, callback leaves them, VGCF_in_syscall", false, false, VGCF_in_syscall },
        { "events on, callback leaves them, VGCF_in_syscall", true, false, VGCF_in_syscall },
    };

    for (unsigned int i = 0; i < ARRAY_LEN(cases); i++)
        test_syscall(&cases[i], 3 + i);
    register_syscall_callback(true);

    xtest_check(user_call(user_syscall_redirect, NULL, false) == 1, "the iret back from a "
                "system call did not land at the RIP its frame gave");
}

/* Xen clears DF for the callback but keeps the user's in the frame, where the iret
 * back takes it from (SYSCALL's R11 has it too). */
static void test_syscall_direction_flag(void)
{
    uint64_t after;

    reply.rax = 0;
    reply.rcx = reply.r11 = 0;
    reply.flags = VGCF_in_syscall;
    seen.called = false;
    after = (uint64_t)user_call(user_syscall_with_df, NULL, false);
    if (!seen.called) {
        xtest_fail("std; syscall: the syscall callback was not called");
        return;
    }
    xtest_check(!(seen.entry_rflags & RFLAGS_DF), "std; syscall: the callback runs with DF "
                "set (RFLAGS %#lx)", seen.entry_rflags);
    xtest_check(seen.regs.r11 & RFLAGS_DF, "std; syscall: frame R11 %#lx has no DF",
                seen.regs.r11);
    xtest_check(seen.regs.rflags & RFLAGS_DF, "std; syscall: frame RFLAGS %#lx lost the "
                "user's DF", seen.regs.rflags);
    xtest_check(after & RFLAGS_DF, "std; syscall: DF clear in user mode after the iret back "
                "(RFLAGS %#lx)", after);
}

static void test_syscall_without_callback(void)
{
    struct callback_unregister un = { .type = CALLBACKTYPE_syscall };
    struct no_callback n;

    if (!expect_rc("callback_op(unregister, syscall)", hc_callback_op(CALLBACKOP_unregister, &un), 0))
        return;
    seen.called = false;
    user_call(user_syscall_no_callback, &n, false);
    register_syscall_callback(true);
    xtest_check(!seen.called, "syscall with no callback registered reached the old callback");
    expect_exception("syscall from user mode with no callback", &n.ex, X86_EXC_UD, EXINFO_NO_ERROR);
    if (n.ex.vector == X86_EXC_UD)
        xtest_check(n.ex.rip == n.insn, "syscall with no callback: #UD at rip %#lx, expected "
                    "the syscall instruction at %#lx", n.ex.rip, n.insn);
}

static void test_traps(void)
{
    uint64_t guard = (uint64_t)xtest_guard_page;
    struct user_traps t;
    struct exinfo ex;

    for (int events = 0; events <= 1; events++) {
        uint8_t mask = !events;

        user_call(user_raise_traps, &t, events);
        expect_user_trap("int $0x80 from user mode", &t.int80, INT80_VECTOR, EXINFO_NO_ERROR, mask);
        expect_user_trap("int3 from user mode", &t.int3, X86_EXC_BP, EXINFO_NO_ERROR, mask);
        expect_user_trap("a user-mode read of an unmapped page", &t.pf_read, X86_EXC_PF,
                         PFEC_USER, mask);
        expect_user_trap("a user-mode write to an unmapped page", &t.pf_write, X86_EXC_PF,
                         PFEC_USER | PFEC_WRITE, mask);
        xtest_check(t.pf_read.cr2 == guard + 0x10 && t.pf_write.cr2 == guard + 0x18,
                    "user-mode #PF: cr2 %#lx and %#lx, expected %#lx and %#lx",
                    t.pf_read.cr2, t.pf_write.cr2, guard + 0x10, guard + 0x18);
    }
    ex = probe_read64(guard, NULL);
    expect_exception("a kernel-mode read of an unmapped page (U bit clear)", &ex, X86_EXC_PF, 0);
}

static void test_privileged_in_user_mode(void)
{
    static const struct { const char *name; size_t offset; } probes[] = {
        { "rdmsr GS_BASE", offsetof(struct user_privileged, rdmsr) },
        { "wrmsr KERNEL_GS_BASE", offsetof(struct user_privileged, wrmsr) },
        { "mov from cr0", offsetof(struct user_privileged, read_cr0) },
        { "clts", offsetof(struct user_privileged, clts) },
        { "wbinvd", offsetof(struct user_privileged, wbinvd) },
    };
    struct user_privileged p;
    struct user_inb io;
    uint64_t cr0 = 0;
    char what[64];

    if (!expect_rc("fpu_taskswitch(1)", hc_fpu_taskswitch(1), 0))
        return;
    user_call(user_privileged, &p, false);
    for (unsigned int i = 0; i < ARRAY_LEN(probes); i++) {
        snprintf(what, sizeof(what), "%s in user mode", probes[i].name);
        expect_exception(what, (const struct exinfo *)((char *)&p + probes[i].offset),
                         X86_EXC_GP, 0);
    }
    probe_read_cr0(&cr0);
    xtest_check(cr0 & CR0_TS, "clts in user mode cleared the kernel's CR0.TS (cr0 %#lx)", cr0);
    hc_fpu_taskswitch(0);

    /* The guest kernel counts as ring 1 for port I/O, user mode as ring 3. */
    if (!expect_rc("physdev_op(set_iopl, 1)", hc_set_iopl(1), 0))
        return;
    user_call(user_inb, &io, false);
    expect_exception("inb in user mode at virtual IOPL 1", &io.ex, X86_EXC_GP, 0);
    expect_rc("physdev_op(set_iopl, 3)", hc_set_iopl(3), 0);
    user_call(user_inb, &io, false);
    expect_no_exception("inb in user mode at virtual IOPL 3", &io.ex);
    xtest_check(io.ex.vector != EXINFO_NONE || io.val == 0xff, "inb in user mode read %#x, "
                "expected 0xff", io.val);
    expect_rc("physdev_op(set_iopl, 0)", hc_set_iopl(0), 0);
}

/* mmuext_op's done count is an unsigned int (Xen's public xen.h). */
static void test_mmuext_done_width(void)
{
    struct mmuext_op op = {
        .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1 = virt_to_mfn(xtest_start_info->pt_base),
    };
    unsigned int done[2] = { 0x5a5a5a5a, 0xa5a5a5a5 };

    expect_rc("mmuext_op(NEW_USER_BASEPTR) with a done count", hc_mmuext_op(&op, 1, done), 0);
    xtest_check(done[0] == 1 && done[1] == 0xa5a5a5a5, "mmuext_op wrote done %#x, and %#x "
                "into the word after it (expected 1, and 0xa5a5a5a5 untouched)", done[0],
                done[1]);
}

void test_main(void)
{
    if (!xtest_vcpu_info)
        xtest_abort("shared_info is not mapped");
    if (!user_mode_setup())
        return;
    test_mmuext_done_width();
    user_set_syscall_handler(on_syscall);
    if (!expect_rc("set_segment_base(GS_USER)",
                   hc_set_segment_base(SEGBASE_GS_USER, (uint64_t)gs_user_area), 0) ||
        !expect_rc("set_segment_base(GS_KERNEL)",
                   hc_set_segment_base(SEGBASE_GS_KERNEL, (uint64_t)gs_kernel_area), 0))
        return;

    test_event_mask_on_iret();
    test_gs_bases();
    test_syscalls();
    test_syscall_direction_flag();
    test_traps();
    test_privileged_in_user_mode();
    test_syscall_without_callback();

    hc_set_segment_base(SEGBASE_GS_KERNEL, 0);
    hc_set_segment_base(SEGBASE_GS_USER, 0);
    user_set_syscall_handler(NULL);
}
