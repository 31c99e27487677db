/*
 * panic() and the report every fatal error prints: who, what, registers,
 * a symbolized backtrace, then the run ends with a panic verdict. Never a
 * silent hang or a reboot loop.
 */
#include <stdarg.h>
#include <asm/irq.h>
#include <asm/panic.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/shutdown.h>
#include <asm/smp.h>
#include <asm/symbols.h>
#include <xeno/lib.h>
#include <xeno/console.h>
#include <xeno/printk.h>
#include <xeno/vsnprintf.h>

#define MAX_FRAMES 32
#define MAX_FRAME_SPAN (64 * 1024)
#define PUSH_RBP_OPCODE 0x55

static void walk_frames(uint64_t rbp);

static volatile int panicking = -1;

void panic_begin(const char *what)
{
    int me = (int)smp_processor_id();
    int expected = -1;

    local_irq_disable();
    if (!__atomic_compare_exchange_n(&panicking, &expected, me, false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        if (expected == me) {
            /* A fault while reporting a fault: end now rather than loop. */
            machine_exit(XENO_PANIC, "nested panic");
        }
        for (;;)                        /* another CPU is reporting */
            halt();
    }
    console_force_unlock();
    printk(LOG_ALWAYS "PANIC on cpu%d: %s\n", me, what);
}

static void print_frame(uint64_t addr)
{
    struct symbol_hit hit;

    if (symbol_lookup(addr, &hit))
        printk(LOG_ALWAYS "  [<%016lx>] %s+0x%lx/0x%lx\n", addr, hit.name, hit.offset, hit.size);
    else
        printk(LOG_ALWAYS "  [<%016lx>] ?\n", addr);
}

static bool in_text(uint64_t addr)
{
    return addr >= (uint64_t)_stext && addr < (uint64_t)_etext;
}

/* GCC leaves out the frame of a leaf function that needs no stack, even with
 * -fno-omit-frame-pointer, and no function has its frame at its first
 * instruction. In both cases the caller's return address is at the top of the
 * stack and rbp still belongs to the caller. */
static bool frame_not_yet_built(uint64_t rip)
{
    struct symbol_hit hit;
    if (!symbol_lookup(rip, &hit))
        return false;
    return hit.offset == 0 || *(const uint8_t *)(rip - hit.offset) != PUSH_RBP_OPCODE;
}

void print_backtrace_regs(const struct cpu_regs *regs)
{
    printk(LOG_ALWAYS "backtrace:\n");
    print_frame(regs->rip);
    if (in_text(regs->rip) && frame_not_yet_built(regs->rip) && va_is_mapped(regs->rsp)) {
        uint64_t ret = *(const uint64_t *)regs->rsp;
        if (in_text(ret))
            print_frame(ret);
    }
    walk_frames(regs->rbp);
}

void print_backtrace(uint64_t rip, uint64_t rbp)
{
    printk(LOG_ALWAYS "backtrace:\n");
    print_frame(rip);
    walk_frames(rbp);
}

static void walk_frames(uint64_t rbp)
{
    uint64_t start = rbp;

    /* Follow saved frame pointers while they stay mapped, go up the stack, and
     * stay near where we started: a corrupt chain ends the walk, not the report. */
    for (int depth = 0; depth < MAX_FRAMES; depth++) {
        if (rbp == 0 || (rbp & 7) || rbp < start || rbp - start > MAX_FRAME_SPAN ||
            !va_is_mapped(rbp) || !va_is_mapped(rbp + 8))
            break;
        uint64_t ret = ((const uint64_t *)rbp)[1];
        uint64_t next = ((const uint64_t *)rbp)[0];
        if (ret == 0)
            break;
        print_frame(ret);
        if (next <= rbp)
            break;
        rbp = next;
    }
}

void print_registers(const struct cpu_regs *r)
{
    printk(LOG_ALWAYS "  rip=%016lx rsp=%016lx rflags=%016lx cs=%04lx ss=%04lx\n",
           r->rip, r->rsp, r->rflags, r->cs, r->ss);
    printk(LOG_ALWAYS "  rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
    printk(LOG_ALWAYS "  rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx\n", r->rsi, r->rdi, r->rbp, r->r8);
    printk(LOG_ALWAYS "  r9 =%016lx r10=%016lx r11=%016lx r12=%016lx\n", r->r9, r->r10, r->r11, r->r12);
    printk(LOG_ALWAYS "  r13=%016lx r14=%016lx r15=%016lx\n", r->r13, r->r14, r->r15);
    printk(LOG_ALWAYS "  cr0=%016lx cr2=%016lx cr3=%016lx cr4=%016lx\n",
           read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

_Noreturn void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    panic_begin(msg);
    /* Start at our caller: its return address and frame sit in our frame. */
    const uint64_t *frame = __builtin_frame_address(0);
    print_backtrace(frame[1], frame[0]);
    machine_exit(XENO_PANIC, NULL);
}
