/*
 * The bench run of the VMX self-test (`vmx_selftest=bench`): the guest
 * (guest_bench.inc) times a loop of each kind of exit against a twin without
 * the exiting instruction and reports on SELFTEST_BENCH_PORT. Here its
 * batches become a `bench:` line in the format of guests/bench's programs (so
 * one parser reads them all), and the exits the hypervisor counted during the
 * measurement a `bench-exits:` line. No timing is judged: the numbers are for
 * `tools/xeno bench vmx_exits` (docs/benchmarks.md). What is checked is that
 * each operation made exactly the exits it is meant to, so a number always
 * measures what its name says.
 */
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>
#include "bench.h"

#define NR_BATCHES (SELFTEST_BENCH_BATCHES + 1)     /* with the warm-up */
#define OPERATIONS ((uint64_t)NR_BATCHES * SELFTEST_BENCH_ITERATIONS)

_Static_assert(SELFTEST_BENCH_NR <= 32, "one bit of selftest_bench.reported each");

static const struct {
    const char *name;
    uint8_t per_op[HVM_EXIT_NR];    /* the exits of each kind one operation makes */
    uint8_t irqs_per_op;            /* and the interrupts injected */
} measures[SELFTEST_BENCH_NR] = {
    [SELFTEST_BENCH_NOP] = { "vmx_nop", { 0 }, 0 },
    [SELFTEST_BENCH_VMCALL] = { "vmx_vmcall", { [HVM_EXIT_HYPERCALL] = 1 }, 0 },
    [SELFTEST_BENCH_CPUID] = { "vmx_cpuid", { [HVM_EXIT_CPUID] = 1 }, 0 },
    [SELFTEST_BENCH_IO_IN] = { "vmx_io_in", { [HVM_EXIT_IO] = 1 }, 0 },
    [SELFTEST_BENCH_MMIO_READ] = { "vmx_mmio_read", { [HVM_EXIT_NESTED_PAGE_FAULT] = 1 }, 0 },
    [SELFTEST_BENCH_IRQ_INJECT] = { "vmx_irq_inject", { [HVM_EXIT_IO] = 1 }, 1 },
    [SELFTEST_BENCH_IRQ_WINDOW] = { "vmx_irq_window",
                                    { [HVM_EXIT_IO] = 1, [HVM_EXIT_INTR_WINDOW] = 1 }, 1 },
    [SELFTEST_BENCH_HLT_WAKE] = { "vmx_hlt_wake", { [HVM_EXIT_HLT] = 1 }, 1 },
};

/* Exits the host causes, not the guest's code: a host interrupt or the end of a
 * slice can land in any loop, and may take the place of an interrupt-window exit. */
static bool host_exit(unsigned int kind)
{
    return kind == HVM_EXIT_EXT_INTR || kind == HVM_EXIT_NMI || kind == HVM_EXIT_PREEMPT_TIMER;
}

void selftest_bench_init(struct selftest_bench *b)
{
    memset(b, 0, sizeof(*b));
    b->current = -1;
}

static void fail(struct selftest_bench *b, const char *what, uint32_t cmd)
{
    if (!b->error[0])
        snprintf(b->error, sizeof(b->error), "bench run: %s (port write %#x)", what, cmd);
}

/* What went wrong with one measurement, by its name. */
static void fail_measurement(struct selftest_bench *b, unsigned int id, const char *what)
{
    if (!b->error[0])
        snprintf(b->error, sizeof(b->error), "bench run: %s: %s", measures[id].name, what);
}

