/*
 * vcpu_up: a domain with two vCPUs. vCPU 1 starts down; VCPUOP_up before it has
 * a context is -EINVAL, VCPUOP_initialise of vCPU 0 (built already) -EEXIST.
 * Contexts with a bad part are each refused with -EINVAL (non-canonical or
 * hypervisor RIP, handlers and bases; CR3 frames that are not the domain's
 * L4s; CS, SS and data selectors the iretq would refuse; an LDT; GDT frames not
 * the domain's or holding a system descriptor; debug registers; MXCSR) and bad
 * pointers with -EFAULT, leaving vCPU 1 down and uninitialised. Then a good
 * context with its own GDT: vCPU 1 runs at the RIP given, on its own stack,
 * with the registers, selectors (RPL 0 made 3), GS base and int3 handler of the
 * context and IOPL 0 in hardware; a second initialise is -EEXIST. VCPUOP_down
 * from vCPU 0 stops it (it makes no progress) and up resumes it; a vCPU that
 * downs itself resumes after its call when brought up again.
 */
#include "xtest.h"
#include "smp.h"

#define SEL_CODE 0x10                   /* Linux's __KERNEL_CS */
#define SEL_DATA 0x18                   /* Linux's __KERNEL_DS */
#define DESC_CODE64 0x00af9a000000ffffUL  /* present, DPL 0, code, 64-bit */
#define DESC_DATA 0x00cf92000000ffffUL    /* present, DPL 0, writable data */
#define DESC_TSS 0x0000890000000067UL     /* a system descriptor: refused */
#define GS_BASE_GIVEN 0x0000123456789000UL
#define MSR_GS_BASE 0xc0000101
#define RFLAGS_IF (1UL << 9)
#define RFLAGS_IOPL (3UL << 12)

static uint8_t stack1[SMP_STACK_SIZE] __attribute__((aligned(16)));
static uint64_t gdt[512] __attribute__((aligned(PAGE_SIZE)));
static uint64_t bad_gdt[512] __attribute__((aligned(PAGE_SIZE)));
static struct vcpu_guest_context ctx;

/* What vCPU 1 saw (it records; vCPU 0 checks). */
static volatile struct {
    uint64_t rdi, rsi, cs, ss, rsp, rflags, gs_base;
    long is_up_self;
} seen;
static volatile uint64_t started, spins, want_down, downs, resumed, int3_handled;

void smp_on_upcall(unsigned int vcpu)
{
    if (vcpu == 1)
        int3_handled++;         /* vCPU 1's int3 handler (trap_ctxt[3]) */
}

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static _Noreturn void secondary(uint64_t rdi, uint64_t rsi)
{
    uint64_t cs, ss, rflags;

    __asm__ volatile("mov %%cs, %0; mov %%ss, %1; pushf; pop %2"
                     : "=r"(cs), "=r"(ss), "=r"(rflags));
    seen.rdi = rdi;
    seen.rsi = rsi;
    seen.cs = cs;
    seen.ss = ss;
    seen.rsp = (uint64_t)&cs;
    seen.rflags = rflags;
    seen.gs_base = rdmsr(MSR_GS_BASE);
    seen.is_up_self = hc_vcpu_op(VCPUOP_is_up, 1, NULL);
    __asm__ volatile("int3");
    started = 1;
    for (;;) {
        spins++;
        if (want_down) {
            want_down = 0;
            downs++;
            hc_vcpu_op(VCPUOP_down, 1, NULL);
            resumed++;
        }
        hc_sched_op(SCHEDOP_yield, NULL);
    }
}

static void base_context(struct vcpu_guest_context *c)
{
    smp_context(c, (uint64_t)secondary, 0x1111, stack1 + sizeof(stack1));
}

