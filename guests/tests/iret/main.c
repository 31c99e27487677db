/*
 * iret: HYPERVISOR_iret from guest kernel mode back to guest kernel mode, with frames
 * a kernel could push (lowest address first: RAX, R11, RCX, FLAGS, RIP, CS, RFLAGS,
 * RSP, SS). Xen's rules (xen/arch/x86/pv/iret.c), checked at the code the frame
 * returns to (land.S):
 *
 *   - a CS with RPL 0, 1 or 2 stays in kernel mode (RPL 3 would mean user mode), and
 *     CS and SS come back with RPL 3: a 64-bit PV kernel runs at CPL3;
 *   - RFLAGS as asked but clamped: IOPL and VM cleared, IF always on in hardware, the
 *     arithmetic flags, DF, NT and ID as asked;
 *   - the event mask becomes !IF of the frame's RFLAGS;
 *   - RIP and RSP from the frame, RAX as the call's "result", R11 and RCX from the
 *     frame unless FLAGS has VGCF_in_syscall, every other register untouched.
 */
#include "xtest.h"
#include "gprs.h"

#define RFLAGS_CF (1UL << 0)
#define RFLAGS_FIXED (1UL << 1)
#define RFLAGS_PF (1UL << 2)
#define RFLAGS_AF (1UL << 4)
#define RFLAGS_ZF (1UL << 6)
#define RFLAGS_SF (1UL << 7)
#define RFLAGS_IF (1UL << 9)
#define RFLAGS_DF (1UL << 10)
#define RFLAGS_OF (1UL << 11)
#define RFLAGS_IOPL (3UL << 12)
#define RFLAGS_NT (1UL << 14)
#define RFLAGS_VM (1UL << 17)
#define RFLAGS_ID (1UL << 21)
/* Asked for and kept. */
#define RFLAGS_KEPT (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_DF | \
                     RFLAGS_OF | RFLAGS_NT | RFLAGS_ID)

/* What iret_landing found (land.S stores at these offsets). */
struct landing {
    struct gprs regs;       /* rax .. r15; rsp and rsp_delta unused */
    uint64_t rsp, rflags, cs, ss;
};
_Static_assert(__builtin_offsetof(struct landing, rsp) == 136 &&
               __builtin_offsetof(struct landing, rflags) == 144 &&
               __builtin_offsetof(struct landing, cs) == 152 &&
               __builtin_offsetof(struct landing, ss) == 160, "land.S offsets");

struct landing iret_landed;
void iret_to_landing(const struct iret_context *frame, const struct gprs *in);
extern char iret_landing[];

static uint8_t landing_stack[4096] __attribute__((aligned(16)));

struct iret_case {
    const char *name;
    uint16_t cs, ss;
    uint64_t rflags;
    unsigned int flags;
};

static void check_landing(const char *what, const struct iret_case *c,
                          const struct iret_context *frame, const struct gprs *in)
{
    const struct landing *l = &iret_landed;
    uint64_t want_rflags = (c->rflags & RFLAGS_KEPT) | RFLAGS_IF | RFLAGS_FIXED;
    uint8_t mask = xtest_vcpu_info->evtchn_upcall_mask;

    xtest_check(l->cs == FLAT_KERNEL_CS64 && l->ss == FLAT_KERNEL_SS64, "%s: landed with CS "
                "%#lx SS %#lx, expected %#x %#x (RPL 3)", what, l->cs, l->ss,
                FLAT_KERNEL_CS64, FLAT_KERNEL_SS64);
    xtest_check(l->rsp == frame->rsp, "%s: landed with rsp %#lx, expected the frame's %#lx",
                what, l->rsp, frame->rsp);
    xtest_check(l->rflags == want_rflags, "%s: landed with RFLAGS %#lx for a frame with "
                "%#lx, expected %#lx (IOPL and VM cleared, IF on)", what, l->rflags,
                c->rflags, want_rflags);
    xtest_check(mask == !(c->rflags & RFLAGS_IF), "%s: upcall_mask %u after the iret, "
                "expected %u (!IF of the frame)", what, mask, !(c->rflags & RFLAGS_IF));
    xtest_check(l->regs.rax == frame->rax, "%s: rax %#lx, expected the frame's %#lx", what,
                l->regs.rax, frame->rax);
    if (c->flags & VGCF_in_syscall)
        xtest_check(l->regs.rcx != frame->rcx && l->regs.r11 != frame->r11, "%s: rcx %#lx "
                    "r11 %#lx came from the frame despite VGCF_in_syscall", what,
                    l->regs.rcx, l->regs.r11);
    else
        xtest_check(l->regs.rcx == frame->rcx && l->regs.r11 == frame->r11, "%s: rcx %#lx "
                    "r11 %#lx, expected the frame's %#lx %#lx", what, l->regs.rcx,
                    l->regs.r11, frame->rcx, frame->r11);
    gprs_expect_same(what, in, &l->regs, GPRS_BIT(rax) | GPRS_BIT(rcx) | GPRS_BIT(r11));
}

static void run_case(const struct iret_case *c, unsigned int seed)
{
    static struct iret_context frame __attribute__((aligned(16)));
    uint8_t mask = xtest_vcpu_info->evtchn_upcall_mask;
    struct gprs in;
    char what[128];

    snprintf(what, sizeof(what), "iret to kernel mode (%s)", c->name);
    gprs_fill(&in, seed);
    frame = (struct iret_context){
        .rax = 0xa0a0a0a000000000UL | seed, .r11 = 0xb1b1b1b100000000UL | seed,
        .rcx = 0xc1c1c1c100000000UL | seed, .flags = c->flags,
        .rip = (uint64_t)iret_landing, .cs = c->cs, .rflags = c->rflags,
        .rsp = (uint64_t)landing_stack + sizeof(landing_stack), .ss = c->ss,
    };
    memset(&iret_landed, 0, sizeof(iret_landed));
    /* Nothing may be delivered if events come on: there is no event callback. */
    xtest_vcpu_info->evtchn_upcall_pending = 0;
    iret_to_landing(&frame, &in);
    check_landing(what, c, &frame, &in);
    xtest_vcpu_info->evtchn_upcall_mask = mask;
}

void test_main(void)
{
    static const struct iret_case cases[] = {
        { "CS and SS with RPL 0, IF and the arithmetic flags set",
          FLAT_KERNEL_CS64 & ~3, FLAT_KERNEL_SS64 & ~3,
          RFLAGS_FIXED | RFLAGS_IF | RFLAGS_CF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF, 0 },
        { "RPL 1, IF clear, IOPL 3 asked, DF and PF set, VGCF_in_syscall",
          (FLAT_KERNEL_CS64 & ~3) | 1, (FLAT_KERNEL_SS64 & ~3) | 1,
          RFLAGS_FIXED | RFLAGS_IOPL | RFLAGS_DF | RFLAGS_PF, VGCF_in_syscall },
        { "RPL 2, VM, NT, ID and AF asked, IF set",
          (FLAT_KERNEL_CS64 & ~3) | 2, FLAT_KERNEL_SS64,
          RFLAGS_FIXED | RFLAGS_IF | RFLAGS_VM | RFLAGS_NT | RFLAGS_ID | RFLAGS_AF, 0 },
        { "every flag clear, even the fixed one", FLAT_KERNEL_CS64 & ~3, FLAT_KERNEL_SS64,
          0, VGCF_in_syscall },
    };

    if (!xtest_vcpu_info)
        xtest_abort("shared_info is not mapped");
    for (unsigned int i = 0; i < ARRAY_LEN(cases); i++)
        run_case(&cases[i], 11 + i);
}