static void sort(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned int j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* The batches after the warm-up: a loop's cycles minus its twin's, per
 * iteration, rounded (as guests/bench/common/bench.h does); median and extremes. */
static bool print_cycles(struct hvm_vcpu *v, unsigned int id)
{
    uint32_t cycles[2 * NR_BATCHES];
    uint64_t per[SELFTEST_BENCH_BATCHES];

    if (hvm_copy_from_gpa(v->container, cycles, SELFTEST_BENCH_RESULTS_GPA, sizeof(cycles)))
        return false;
    for (unsigned int i = 0; i < SELFTEST_BENCH_BATCHES; i++) {
        uint32_t full = cycles[2 * (i + 1)], twin = cycles[2 * (i + 1) + 1];
        uint64_t diff = full > twin ? full - twin : 0;
        per[i] = (diff + SELFTEST_BENCH_ITERATIONS / 2) / SELFTEST_BENCH_ITERATIONS;
    }
    sort(per, SELFTEST_BENCH_BATCHES);
    printk("bench: %s cycles=%lu min=%lu max=%lu iterations=%u batches=%u\n",
           measures[id].name, (unsigned long)per[SELFTEST_BENCH_BATCHES / 2],
           (unsigned long)per[0], (unsigned long)per[SELFTEST_BENCH_BATCHES - 1],
           SELFTEST_BENCH_ITERATIONS, SELFTEST_BENCH_BATCHES);
    return true;
}

static bool near(uint64_t got, uint64_t want, uint64_t slack)
{
    return got + slack >= want && got <= want + slack;
}

/* The exits of each kind from BEGIN to END (the END write's own exit left
 * out), warm-up and twins included; false if the guest's operations did not
 * make the exits they should (host exits excused). */
static bool print_exits(struct selftest_bench *b, struct hvm_vcpu *v, unsigned int id)
{
    uint64_t delta[HVM_EXIT_NR], host = 0, irqs = v->stats.irqs_injected - b->irqs_injected;
    char line[320];
    int n;
    bool ok = true;

    n = snprintf(line, sizeof(line), "bench-exits: %s operations=%lu", measures[id].name,
                 (unsigned long)OPERATIONS);
    for (unsigned int k = 0; k < HVM_EXIT_NR; k++) {
        delta[k] = v->stats.exits[k] - b->exits[k] - (k == HVM_EXIT_IO);
        if (host_exit(k))
            host += delta[k];
        if (delta[k] && n < (int)sizeof(line))
            n += snprintf(line + n, sizeof(line) - n, " %s=%lu", hvm_exit_name(k),
                          (unsigned long)delta[k]);
    }
    if (n < (int)sizeof(line))
        snprintf(line + n, sizeof(line) - n, " irqs_injected=%lu", (unsigned long)irqs);
    printk("%s\n", line);
    for (unsigned int k = 0; k < HVM_EXIT_NR; k++)
        if (!host_exit(k) && !near(delta[k], measures[id].per_op[k] * OPERATIONS, host))
            ok = false;
    return ok && near(irqs, measures[id].irqs_per_op * OPERATIONS, host);
}

void selftest_bench_command(struct selftest_bench *b, struct hvm_vcpu *v, uint32_t cmd)
{
    unsigned int id = cmd & 0xff;

    switch (cmd >> 8) {
    case SELFTEST_BENCH_BEGIN:
        if (id >= SELFTEST_BENCH_NR || b->current >= 0 || (b->reported & (1U << id))) {
            fail(b, "BEGIN out of turn", cmd);
            break;
        }
        b->current = (int)id;
        memcpy(b->exits, v->stats.exits, sizeof(b->exits));
        b->irqs_injected = v->stats.irqs_injected;
        break;
    case SELFTEST_BENCH_END:
        if (b->current != (int)id) {
            fail(b, "END without its BEGIN", cmd);
            break;
        }
        b->current = -1;
        b->reported |= 1U << id;
        if (!print_cycles(v, id))
            fail_measurement(b, id, "its batches are not in guest RAM");
        else if (!print_exits(b, v, id))
            fail_measurement(b, id, "the operations did not make the exits they should "
                             "(its bench-exits line)");
        break;
    case SELFTEST_BENCH_DONE:
        b->done = true;
        break;
    default:
        fail(b, "unknown command", cmd);
    }
}

bool selftest_bench_check(const struct selftest_bench *b, char *why, size_t len)
{
    if (b->error[0]) {
        strlcpy(why, b->error, len);
        return false;
    }
    if (!b->done || b->reported != (1U << SELFTEST_BENCH_NR) - 1) {
        snprintf(why, len, "bench run: %s, measurements reported %#x",
                 b->done ? "done" : "never done", b->reported);
        return false;
    }
    return true;
}
