/*
 * TLB shootdown across CPUs. vCPU 1 reads one address over and over (so its
 * CPU's TLB holds the translation) while vCPU 0 points the address at another
 * frame. Once the hypercall that changed it returns, vCPU 1 must read the new
 * frame: the hypervisor has flushed every CPU on the domain's page tables, not
 * only its own. Booted alone on two CPUs, the two vCPUs run at once (a vCPU
 * sharing a CPU would see the change through the switch's CR3 reload anyway).
 */
#include "xtest.h"
#include "pagetable.h"
#include "smp.h"
#include <public/vcpu.h>
#include <public/xen.h>

#define MARK(n) (0x5a5a000000000000UL | (n))
#define WINDOW 1                /* the scratch page vCPU 1 reads through */

static uint8_t stack1[SMP_STACK_SIZE] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static volatile uint64_t reads, phase, seen_after, answered;

/* vCPU 1: read, and once vCPU 0 announces a change, report what it reads
 * after seeing the announcement. */
static void reader(void)
{
    uint64_t acked = 0;

    for (;;) {
        uint64_t want = phase;
        uint64_t v = *(volatile uint64_t *)scratch_va(WINDOW);

        reads++;
        if (want != acked) {
            /* Read again after the announcement: the first read may predate it. */
            seen_after = *(volatile uint64_t *)scratch_va(WINDOW);
            acked = want;
            answered = want;
        }
        (void)v;
    }
}

static uint64_t marked_frame(uint64_t n)
{
    uint64_t mfn = spare_frame();

    if (!expect_rc("map a spare frame", scratch_map(SCRATCH_PAGES - 1, mfn, PTE_RW_FLAGS), 0))
        return 0;
    *(volatile uint64_t *)scratch_va(SCRATCH_PAGES - 1) = MARK(n);
    scratch_restore(SCRATCH_PAGES - 1);
    return mfn;
}

/* Announce change n and wait for vCPU 1's read after it. */
static void check_reader_sees(uint64_t n, const char *after_what)
{
    phase = n;
    if (!smp_wait_for(&answered, n)) {
        xtest_fail("vCPU 1 did not answer after %s", after_what);
        return;
    }
    xtest_check(seen_after == MARK(n), "after %s returned, vCPU 1 read %#lx, expected %#lx "
                "(a stale translation on its CPU)", after_what, seen_after, MARK(n));
}

void test_main(void)
{
    uint64_t f1 = marked_frame(1), f2 = marked_frame(2), f3 = marked_frame(3);
    uint64_t before;

    if (!f1 || !f2 || !f3)
        return;
    if (!expect_rc("map frame 1 at the window", scratch_map(WINDOW, f1, PTE_RW_FLAGS), 0))
        return;
    smp_context(&ctx, (uint64_t)reader, 0, stack1 + sizeof(stack1));
    if (!expect_rc("initialise vCPU 1", hc_vcpu_op(VCPUOP_initialise, 1, &ctx), 0) ||
        !expect_rc("up vCPU 1", hc_vcpu_op(VCPUOP_up, 1, NULL), 0))
        return;
    phase = 1;
    if (!smp_wait_for(&answered, 1) || seen_after != MARK(1)) {
        xtest_fail("vCPU 1 does not read frame 1 through the window (%#lx)", seen_after);
        return;
    }
    /* Let it run a while: its CPU's TLB now holds the window. */
    before = reads;
    for (int i = 0; i < 100 && reads < before + 100000; i++)
        hc_sched_op(SCHEDOP_yield, NULL);
    printf("vCPU 1 read the window %lu times\n", reads - before);

    /* One hypercall remaps it with an INVLPG for all vCPUs. */
    expect_rc("update_va_mapping to frame 2, INVLPG on all vCPUs",
              hc_update_va_mapping(scratch_va(WINDOW), pte(f2, PTE_RW_FLAGS),
                                   UVMF_INVLPG | UVMF_ALL), 0);
    check_reader_sees(2, "update_va_mapping with UVMF_INVLPG|UVMF_ALL");

    /* A remap without a flush, then the flush as its own call. */
    expect_rc("update_va_mapping to frame 3, no flush",
              hc_update_va_mapping(scratch_va(WINDOW), pte(f3, PTE_RW_FLAGS), UVMF_NONE), 0);
    {
        struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_ALL };
        expect_rc("mmuext TLB_FLUSH_ALL", hc_mmuext_op(&op, 1, NULL), 0);
    }
    check_reader_sees(3, "mmuext TLB_FLUSH_ALL");
    expect_rc("down vCPU 1", hc_vcpu_op(VCPUOP_down, 1, NULL), 0);
    scratch_restore(WINDOW);
}
