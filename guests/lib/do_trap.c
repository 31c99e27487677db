/*
 * do_trap(), which every environment's exception entry stubs call with a struct
 * cpu_regs (traps.h): an exception at a fixup-table RIP or inside probe() is
 * recorded and recovered from; any other fails the test with the vector, RIP,
 * error code and registers. What differs by environment (the frame's layout,
 * where CR2 comes from, guest user mode) is behind arch_trap_enter() and
 * arch_trap_frame() (runtime.h).
 */
#include "runtime.h"

extern uint64_t xtest_probe_rsp;

#define RFLAGS_TF (1UL << 8)

static _Noreturn void unexpected(const struct cpu_regs *regs, const struct exinfo *ex)
{
    char name[32];

    printf("unexpected exception: vector %lu, rip %#lx, cs %#lx, rflags %#lx, rsp %#lx, "
           "ss %#lx, error %#lx\n", regs->vector, regs->rip, regs->cs, regs->rflags,
           regs->rsp, regs->ss, regs->error_code);
    printf("  rax %#lx rbx %#lx rcx %#lx rdx %#lx rsi %#lx rdi %#lx rbp %#lx\n", regs->rax,
           regs->rbx, regs->rcx, regs->rdx, regs->rsi, regs->rdi, regs->rbp);
    printf("  r8 %#lx r9 %#lx r10 %#lx r11 %#lx r12 %#lx r13 %#lx r14 %#lx r15 %#lx\n",
           regs->r8, regs->r9, regs->r10, regs->r11, regs->r12, regs->r13, regs->r14,
           regs->r15);
    if (ex->vector == X86_EXC_PF)
        xtest_abort("unexpected %s at rip %#lx, cr2 %#lx", exinfo_str(ex, name, sizeof(name)),
                    regs->rip, ex->cr2);
    xtest_abort("unexpected %s at rip %#lx", exinfo_str(ex, name, sizeof(name)), regs->rip);
}

struct exinfo trap_exinfo(const struct cpu_regs *regs, unsigned int frame_below_rip)
{
    bool has_error = vector_has_error_code((int)regs->vector);

    return (struct exinfo){
        .vector = (int)regs->vector,
        .error_code = has_error ? (uint32_t)regs->error_code : EXINFO_NO_ERROR,
        .rip = regs->rip, .cs = regs->cs, .rflags = regs->rflags, .rsp = regs->rsp,
        .ss = regs->ss,
        .frame = (uint64_t)&regs->rip - frame_below_rip - (has_error ? 8 : 0),
    };
}

void trap_check_cs(const struct cpu_regs *regs, const char *frame, uint16_t kernel_cs,
                   uint16_t user_cs)
{
    /* A wrong frame layout (an error code where none belongs, or none where one
     * does) shows up as a CS slot that holds something else. */
    if ((regs->cs & 0xffff) != kernel_cs && (regs->cs & 0xffff) != user_cs)
        xtest_abort("malformed %s for vector %lu: CS slot %#lx, expected %#x or %#x "
                    "(words: %#lx %#lx %#lx %#lx %#lx)", frame, regs->vector, regs->cs,
                    kernel_cs, user_cs, regs->error_code, regs->rip, regs->cs, regs->rflags,
                    regs->rsp);
}

void do_trap(struct cpu_regs *regs);
void do_trap(struct cpu_regs *regs)
{
    static unsigned int depth;
    const struct extable_entry *fix;
    struct exinfo ex;

    arch_trap_enter(regs);
    if (++depth > 1) {
        /* An exception while handling one: say so as simply as possible and stop. */
        static const char msg[] = "nested exception in the exception handler\n";
        console_write(msg, sizeof(msg) - 1);
        xtest_crash_hard();
    }
    ex = arch_trap_frame(regs);
    if (ex.vector == X86_EXC_DB)
        regs->rflags &= ~RFLAGS_TF;     /* a single step ends where it is recovered from */
    fix = extable_find(regs->rip);
    if (fix) {
        xtest_last_exinfo = ex;
        regs->rip = fix->resume_rip;
    } else if (xtest_probe_rsp) {
        xtest_last_exinfo = ex;
        regs->rip = (uint64_t)probe_resume;
        regs->rsp = xtest_probe_rsp;
        xtest_probe_rsp = 0;
    } else {
        unexpected(regs, &ex);
    }
    depth--;
}
