/*
 * fast_paths: a system call from guest user mode and the iret back, made the way a
 * 64-bit PV kernel makes them (usermode.h), through the fast paths of the
 * hypervisor's SYSCALL entry (arch/x86/entry_syscall.S) and through the general path
 * they stand in for. A pending event sends a trip the general way (the fast paths
 * leave anything pending to it; this kernel has no event callback, so nothing is
 * delivered), so each case runs twice with the same registers:
 *
 *   - xeno_stats says which path served the trip: fast, the bounce to the syscall
 *     callback and both irets (into user mode and back), the iret back by sysretq
 *     exactly when the frame allows it (the flat selectors, and RCX/R11 its RIP and
 *     RFLAGS: VGCF_in_syscall); general, no fast bounce and no fast iret back;
 *   - the guest sees no difference: the callback gets the same registers, frame,
 *     stack, RFLAGS, event mask and RCX/R11 (its own RIP and RFLAGS), and user mode
 *     gets the same registers, RFLAGS, CS, SS and event mask back;
 *   - and what it sees is right: every register kept but RAX (the frame's), RCX and
 *     R11 (the frame's, or the RIP and RFLAGS with VGCF_in_syscall); CS and SS as the
 *     frame named them, the flat ones or the guest's own GDT selectors (5 and 6, as
 *     Linux's __USER_DS and __USER_CS), which the fast path checks with lar.
 *
 * The refusals are tests of their own, each crashing its domain with the general
 * path's words: syscall_bad_stack, syscall_hv_stack, iret_no_user_pt (and iret_bad_*
 * for the iret frame).
 */
#include "xtest.h"
#include "gprs.h"
#include "usermode.h"

#define NR_ECHO 0xfa57UL
#define RFLAGS_FIXED (1UL << 1)
#define RFLAGS_IF (1UL << 9)
#define RFLAGS_GUEST_SETTABLE 0x3d4fd5UL   /* what an iret frame may ask for (docs/abi.md) */
#define RFLAGS_DF (1UL << 10)
#define SYSCALL_INSN_LEN 2
#define FAST_TRIES 8            /* a softirq raised from another CPU sends one trip the
                                 * general way now and then */

#define GDT_ENTRIES 16
#define GDT_USER_DS 5
#define GDT_USER_CS 6
#define SEL(index) ((uint64_t)((index) << 3 | 3))
#define DESC_CODE64_DPL3 0x00affa000000ffffUL
#define DESC_DATA_DPL3 0x00cff2000000ffffUL

static uint64_t gdt_frame[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));

struct trip_case {
    const char *name;
    bool events;                /* user mode runs with events on */
    unsigned int flags;         /* the iret back's FLAGS */
    bool gdt;                   /* the iret back names the GDT's selectors */
};

/* One trip as both sides saw it. */
struct record {
    bool called;
    struct cpu_regs frame;      /* the callback's: the user's registers, RCX/R11 and
                                 * RIP .. SS from the frame */
    uint64_t entry_rsp, entry_rflags, entry_rcx, entry_r11;
    uint8_t entry_mask;
    struct gprs out;            /* user mode, back from the system call */
    uint64_t rflags, cs, ss;
    uint8_t mask;
};

static const struct trip_case *trip_case;
static bool trip_general;       /* user mode sets an event pending before its syscall */
static struct gprs trip_in;
static struct record rec;
static uint64_t reply_rax, reply_rcx, reply_r11;

static void on_syscall(struct user_syscall *sc)
{
    struct cpu_regs *r = sc->regs;

    rec.called = true;
    rec.frame = *r;
    rec.entry_rsp = sc->entry_rsp;
    rec.entry_rflags = sc->entry_rflags;
    rec.entry_rcx = sc->entry_rcx;
    rec.entry_r11 = sc->entry_r11;
    rec.entry_mask = xtest_vcpu_info->evtchn_upcall_mask;
    r->rax = reply_rax;
    r->rcx = reply_rcx;
    r->r11 = reply_r11;
    if (trip_case->gdt) {
        r->cs = SEL(GDT_USER_CS);
        r->ss = SEL(GDT_USER_DS);
    }
    sc->iret_flags = trip_case->flags;
}

static long user_trip(void *unused)
{
    uint64_t rflags, cs, ss;

    (void)unused;
    /* No branch here: the flags the system call is made with are the same for both. */
    xtest_vcpu_info->evtchn_upcall_pending = trip_general;
    gprs_run(&trip_in, &rec.out, gprs_syscall);
    __asm__ volatile("pushfq\n\tpop %0\n\tmov %%cs, %1\n\tmov %%ss, %2"
                     : "=r"(rflags), "=r"(cs), "=r"(ss));
    xtest_vcpu_info->evtchn_upcall_pending = 0;
    rec.rflags = rflags;
    rec.cs = cs & 0xffff;
    rec.ss = ss & 0xffff;
    rec.mask = xtest_vcpu_info->evtchn_upcall_mask;
    return 0;
}

struct served {
    uint64_t bounces, irets, sysrets;
};