/* Bad context number i (in c, a good one), or NULL past the last. */
static const char *make_bad(unsigned int i, struct vcpu_guest_context *c)
{
    uint64_t data_mfn = virt_to_mfn((uint64_t)stack1);

    switch (i) {
    case 0: c->user_regs.rip = 0x0000800000000000UL; return "a non-canonical RIP";
    case 1: c->user_regs.rip = 0xffff830000000000UL; return "a RIP in the hypervisor";
    case 2: c->flags = 0; return "no VGCF_in_kernel";
    case 3: c->ctrlreg[3] = 0; return "CR3 0";
    case 4: c->ctrlreg[3] = xen_pfn_to_cr3(data_mfn); return "CR3 a writable data frame";
    case 5: c->ctrlreg[3] = xen_pfn_to_cr3(0x200); return "CR3 the hypervisor's frame 0x200";
    case 6: c->ctrlreg[3] = xen_pfn_to_cr3(0xfffffffffUL); return "CR3 beyond memory";
    case 7: c->ctrlreg[3] |= 0x8; return "CR3 with low bits set";
    case 8: c->ctrlreg[1] = xen_pfn_to_cr3(data_mfn); return "a user CR3 that is a data frame";
    case 9: c->user_regs.cs = 0; return "a null CS";
    case 10: c->user_regs.cs = FLAT_RING3_DS32; return "CS a data segment";
    case 11: c->user_regs.cs = FLAT_RING3_CS32; return "CS 32-bit code";
    case 12: c->user_regs.cs = 0xe008; return "CS the hypervisor's";
    case 13: c->user_regs.cs = 0x13; return "CS beyond the (empty) GDT";
    case 14: c->user_regs.cs = 0x17; return "CS in an LDT";
    case 15: c->user_regs.ss = 0; return "a null SS";
    case 16: c->user_regs.ss = FLAT_KERNEL_CS64; return "SS a code segment";
    case 17: c->kernel_ss = 0; return "a null kernel_ss";
    case 18: c->kernel_ss = 0x1e02b; return "kernel_ss above 16 bits";
    case 19: c->user_regs.ds = 0xe010; return "DS the hypervisor's";
    case 20: c->user_regs.fs = 0x4b; return "FS beyond the GDT";
    case 21: c->trap_ctxt[14].address = 0x8000000000000000UL; return "a non-canonical #PF handler";
    case 22: c->event_callback_eip = 0xffff830000001000UL; return "an event callback in the hypervisor";
    case 23: c->syscall_callback_eip = 0x0000800000000000UL; return "a non-canonical syscall callback";
    case 24: c->failsafe_callback_eip = 0xffff800000000000UL; return "a failsafe callback in the M2P";
    case 25: c->ldt_ents = 1; c->ldt_base = (uint64_t)bad_gdt; return "an LDT";
    case 26: c->gdt_frames[0] = 0; c->gdt_ents = 4; return "a GDT frame not the domain's";
    case 27: c->gdt_frames[0] = virt_to_mfn((uint64_t)gdt); c->gdt_ents = 7169; return "7169 GDT entries";
    case 28: c->gdt_frames[0] = virt_to_mfn((uint64_t)bad_gdt); c->gdt_ents = 2; return "a GDT with a TSS";
    case 29: c->debugreg[7] = 1UL << 13; return "DR7 with GD";
    case 30: c->debugreg[0] = 0xffff830000000000UL; return "DR0 in the hypervisor";
    case 31: c->fs_base = 0x8000000000000000UL; return "a non-canonical FS base";
    case 32: c->gs_base_kernel = 0x0000800000000000UL; return "a non-canonical kernel GS base";
    case 33: c->kernel_sp = 0x8000000000000000UL; return "a non-canonical kernel_sp";
    case 34: c->flags |= VGCF_i387_valid; c->fpu_ctxt[24 + 3] = 0xff; return "MXCSR reserved bits";
    default: return NULL;
    }
}

static bool vcpu1_offline(void *ctx)
{
    struct vcpu_runstate_info r;

    (void)ctx;
    return hc_vcpu_op(VCPUOP_get_runstate_info, 1, &r) == 0 && r.state == RUNSTATE_offline;
}

static bool vcpu1_down(void *ctx)
{
    (void)ctx;
    return hc_vcpu_op(VCPUOP_is_up, 1, NULL) == 0;
}

