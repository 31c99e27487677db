/*
 * vcpu_op (public/vcpu.h) as a PV Linux uses it at boot: is_up, the runstate area,
 * and register_vcpu_info, which moves vCPU 0's vcpu_info out of shared_info into a
 * page of the guest's choosing. That must be a page the guest may write: one of
 * its page tables, a page it does not own, or a place that crosses a page end is
 * refused (Xen: -EACCES, -EINVAL or -ENXIO by version) and changes nothing.
 */
#include "xtest.h"

static uint8_t vcpu_info_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct vcpu_runstate_info runstate;

static void test_is_up(void)
{
    expect_rc("vcpu_op(is_up, vcpu 0)", hc_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    expect_rc("vcpu_op(is_up, vcpu 1) with 1 vCPU", hc_vcpu_op(VCPUOP_is_up, 1, NULL),
              -ENOENT);
    expect_rc("vcpu_op(is_up, vcpu 1000)", hc_vcpu_op(VCPUOP_is_up, 1000, NULL), -ENOENT);
    expect_rc("vcpu_op(99), an unknown sub-op", hc_vcpu_op(99, 0, NULL), -ENOSYS);
}

static void test_runstate(void)
{
    struct vcpu_register_runstate_memory_area area = { .addr = (uint64_t)&runstate };

    runstate.state = -1;
    if (!expect_rc("vcpu_op(register_runstate_memory_area)",
                   hc_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), 0))
        return;
    printf("runstate: state %d, entry time %lu, time[running] %lu\n", runstate.state,
           runstate.state_entry_time, runstate.time[RUNSTATE_running]);
    xtest_check(runstate.state == RUNSTATE_running,
                "the runstate area says state %d, expected running (0) for the caller",
                runstate.state);
    area.addr = 0;
    expect_rc("vcpu_op(register_runstate_memory_area, 0) to stop it",
              hc_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), 0);
}

/* A register_vcpu_info that must be refused; the page it names stays as it was. */
static void expect_refused(const char *what, uint64_t mfn, uint32_t offset, const void *page)
{
    static uint8_t before[PAGE_SIZE];
    struct vcpu_register_vcpu_info r = { .mfn = mfn, .offset = offset };
    long rc;
    char g[32];

    if (page)
        memcpy(before, page, PAGE_SIZE);
    rc = hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &r);
    if (rc >= 0)
        xtest_fail("register_vcpu_info %s (mfn %#lx offset %#x) returned %s, expected an "
                   "error", what, mfn, offset, rc_str(rc, g, sizeof(g)));
    if (page && memcmp(before, page, PAGE_SIZE) != 0)
        xtest_fail("register_vcpu_info %s wrote into that page", what);
}

static void test_register_vcpu_info(void)
{
    const void *l4 = (const void *)xtest_start_info->pt_base;
    struct vcpu_register_vcpu_info r = { .mfn = virt_to_mfn((uint64_t)vcpu_info_page), .offset = 64 };
    struct vcpu_info *moved = (struct vcpu_info *)(vcpu_info_page + 64);
    uint64_t guard = (uint64_t)xtest_guard_page + 0x40;
    struct exinfo ex;

    if (!xtest_vcpu_info)
        return;     /* shared_info is not mapped: the runtime already failed the test */
    /* Over the L4's unused top slots, should it be accepted. */
    expect_refused("into the guest's own L4 page table", virt_to_mfn((uint64_t)l4), PAGE_SIZE - 64, l4);
    expect_refused("crossing the end of its page", r.mfn, PAGE_SIZE - 32, vcpu_info_page);
    expect_refused("at a misaligned offset", r.mfn, 4, vcpu_info_page);
    expect_refused("into machine frame 0 (not the guest's)", 0, 0, NULL);
    expect_refused("into machine frame ~0", ~0UL, 0, NULL);
    /* (Not compared: the hypervisor keeps writing the time there.) */
    expect_refused("into shared_info's frame", xtest_start_info->shared_info / PAGE_SIZE, 0xc00,
                   NULL);

    if (!expect_rc("vcpu_op(register_vcpu_info) into a page of the image",
                   hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &r), 0))
        return;
    printf("vcpu_info moved to %p: upcall_pending %u, upcall_mask %u, pending_sel %#lx\n",
           moved, moved->evtchn_upcall_pending, moved->evtchn_upcall_mask,
           moved->evtchn_pending_sel);
    xtest_check(moved->evtchn_upcall_mask == 1,
                "the moved vcpu_info has upcall_mask %u, expected the old 1",
                moved->evtchn_upcall_mask);
    /* So that no event is lost in the move, every selector bit is set. */
    xtest_check(moved->evtchn_upcall_pending == 1 && moved->evtchn_pending_sel == ~0UL,
                "the moved vcpu_info has upcall_pending %u and pending_sel %#lx, expected 1 "
                "and ~0", moved->evtchn_upcall_pending, moved->evtchn_pending_sel);

    /* From now on the hypervisor writes CR2 there. */
    xtest_vcpu_info = moved;
    ex = probe_read64(guard, NULL);
    expect_exception("a read of an unmapped page after the move", &ex, X86_EXC_PF, 0);
    xtest_check(ex.cr2 == guard, "after the move, vcpu_info.arch.cr2 is %#lx, expected %#lx",
                ex.cr2, guard);
}

void test_main(void)
{
    test_is_up();
    test_runstate();
    test_register_vcpu_info();
}