/* One trip of case C with registers from SEED; what xeno_stats counted for it. */
static struct served run_trip(const struct trip_case *c, unsigned int seed, bool general,
                              struct record *out)
{
    struct xeno_stats before, after;

    trip_case = c;
    trip_general = general;
    gprs_fill(&trip_in, seed);
    trip_in.rax = NR_ECHO;
    reply_rax = 0x5eed000000000000UL | seed;
    reply_rcx = 0xc1c1c1c100000000UL | seed;
    reply_r11 = 0x1111111100000000UL | seed;
    memset(&rec, 0, sizeof(rec));
    xtest_vcpu_info->evtchn_upcall_pending = 0;
    expect_rc("xeno_stats", hc_xeno_stats(&before), 0);
    user_call(user_trip, NULL, c->events);
    expect_rc("xeno_stats", hc_xeno_stats(&after), 0);
    *out = rec;
    return (struct served){ after.fast_bounces - before.fast_bounces,
                            after.fast_irets - before.fast_irets,
                            after.fast_iret_sysrets - before.fast_iret_sysrets };
}

static bool sysret_allowed(const struct trip_case *c)
{
    return !c->gdt && (c->flags & VGCF_in_syscall);
}

/* What the guest must see, whichever path served it. */
static void check_record(const char *what, const struct trip_case *c, const struct record *r)
{
    uint64_t ret = (uint64_t)gprs_syscall + SYSCALL_INSN_LEN;
    /* The frame's RFLAGS as the iret clamps them (pv_guest_rflags). */
    uint64_t back_rflags = (r->frame.rflags & RFLAGS_GUEST_SETTABLE) | RFLAGS_IF | RFLAGS_FIXED;
    uint8_t mask = !c->events;

    if (!r->called) {
        xtest_fail("%s: the syscall callback was not called", what);
        return;
    }
    xtest_check(r->frame.rip == ret && r->frame.rcx == ret, "%s: frame RIP %#lx RCX %#lx, "
                "expected the return address %#lx", what, r->frame.rip, r->frame.rcx, ret);
    xtest_check((r->frame.cs & 0xffff) == FLAT_USER_CS64 && ((r->frame.cs >> 32) & 0xff) == mask,
                "%s: frame CS slot %#lx, expected %#x with the mask %u in bits 32-39", what,
                r->frame.cs, FLAT_USER_CS64, mask);
    xtest_check(r->entry_rsp == ((uint64_t)user_kernel_stack_top & ~15UL) - 7 * 8,
                "%s: the callback's rsp %#lx is not the frame on the stack_switch stack",
                what, r->entry_rsp);
    xtest_check(!(r->entry_rflags & RFLAGS_DF) && (r->entry_rflags & RFLAGS_IF),
                "%s: the callback's RFLAGS %#lx", what, r->entry_rflags);
    xtest_check(r->entry_rcx == (uint64_t)user_syscall_entry && r->entry_r11 == r->entry_rflags,
                "%s: the callback started with rcx %#lx r11 %#lx, expected its RIP %p and "
                "RFLAGS %#lx", what, r->entry_rcx, r->entry_r11, user_syscall_entry,
                r->entry_rflags);
    xtest_check(r->entry_mask == 1, "%s: upcall_mask %u in the callback, expected 1 (it masks "
                "events)", what, r->entry_mask);
    xtest_check(r->out.rax == reply_rax, "%s: user rax %#lx, expected the frame's %#lx", what,
                r->out.rax, reply_rax);
    if (c->flags & VGCF_in_syscall)
        xtest_check(r->out.rcx == ret && r->out.r11 == back_rflags, "%s: user rcx %#lx r11 "
                    "%#lx after VGCF_in_syscall, expected the RIP %#lx and RFLAGS %#lx it "
                    "returned with", what, r->out.rcx, r->out.r11, ret, back_rflags);
    else
        xtest_check(r->out.rcx == reply_rcx && r->out.r11 == reply_r11, "%s: user rcx %#lx "
                    "r11 %#lx, expected the frame's %#lx %#lx", what, r->out.rcx, r->out.r11,
                    reply_rcx, reply_r11);
    gprs_expect_same(what, &trip_in, &r->out, GPRS_BIT(rax) | GPRS_BIT(rcx) | GPRS_BIT(r11));
    xtest_check(r->cs == (c->gdt ? SEL(GDT_USER_CS) : FLAT_USER_CS64) &&
                r->ss == (c->gdt ? SEL(GDT_USER_DS) : FLAT_USER_SS64),
                "%s: user mode back with CS %#lx SS %#lx", what, r->cs, r->ss);
    xtest_check(r->mask == mask, "%s: upcall_mask %u back in user mode, expected %u", what,
                r->mask, mask);
}

