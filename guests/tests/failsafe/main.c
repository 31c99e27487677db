/*
 * The failsafe callback (docs/abi.md): %fs holds a selector of the guest's own
 * GDT; the guest makes that descriptor not-present (update_descriptor) and
 * blocks on a timer. When the vCPU is loaded again the hypervisor cannot reload
 * %fs, so it loads the null selector and enters the failsafe callback with the
 * selector in the frame; then the timer's upcall follows.
 */
#include "xtest.h"
#include "events.h"
#include <public/callback.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>

#define DESC_DATA_DPL3 0x00cff3000000ffffUL
#define SEL_DATA ((1 << 3) | 3)

extern void failsafe_entry(void);
extern uint64_t failsafe_fs, failsafe_cs, failsafe_count;
static uint64_t gdt_frame[512] __attribute__((aligned(PAGE_SIZE)));

static uint16_t read_fs(void)
{
    uint16_t s;
    __asm__ volatile("mov %%fs, %0" : "=r"(s));
    return s;
}

void test_main(void)
{
    uint64_t mfn = virt_to_mfn((uint64_t)gdt_frame);
    struct callback_register fs_cb = { .type = CALLBACKTYPE_failsafe,
                                       .address = (uint64_t)failsafe_entry };
    struct callback_register ev_cb = { .type = CALLBACKTYPE_event,
                                       .address = (uint64_t)upcall_entry };
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };

    gdt_frame[1] = DESC_DATA_DPL3;
    expect_rc("set_gdt with one data descriptor", hc_set_gdt(&mfn, 2), 0);
    __asm__ volatile("mov %0, %%fs" :: "r"((uint32_t)SEL_DATA));
    xtest_check(read_fs() == SEL_DATA, "%%fs is %#x after loading it", read_fs());

    upcall_vcpu_info = xtest_vcpu_info;
    expect_rc("register the failsafe callback", hc_callback_op(CALLBACKOP_register, &fs_cb), 0);
    expect_rc("register the event callback", hc_callback_op(CALLBACKOP_register, &ev_cb), 0);
    expect_rc("bind VIRQ_TIMER", hypercall6(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq,
                                            (unsigned long)&bv, 0, 0, 0, 0), 0);

    expect_rc("make the descriptor not present",
              hc_update_descriptor((mfn << 12) + 8, 0), 0);
    xtest_check(read_fs() == SEL_DATA, "%%fs changed before any reload");

    /* Sleep until a timer 2 ms ahead: the vCPU leaves the CPU and is loaded
     * again. On a busy host the timer may fire before the block, which then
     * returns at once without leaving the CPU: sleep again until a reload
     * has happened (or give up after a bounded number of tries). Each try
     * clears the timer's port first: an event on a port still pending raises
     * no upcall, and the block would wait for ever. */
    for (int tries = 0; tries < 20 && failsafe_count == 0; tries++) {
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = pvclock_now_ns() + 2000000 };
        uint64_t seen = upcall_count;

        events_clear_port(bv.port);
        expect_rc("a timer to sleep on", hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
        for (int i = 0; i < 100 && upcall_count == seen; i++)
            hc_sched_op(SCHEDOP_block, NULL);
    }
    xtest_check(failsafe_count == 1, "%lu failsafe callbacks, expected 1", failsafe_count);
    xtest_check(failsafe_fs == SEL_DATA, "the failsafe frame's FS is %#lx", failsafe_fs);
    xtest_check((failsafe_cs & 0xffff) == FLAT_KERNEL_CS64 - 3,
                "the failsafe frame's CS slot is %#lx", failsafe_cs);
    xtest_check(read_fs() == 0, "%%fs is %#x after the failsafe, expected null", read_fs());
    xtest_check(upcall_count >= 1, "the timer's upcall did not follow");
    xtest_vcpu_info->evtchn_upcall_mask = 1;
}
