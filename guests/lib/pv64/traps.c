/*
 * pv64's start of day and exceptions: the trap table, the bounce frame as
 * do_trap() (lib/do_trap.c) sees it, shared_info, the pages unmapped at setup.
 */
#include "runtime.h"
#include "pv64_asm.h"

_Static_assert(HYPERVISOR_IRET == __HYPERVISOR_iret, "pv64_asm.h");
_Static_assert(USER_CS == FLAT_USER_CS64 && USER_SS == FLAT_USER_SS64, "pv64_asm.h");

#define TRAP(v, dpl) { .vector = (v), .flags = (dpl), .cs = FLAT_KERNEL_CS, \
                       .address = (uint64_t)entry_##v }
#define STUB(v) void entry_##v(void)
STUB(0); STUB(1); STUB(2); STUB(3); STUB(4); STUB(5); STUB(6); STUB(7); STUB(8); STUB(9);
STUB(10); STUB(11); STUB(12); STUB(13); STUB(14); STUB(15); STUB(16); STUB(17); STUB(18);
STUB(19); STUB(20); STUB(21); STUB(22); STUB(23); STUB(24); STUB(25); STUB(26); STUB(27);
STUB(28); STUB(29); STUB(30); STUB(31); STUB(0x80);

/* #BP, #OF and int $0x80 may be raised with int3, into and int from any ring (DPL 3);
 * the rest only by the CPU. A zero address ends the table. */
static const struct trap_info trap_table[] = {
    TRAP(0, 0), TRAP(1, 0), TRAP(2, 0), TRAP(3, 3), TRAP(4, 3), TRAP(5, 0), TRAP(6, 0),
    TRAP(7, 0), TRAP(8, 0), TRAP(9, 0), TRAP(10, 0), TRAP(11, 0), TRAP(12, 0),
    TRAP(13, 0), TRAP(14, 0), TRAP(15, 0), TRAP(16, 0), TRAP(17, 0), TRAP(18, 0),
    TRAP(19, 0), TRAP(20, 0), TRAP(21, 0), TRAP(22, 0), TRAP(23, 0), TRAP(24, 0),
    TRAP(25, 0), TRAP(26, 0), TRAP(27, 0), TRAP(28, 0), TRAP(29, 0), TRAP(30, 0),
    TRAP(31, 0), TRAP(0x80, 3),
    { 0, 0, 0, 0 },
};

/* The CS a bounce frame carries: from guest kernel mode the flat 64-bit kernel CS
 * with its RPL cleared (the hypervisor's "interrupted in kernel mode"), from guest
 * user mode the user CS as it was (RPL 3). Bits 32-39 of the slot hold the saved
 * upcall mask. */
#define FRAME_KERNEL_CS (FLAT_KERNEL_CS64 & ~3)
#define FRAME_USER_CS FLAT_USER_CS64

struct exinfo arch_trap_frame(const struct cpu_regs *regs)
{
    /* The stub popped RCX and R11 and wrote the vector over the R11 slot (entry.S). */
    struct exinfo ex = trap_exinfo(regs, 16);

    trap_check_cs(regs, "bounce frame", FRAME_KERNEL_CS, FRAME_USER_CS);
    if (ex.vector == X86_EXC_PF && xtest_vcpu_info)
        ex.cr2 = xtest_vcpu_info->arch.cr2;
    return ex;
}

void arch_trap_enter(struct cpu_regs *regs)
{
    usermode_trap(regs);        /* returns unless user mode asked to end */
}

/* Installs the trap table; fails the test (and returns false) when refused. */
static bool install_trap_table(void)
{
    return expect_rc("set_trap_table", hc_set_trap_table(trap_table), 0);
}

static void map_shared_info(void)
{
    extern uint8_t xtest_shared_info_page[];
    uint64_t va = (uint64_t)xtest_shared_info_page;
    uint64_t pte = xtest_start_info->shared_info | 0x3;      /* present, writable */
    char what[96];

    snprintf(what, sizeof(what), "update_va_mapping(%#lx, shared_info %#lx | P|RW, INVLPG)",
             va, xtest_start_info->shared_info);
    if (expect_rc(what, hc_update_va_mapping(va, pte, UVMF_INVLPG), 0)) {
        xtest_shared_info = (struct shared_info *)va;
        xtest_vcpu_info = &xtest_shared_info->vcpu_info[0];
    }
}

static void unmap(uint64_t va, const char *why)
{
    char what[96];

    snprintf(what, sizeof(what), "update_va_mapping(%#lx, 0, INVLPG) to unmap %s", va, why);
    expect_rc(what, hc_update_va_mapping(va, 0, UVMF_INVLPG), 0);
}

unsigned long xtest_setup_pt_updates;

/* The builder maps everything from VIRT_BASE (0 here) up, as Xen's does; page 0
 * and the rest below the image are unmapped again so NULL and low addresses fault. */
static void unmap_below_image(void)
{
    for (uint64_t va = 0; va < (uint64_t)_image_start; va += PAGE_SIZE) {
        hc_update_va_mapping(va, 0, 0);
        xtest_setup_pt_updates++;
    }
    hc_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL }, 1, NULL);
}

void arch_start(void *boot_info)
{
    xtest_start_info = boot_info;
    xtest_cmdline = xtest_start_info->cmd_line;
    /* Mapped read-only by the builder, as every page table of a PV guest; the
     * bad-pointer sweeps use its end, over L4 slots a guest at VIRT_BASE 0 leaves
     * empty. */
    xtest_read_only_page = xtest_start_info->pt_base;
    xtest_read_only_page_name = "a read-only page (the L4 at pt_base)";
    unmap_below_image();
}

void arch_setup(void)
{
    if (!install_trap_table())
        xtest_finish();     /* no handlers: nothing else can be checked safely */
    map_shared_info();
    unmap(0, "page 0");
    unmap((uint64_t)xtest_guard_page, "the guard page");
}

void xtest_crash_hard(void)
{
    /* No trap table, and a stack the hypervisor cannot write a bounce frame to: the
     * ud2 is an exception it cannot deliver, so it crashes the domain. */
    hc_set_trap_table(NULL);
    __asm__ volatile("movabs $0x800000000badc0de, %%rsp\n\tud2" ::: "memory");
    for (;;)
        hc_sched_op(SCHEDOP_yield, NULL);
}
