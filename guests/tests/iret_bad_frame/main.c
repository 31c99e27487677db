/*
 * iret_bad_frame: HYPERVISOR_iret whose frame (RAX, R11, RCX, FLAGS, RIP, CS,
 * RFLAGS, RSP, SS) runs from a mapped page into the unmapped guard page. The first
 * five words are readable and name a plausible return, so a hypervisor that read
 * only part of the frame would resume somewhere; Xen crashes the domain instead
 * (xen/arch/x86/pv/iret.c), and so must Xeno. The test passes when the hypervisor
 * crashes it (expect_shutdown = "crash"; the suite also wants its "crashed:" line).
 */
#include "iret_frame.h"

static void iret_into_the_guard_page(void)
{
    /* RAX .. RIP in the page below the guard page, CS .. SS in it. */
    uint64_t *frame = (uint64_t *)(xtest_below_guard_page + PAGE_SIZE - 5 * sizeof(uint64_t));

    frame[0] = 0;                               /* RAX */
    frame[1] = 0;                               /* R11 */
    frame[2] = 0;                               /* RCX */
    frame[3] = 0;                               /* FLAGS */
    frame[4] = (uint64_t)iret_into_the_guard_page;  /* RIP: somewhere plausible */
    iret_hypercall_on(frame);
}

void test_main(void)
{
    struct exinfo ex = probe_read64((uint64_t)xtest_guard_page, NULL);

    expect_exception("a read of the guard page the frame runs into", &ex, X86_EXC_PF, 0);
    xtest_expect_crash("iret with a frame running into an unmapped page",
                       iret_into_the_guard_page);
}
