/*
 * The native benchmark kernel: the ring-3 `syscall` round trip the PV guest's
 * hypercall and system call bounce are compared with, on the same emulated CPU,
 * booted by GRUB the same way the hypervisor is. It prints one `bench:` line per
 * measurement (common/bench.h) on COM1 and ends as the hypervisor does (the
 * runner's contract, docs/boot-contract.md): `XENO-STATUS: pass` as the last line,
 * then QEMU's isa-debug-exit port.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xeno/vsnprintf.h>

#include "bench.h"
#include "native.h"

#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_PASS 0x10    /* QEMU exits with (0x10 << 1) | 1 = 33 */
#define DEBUG_EXIT_FAIL 0x11
#define MB2_BOOTLOADER_MAGIC 0x36d76289

#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define SFMASK_BITS 0x47700UL   /* TF, IF, DF, IOPL, NT, AC: as the hypervisor's */

uint64_t native_user_run(bench_loop loop, uint64_t iterations, uint64_t nr, uint64_t arg,
                         const void *entry);
_Noreturn void native_exit_from_user(uint64_t result);
extern char native_syscall_bare[], native_syscall_kernel[], native_syscall_stub[];

/* What native_syscall_kernel saves, lowest address first. */
struct syscall_frame {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    uint64_t nr, rip, cs, rflags, rsp, ss;
};

/* Found through GS by the system call entry (entry.S's PERCPU_* offsets). */
struct percpu {
    uint64_t kernel_sp;
    uint64_t user_sp;
};
static uint8_t syscall_stack[16384] __attribute__((aligned(16)));
static struct percpu percpu;

static long sys_null(struct syscall_frame *f)
{
    (void)f;
    return 0;
}

static long sys_exit(struct syscall_frame *f)
{
    native_exit_from_user(f->rdi);
}

typedef long (*syscall_fn)(struct syscall_frame *);
const syscall_fn native_syscall_table[64] = {
    [BENCH_NR_NULL] = sys_null,
    [BENCH_NR_EXIT] = sys_exit,
};

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void serial_init(void)
{
    outb(COM1 + 1, 0x00);       /* no interrupts */
    outb(COM1 + 3, 0x80);       /* DLAB */
    outb(COM1 + 0, 0x01);       /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);       /* 8N1 */
    outb(COM1 + 2, 0xc7);       /* FIFOs on and cleared */
    outb(COM1 + 4, 0x03);       /* DTR, RTS */
}

static void serial_putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

static void serial_drain(void)
{
    while (!(inb(COM1 + 5) & 0x40))
        ;
}

static void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    for (const char *p = buf; *p; p++) {
        if (*p == '\n')
            serial_putc('\r');
        serial_putc(*p);
    }
}

static _Noreturn void finish(bool pass)
{
    printf("XENO-STATUS: %s\n", pass ? "pass" : "fail");
    serial_drain();
    outb(DEBUG_EXIT_PORT, pass ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
    for (;;)
        __asm__ volatile("cli; hlt");
}

static void report(const char *name, struct bench_result r)
{
    printf(BENCH_LINE_FMT, BENCH_LINE_ARGS(name, r));
}

static void use_handler(const char *handler)
{
    wrmsr(MSR_LSTAR, (uint64_t)handler);
}

void native_main(uint32_t magic, uint64_t info);
void native_main(uint32_t magic, uint64_t info)
{
    struct bench_result r;

    (void)info;
    serial_init();
    printf("bench-native: ring-3 syscall benchmarks on bare metal (multiboot2)\n");
    if (magic != MB2_BOOTLOADER_MAGIC) {
        printf("bench-native: not started by a multiboot2 loader (magic %#x)\n", magic);
        finish(false);
    }
    percpu.kernel_sp = (uint64_t)(syscall_stack + sizeof(syscall_stack));
    wrmsr(MSR_GS_BASE, (uint64_t)&percpu);
    wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)&percpu);
    wrmsr(MSR_STAR, ((uint64_t)SYSRET_BASE << 48) | ((uint64_t)KERNEL_CS << 32));
    wrmsr(MSR_SFMASK, SFMASK_BITS);

    use_handler(native_syscall_bare);
    r = bench_measure(native_user_run, bench_loop_syscall, bench_loop_syscall_empty,
                      BENCH_NR_NULL, 0, NULL);
    report("native_syscall_bare", r);

    use_handler(native_syscall_kernel);
    r = bench_measure(native_user_run, bench_loop_syscall, bench_loop_syscall_empty,
                      BENCH_NR_NULL, 0, NULL);
    report("native_syscall", r);
    r = bench_measure(native_user_run, bench_loop_call, bench_loop_call_empty,
                      BENCH_NR_NULL, 0, native_syscall_stub);
    report("native_syscall_stub", r);
    finish(true);
}
