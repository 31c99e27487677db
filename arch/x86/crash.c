/*
 * crash=pf|gp|ud|de|wx|stack: a deliberate fault after bring-up, so the tests can
 * prove that the panic path reports and ends the run. Each fault lives in its
 * own named function so the backtrace has something to name.
 */
#include <stdint.h>
#include <asm/crash.h>
#include <xeno/cmdline.h>
#include <xeno/printk.h>
#include <xeno/string.h>

static char crash_kind[16];
CMDLINE_PARAM_STR("crash", crash_kind);

static __attribute__((noinline)) void crash_page_fault(void)
{
    /* Low memory is unmapped once the final page tables are live. (In asm:
     * C may not dereference a constant address.) */
    __asm__ volatile("movq $1, 0x10" ::: "memory");
}

static __attribute__((noinline)) void crash_general_protection(void)
{
    /* A non-canonical address faults with #GP, not #PF. */
    __asm__ volatile("movq $1, (%0)" :: "r"(0x8000000000000000UL) : "memory");
}

static __attribute__((noinline)) void crash_write_text(void)
{
    /* Text is mapped read-execute (W^X): writing to our own code must fault. */
    __asm__ volatile("movb $0xcc, (%0)" :: "r"(crash_page_fault) : "memory");
}

static __attribute__((noinline)) void crash_invalid_opcode(void)
{
    __asm__ volatile("ud2");
}

static __attribute__((noinline)) void crash_divide_error(void)
{
    /* In C the compiler may fold 1/x into x == 1 (division by zero is
     * undefined), so the division is spelled out. */
    uint32_t eax = 1, edx = 0, zero = 0;
    __asm__ volatile("divl %2" : "+a"(eax), "+d"(edx) : "r"(zero));
}

static __attribute__((noinline)) unsigned long crash_stack_overflow(unsigned long depth)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    if (depth == ~0UL)          /* never true; keeps the compiler from calling this endless */
        return 0;
    /* The addition after the call keeps this from becoming a loop. */
    return crash_stack_overflow(depth + 1) + frame[0];
}

static const struct {
    const char *name;
    void (*fn)(void);
} crashes[] = {
    { "pf", crash_page_fault },
    { "gp", crash_general_protection },
    { "ud", crash_invalid_opcode },
    { "de", crash_divide_error },
    { "wx", crash_write_text },
};

void run_crash_option(void)
{
    if (!crash_kind[0])
        return;
    printk("crash: deliberate fault '%s' requested on the command line\n", crash_kind);
    if (strcmp(crash_kind, "stack") == 0)
        crash_stack_overflow(0);
    for (unsigned int i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++)
        if (strcmp(crash_kind, crashes[i].name) == 0)
            crashes[i].fn();
    printk(LOG_WARN "crash: unknown kind '%s' (pf, gp, ud, de, wx, stack)\n", crash_kind);
}