static void test_refused_contexts(void)
{
    const char *what;

    for (unsigned int i = 0; (base_context(&ctx), what = make_bad(i, &ctx)) != NULL; i++) {
        char name[96];
        snprintf(name, sizeof(name), "initialise vCPU 1 with %s", what);
        expect_rc(name, hc_vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL);
    }
    expect_rc("vcpu_op(up, 1) after refused contexts", hc_vcpu_op(VCPUOP_up, 1, NULL), -EINVAL);
    expect_rc("is_up(1) after refused contexts", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
}

static long initialise_at(uint64_t ptr, void *unused)
{
    (void)unused;
    return hc_vcpu_op(VCPUOP_initialise, 1, (void *)ptr);
}

static void test_bring_up(void)
{
    base_context(&ctx);
    ctx.gdt_frames[0] = virt_to_mfn((uint64_t)gdt);
    ctx.gdt_ents = 4;
    ctx.user_regs.cs = SEL_CODE;        /* RPL 0, as Linux passes them */
    ctx.user_regs.ss = SEL_DATA;
    ctx.kernel_ss = SEL_DATA;
    ctx.user_regs.rsi = 0x2222;
    ctx.user_regs.rflags = 0x1202;      /* IOPL 1 asked, as Linux does */
    ctx.gs_base_kernel = GS_BASE_GIVEN;
    ctx.trap_ctxt[3] = (struct trap_info){ .vector = 3, .flags = 3,
                                           .address = (uint64_t)smp_upcall_vcpu1 };
    if (!expect_rc("initialise vCPU 1 with a good context", hc_vcpu_op(VCPUOP_initialise, 1, &ctx), 0))
        return;
    expect_rc("is_up(1) after initialise (it stays down)", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    expect_rc("initialise vCPU 1 again", hc_vcpu_op(VCPUOP_initialise, 1, &ctx), -EEXIST);
    xtest_check(started == 0, "vCPU 1 ran before VCPUOP_up");
    if (!expect_rc("vcpu_op(up, 1)", hc_vcpu_op(VCPUOP_up, 1, NULL), 0))
        return;
    expect_rc("is_up(1) after up", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 1);
    if (!smp_wait_for(&started, 1)) {
        xtest_fail("vCPU 1 did not start within 2 s of VCPUOP_up");
        return;
    }
    printf("vCPU 1: rdi %#lx rsi %#lx cs %#lx ss %#lx rsp %#lx rflags %#lx gs_base %#lx\n",
           seen.rdi, seen.rsi, seen.cs, seen.ss, seen.rsp, seen.rflags, seen.gs_base);
    xtest_check(seen.rdi == 0x1111 && seen.rsi == 0x2222, "vCPU 1 got rdi %#lx rsi %#lx",
                seen.rdi, seen.rsi);
    xtest_check(seen.cs == (SEL_CODE | 3) && seen.ss == (SEL_DATA | 3),
                "vCPU 1 runs with cs %#lx ss %#lx, expected %#x %#x", seen.cs, seen.ss,
                SEL_CODE | 3, SEL_DATA | 3);
    xtest_check(seen.rsp > (uint64_t)stack1 && seen.rsp < (uint64_t)stack1 + sizeof(stack1),
                "vCPU 1's rsp %#lx is not on its own stack", seen.rsp);
    xtest_check((seen.rflags & RFLAGS_IF) && !(seen.rflags & RFLAGS_IOPL),
                "vCPU 1's hardware rflags %#lx (want IF on, IOPL 0)", seen.rflags);
    xtest_check(seen.gs_base == GS_BASE_GIVEN, "vCPU 1's GS base %#lx", seen.gs_base);
    xtest_check(seen.is_up_self == 1, "is_up(1) on vCPU 1 gave %ld", seen.is_up_self);
    xtest_check(int3_handled == 1, "vCPU 1's int3 handler from trap_ctxt ran %lu times",
                int3_handled);
    expect_rc("is_up(0) with two up", hc_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    expect_rc("vcpu_op(up, 1) when up already", hc_vcpu_op(VCPUOP_up, 1, NULL), 0);
}

static void test_down_and_up(void)
{
    uint64_t before;

    if (!started)
        return;
    expect_rc("vcpu_op(down, 1) from vCPU 0", hc_vcpu_op(VCPUOP_down, 1, NULL), 0);
    expect_rc("is_up(1) after down", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    /* On another CPU it stops at that CPU's next decision (the down asks for
     * one, as Xen's does not wait either): wait until it is off its CPU. */
    xtest_check(smp_wait_until(vcpu1_offline, NULL), "vCPU 1 never left its CPU after down");
    before = spins;
    for (int i = 0; i < 50; i++)
        hc_sched_op(SCHEDOP_yield, NULL);
    xtest_check(spins == before, "vCPU 1 ran %lu loops while down", spins - before);
    expect_rc("vcpu_op(up, 1) again", hc_vcpu_op(VCPUOP_up, 1, NULL), 0);
    if (!smp_wait_for(&spins, before + 3))
        xtest_fail("vCPU 1 did not run again after up");

    /* vCPU 1 downs itself, as Linux's play_dead; it resumes after that call. */
    want_down = 1;
    smp_wait_until(vcpu1_down, NULL);
    expect_rc("is_up(1) after vCPU 1 downed itself", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    xtest_check(downs == 1 && resumed == 0, "after its down: downs %lu resumed %lu", downs, resumed);
    expect_rc("vcpu_op(up, 1) after its own down", hc_vcpu_op(VCPUOP_up, 1, NULL), 0);
    if (!smp_wait_for(&resumed, 1))
        xtest_fail("vCPU 1 did not resume after its VCPUOP_down returned");
}

void test_main(void)
{
    gdt[SEL_CODE / 8] = DESC_CODE64;
    gdt[SEL_DATA / 8] = DESC_DATA;
    bad_gdt[1] = DESC_TSS;

    expect_rc("is_up(0)", hc_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    expect_rc("is_up(1) at start", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    expect_rc("is_up(2) with two vCPUs", hc_vcpu_op(VCPUOP_is_up, 2, NULL), -ENOENT);
    expect_rc("vcpu_op(up, 1) before initialise", hc_vcpu_op(VCPUOP_up, 1, NULL), -EINVAL);
    base_context(&ctx);
    expect_rc("initialise vCPU 0 (built already)", hc_vcpu_op(VCPUOP_initialise, 0, &ctx), -EEXIST);
    expect_rc("initialise vCPU 2 (none)", hc_vcpu_op(VCPUOP_initialise, 2, &ctx), -ENOENT);
    test_refused_contexts();
    expect_efault_for_bad_pointers("vcpu_op(initialise, 1)", initialise_at, NULL, sizeof(ctx), 0);
    expect_rc("is_up(1) after bad pointers", hc_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
    test_bring_up();
    test_down_and_up();
}
