/* Guest user mode for pv64 test guests (usermode.h). */
#include "runtime.h"
#include "usermode.h"

#define RFLAGS_FIXED (1UL << 1)
#define RFLAGS_IF (1UL << 9)

long user_call_asm(long (*fn)(void *), void *arg, uint64_t rflags);
_Noreturn void user_return(long result);
void do_user_syscall(struct cpu_regs *regs);
extern char user_exit_insn[];
extern uint64_t user_syscall_entry_rflags, user_syscall_entry_rsp;
extern uint64_t user_syscall_entry_rcx, user_syscall_entry_r11;

static user_syscall_handler syscall_handler;
static bool in_user_call;

bool user_mode_setup(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
        .address = (uint64_t)user_syscall_entry,
    };
    struct mmuext_op op = {
        .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1 = virt_to_mfn(xtest_start_info->pt_base),
    };

    return expect_rc("callback_op(register, syscall)", hc_callback_op(CALLBACKOP_register, &cb), 0) &&
           expect_rc("stack_switch", hc_stack_switch(FLAT_KERNEL_SS,
                                                     (uint64_t)user_kernel_stack_top), 0) &&
           expect_rc("mmuext_op(NEW_USER_BASEPTR, the kernel's L4)", hc_mmuext_op(&op, 1, NULL), 0);
}

long user_call(long (*fn)(void *), void *arg, bool events)
{
    uint8_t mask = xtest_vcpu_info ? xtest_vcpu_info->evtchn_upcall_mask : 1;
    long result;

    /* Nothing may be delivered once events are on: this kernel has no event callback. */
    if (events && xtest_vcpu_info)
        xtest_vcpu_info->evtchn_upcall_pending = 0;
    in_user_call = true;
    result = user_call_asm(fn, arg, RFLAGS_FIXED | (events ? RFLAGS_IF : 0));
    in_user_call = false;
    if (xtest_vcpu_info)
        xtest_vcpu_info->evtchn_upcall_mask = mask;
    return result;
}

void usermode_trap(struct cpu_regs *regs)
{
    if (in_user_call && regs->vector == X86_EXC_UD && (regs->cs & 3) == 3 &&
        regs->rip == (uint64_t)user_exit_insn)
        user_return((long)regs->rax);
}

void user_set_syscall_handler(user_syscall_handler handler)
{
    syscall_handler = handler;
}

void do_user_syscall(struct cpu_regs *regs)
{
    struct user_syscall sc = {
        .regs = regs, .entry_rsp = user_syscall_entry_rsp,
        .entry_rflags = user_syscall_entry_rflags, .entry_rcx = user_syscall_entry_rcx,
        .entry_r11 = user_syscall_entry_r11, .iret_flags = VGCF_in_syscall,
    };

    if (syscall_handler)
        syscall_handler(&sc);
    else
        regs->rax = (uint64_t)-ENOSYS;
    regs->error_code = sc.iret_flags;   /* entry.S hands it to the iret as FLAGS */
}