/* The fast and the general trip, field by field. */
static void check_same(const char *what, const struct record *f, const struct record *g)
{
    const struct { const char *name; uint64_t fast, general; } same[] = {
        { "frame RIP", f->frame.rip, g->frame.rip }, { "frame CS", f->frame.cs, g->frame.cs },
        { "frame RFLAGS", f->frame.rflags, g->frame.rflags },
        { "frame RSP", f->frame.rsp, g->frame.rsp }, { "frame SS", f->frame.ss, g->frame.ss },
        { "frame RCX", f->frame.rcx, g->frame.rcx }, { "frame R11", f->frame.r11, g->frame.r11 },
        { "callback rsp", f->entry_rsp, g->entry_rsp },
        { "callback RFLAGS", f->entry_rflags, g->entry_rflags },
        { "callback rcx", f->entry_rcx, g->entry_rcx },
        { "callback r11", f->entry_r11, g->entry_r11 },
        { "callback upcall_mask", f->entry_mask, g->entry_mask },
        { "user RFLAGS", f->rflags, g->rflags }, { "user CS", f->cs, g->cs },
        { "user SS", f->ss, g->ss }, { "user upcall_mask", f->mask, g->mask },
        { "user rsp", f->out.rsp, g->out.rsp },
    };
    const uint64_t *fr = &f->frame.r15, *gr = &g->frame.r15;
    const uint64_t *fo = &f->out.rax, *go = &g->out.rax;

    for (unsigned int i = 0; i < ARRAY_LEN(same); i++)
        xtest_check(same[i].fast == same[i].general, "%s: %s %#lx by the fast paths, %#lx by "
                    "the general path", what, same[i].name, same[i].fast, same[i].general);
    /* struct cpu_regs from r15 to rax, then the vector and error-code slots. */
    for (unsigned int i = 0; i < 15; i++)
        xtest_check(fr[i] == gr[i], "%s: the callback's register %u of the frame: %#lx by the "
                    "fast paths, %#lx by the general path", what, i, fr[i], gr[i]);
    for (unsigned int i = 0; i < GPRS_NR; i++)
        xtest_check(fo[i] == go[i], "%s: user %s %#lx by the fast paths, %#lx by the general "
                    "path", what, gprs_names[i], fo[i], go[i]);
}

static void test_case(const struct trip_case *c, unsigned int seed)
{
    struct record fast, general;
    struct served s = { 0 };
    uint64_t sysrets = sysret_allowed(c) ? 1 : 0;
    char what[128];
    unsigned int tries = 0;

    /* Into user mode, the bounce and the way back: three fast-path trips. */
    do {
        s = run_trip(c, seed, false, &fast);
    } while (!(s.bounces == 1 && s.irets == 2) && ++tries < FAST_TRIES);
    snprintf(what, sizeof(what), "%s, fast", c->name);
    xtest_check(s.bounces == 1 && s.irets == 2 && s.sysrets == sysrets, "%s: xeno_stats "
                "counted %lu fast bounces, %lu fast irets (%lu by sysretq) in %u tries, "
                "expected 1, 2 (%lu)", what, s.bounces, s.irets, s.sysrets, tries + 1,
                sysrets);
    check_record(what, c, &fast);

    s = run_trip(c, seed, true, &general);
    snprintf(what, sizeof(what), "%s, general", c->name);
    xtest_check(s.bounces == 0 && s.irets <= 1 && s.sysrets == 0, "%s: an event pending, "
                "yet xeno_stats counted %lu fast bounces and %lu fast irets (%lu by sysretq); "
                "expected none but the iret into user mode", what, s.bounces, s.irets,
                s.sysrets);
    check_record(what, c, &general);
    check_same(c->name, &fast, &general);
}

/* A GDT frame with Linux's flat user selectors, made this vCPU's GDT. */
static bool install_gdt(void)
{
    uint64_t mfn = virt_to_mfn((uint64_t)gdt_frame);

    gdt_frame[GDT_USER_DS] = DESC_DATA_DPL3;
    gdt_frame[GDT_USER_CS] = DESC_CODE64_DPL3;
    return expect_rc("update_va_mapping(the GDT frame, read-only)",
                     hc_update_va_mapping((uint64_t)gdt_frame, mfn << 12 | 0x1, UVMF_INVLPG), 0) &&
           expect_rc("set_gdt(Linux's user selectors)", hc_set_gdt(&mfn, GDT_ENTRIES), 0);
}

void test_main(void)
{
    static const struct trip_case cases[] = {
        { "events masked, VGCF_in_syscall (sysretq)", false, VGCF_in_syscall, false },
        { "events on, VGCF_in_syscall (sysretq)", true, VGCF_in_syscall, false },
        { "events masked, RCX/R11 from the frame (iretq)", false, 0, false },
        { "events on, RCX/R11 from the frame (iretq)", true, 0, false },
        { "GDT selectors, VGCF_in_syscall (iretq)", true, VGCF_in_syscall, true },
        { "GDT selectors, RCX/R11 from the frame (iretq)", false, 0, true },
    };
    struct xeno_stats st;

    if (!xtest_vcpu_info)
        xtest_abort("shared_info is not mapped");
    if (!expect_rc("xeno_stats", hc_xeno_stats(&st), 0) || !user_mode_setup() || !install_gdt())
        return;
    user_set_syscall_handler(on_syscall);
    for (unsigned int i = 0; i < ARRAY_LEN(cases); i++)
        test_case(&cases[i], 7 + i);
    user_set_syscall_handler(NULL);
}
