/*
 * The VMX self-test (`vmx_selftest` on the command line), run on the boot CPU
 * just before the `boot:` line. It enters VMX operation, builds a container
 * with 4 MiB + 64 KiB of fresh frames, an MMIO page, and three ports of its
 * own, runs the guest of guest.S until it crashes by touching memory outside
 * the container, then runs it again to triple-fault. It checks what the guest
 * reported and what the hypervisor counted, that no frame leaked, leaves VMX
 * operation and lets the boot go on. A failure ends the run with
 * XENO-STATUS: fail. `vmx_selftest=bench` adds a run that times each kind of
 * exit (bench.c). See docs/hvm.md.
 */
#include <asm/cpufeatures.h>
#include <asm/shutdown.h>
#include <hvm/container.h>
#include <hvm/hvm.h>
#include <hvm/vendor.h>
#include <public/xen.h>
#include <xeno/buddy.h>
#include <xeno/cmdline.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/softirq.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>
#include "bench.h"
#include "selftest.h"

_Static_assert(SELFTEST_HC_XEN_VERSION == __HYPERVISOR_xen_version, "guest.S");

#define SLICE_TSC 20000             /* short, so the spin loop is preempted */
#define MAX_RETURNS 100000          /* run-loop returns before we call it a hang */
#define MMIO_SCRATCH_BYTES 4
#define MMIO_BYTES 8

/* `vmx_selftest` runs the two guest runs; `vmx_selftest=entry_failure` adds a
 * third whose VM entry must fail (the Bochs log then holds a VMENTER FAIL);
 * `vmx_selftest=bench` adds a fourth that times exits. */
enum selftest_mode { SELFTEST_OFF, SELFTEST_ON, SELFTEST_ENTRY_FAILURE, SELFTEST_BENCH };
static enum selftest_mode opt_vmx_selftest;

static int parse_vmx_selftest(const char *value)
{
    if (!*value || !strcmp(value, "on") || !strcmp(value, "1"))
        opt_vmx_selftest = SELFTEST_ON;
    else if (!strcmp(value, "entry_failure"))
        opt_vmx_selftest = SELFTEST_ENTRY_FAILURE;
    else if (!strcmp(value, "bench"))
        opt_vmx_selftest = SELFTEST_BENCH;
    else if (!strcmp(value, "off") || !strcmp(value, "0"))
        opt_vmx_selftest = SELFTEST_OFF;
    else
        return -EINVAL;
    return 0;
}
CMDLINE_PARAM_CUSTOM("vmx_selftest", parse_vmx_selftest);

extern const char hvm_selftest_guest_start[], hvm_selftest_guest_end[];

/* One run's view, reached from the container's owner pointer. */
struct selftest_run {
    unsigned int run;
    char line[128];
    unsigned int line_len, console_lines;
    uint32_t results[3];            /* checks, passed, failed */
    unsigned int nr_results;
    uint8_t mmio[MMIO_BYTES];       /* scratch register, then the ID */
    unsigned int halts, preemptions;
    char crash_reason[256];
    bool crashed;
    uint64_t exits[HVM_EXIT_NR];
    uint64_t gp_injected, irqs_injected, unknown_reads, unknown_writes;
    struct selftest_bench bench;    /* the bench run's measurements */
};

static struct selftest_run *run_of(struct hvm_vcpu *v)
{
    return v->container->owner;
}

static void console_flush(struct selftest_run *r)
{
    if (!r->line_len)
        return;
    r->line[r->line_len] = '\0';
    printk("(vmx) %s\n", r->line);
    r->line_len = 0;
    r->console_lines++;
}

static void console_write(struct hvm_vcpu *v, uint16_t port, unsigned int size, uint32_t val)
{
    struct selftest_run *r = run_of(v);
    char ch = (char)val;

    (void)port; (void)size;
    if (ch == '\n' || r->line_len == sizeof(r->line) - 1)
        console_flush(r);
    if (ch != '\n')
        r->line[r->line_len++] = (ch >= ' ' && ch < 0x7f) ? ch : '?';
}

static void result_write(struct hvm_vcpu *v, uint16_t port, unsigned int size, uint32_t val)
{
    struct selftest_run *r = run_of(v);

    (void)port;
    if (size == 4 && r->nr_results < ARRAY_SIZE(r->results))
        r->results[r->nr_results++] = val;
}

static void irq_write(struct hvm_vcpu *v, uint16_t port, unsigned int size, uint32_t val)
{
    (void)port; (void)size;
    hvm_vcpu_raise_irq(v, (uint8_t)val);
}

static void bench_write(struct hvm_vcpu *v, uint16_t port, unsigned int size, uint32_t val)
{
    (void)port;
    if (size == 4)
        selftest_bench_command(&run_of(v)->bench, v, val);
}

static const struct hvm_port_ops console_ops = { .write = console_write };
static const struct hvm_port_ops result_ops = { .write = result_write };
static const struct hvm_port_ops irq_ops = { .write = irq_write };
static const struct hvm_port_ops bench_ops = { .write = bench_write };

/* The register page: bytes past the ID read as all-ones and ignore writes. */
static int mmio_read(struct hvm_vcpu *v, uint64_t offset, unsigned int size, uint64_t *val)
{
    struct selftest_run *r = run_of(v);

    *val = 0;
    for (unsigned int i = 0; i < size; i++)
        *val |= (uint64_t)(offset + i < MMIO_BYTES ? r->mmio[offset + i] : 0xff) << (8 * i);
    return 0;
}

static int mmio_write(struct hvm_vcpu *v, uint64_t offset, unsigned int size, uint64_t val)
{
    struct selftest_run *r = run_of(v);

    for (unsigned int i = 0; i < size; i++)
        if (offset + i < MMIO_SCRATCH_BYTES)
            r->mmio[offset + i] = (uint8_t)(val >> (8 * i));
    return 0;
}

static const struct hvm_mmio_ops register_ops = { .read = mmio_read, .write = mmio_write };

static int build(struct hvm_container *c, unsigned int run)
{
    uint64_t image_len = (uint64_t)(hvm_selftest_guest_end - hvm_selftest_guest_start);
    int rc;

    /* Two 2 MiB blocks (EPT 2 MiB pages) and 64 KiB in 4 KiB pages. */
    rc = hvm_container_add_ram(c, 0, 9);
    rc = rc ?: hvm_container_add_ram(c, 2UL << 20, 9);
    rc = rc ?: hvm_container_add_ram(c, SELFTEST_SMALL_GPA, SELFTEST_SMALL_ORDER);
    rc = rc ?: hvm_container_add_mmio(c, SELFTEST_MMIO_GPA, PAGE_SIZE, &register_ops);
    rc = rc ?: hvm_container_add_ports(c, SELFTEST_CONSOLE_PORT, 1, &console_ops);
    rc = rc ?: hvm_container_add_ports(c, SELFTEST_RESULT_PORT, 1, &result_ops);
    rc = rc ?: hvm_container_add_ports(c, SELFTEST_IRQ_PORT, 1, &irq_ops);
    if (run == SELFTEST_RUN_BENCH)
        rc = rc ?: hvm_container_add_ports(c, SELFTEST_BENCH_PORT, 1, &bench_ops);
    return rc ?: hvm_copy_to_gpa(c, SELFTEST_LOAD_GPA, hvm_selftest_guest_start, image_len);
}

/* Run the vCPU as a scheduler would: resume it after preemption, wake it with
 * an interrupt when it halts, stop when its container crashes or when it halts
 * after the bench run's last measurement. */
static void run_until_end(struct hvm_vcpu *v, struct selftest_run *r)
{
    for (unsigned int n = 0; n < MAX_RETURNS; n++) {
        switch (hvm_vcpu_run(v)) {
        case HVM_CRASHED:
            return;
        case HVM_PREEMPTED:
            r->preemptions++;
            do_softirq();
            break;
        case HVM_BLOCKED:
            if (r->bench.done)
                return;
            r->halts++;
            hvm_vcpu_raise_irq(v, SELFTEST_WAKE_VECTOR);
            break;
        case HVM_RESUME:
            break;
        }
    }
    hvm_crash(v, &v->last_exit, "the self-test guest made no progress");
}

/* Run 3 breaks one guest-state rule on purpose: RFLAGS bit 1 must be 1. */
#define SELFTEST_RUN_BAD_ENTRY 3

static int run_guest(unsigned int run, struct selftest_run *r, char *why, size_t len)
{
    struct hvm_container *c;
    struct hvm_vcpu *v;
    int rc;

    memset(r, 0, sizeof(*r));
    selftest_bench_init(&r->bench);
    r->run = run;
    r->mmio[4] = SELFTEST_MMIO_ID & 0xff;
    r->mmio[5] = (SELFTEST_MMIO_ID >> 8) & 0xff;
    r->mmio[6] = (SELFTEST_MMIO_ID >> 16) & 0xff;
    r->mmio[7] = SELFTEST_MMIO_ID >> 24;
    c = hvm_container_create("vmx-selftest", 1, r);
    if (!c) {
        snprintf(why, len, "run %u: could not create the container", run);
        return -1;
    }
    rc = build(c, run);
    if (rc) {
        hvm_container_destroy(c);
        snprintf(why, len, "run %u: could not build the container (%d)", run, rc);
        return -1;
    }
    v = c->vcpus[0];
    v->regs.rip = SELFTEST_LOAD_GPA;
    v->regs.gpr[HVM_GPR_RSP] = SELFTEST_STACK_TOP;
    v->regs.gpr[HVM_GPR_RBX] = run;
    /* No slices in the bench run: preemption-timer exits would land in the loops. */
    v->slice_tsc = run == SELFTEST_RUN_BENCH ? 0 : SLICE_TSC;
    if (run == SELFTEST_RUN_BAD_ENTRY)
        v->regs.rflags = 0;
    run_until_end(v, r);
    console_flush(r);
    hvm_print_exit_counts(v);
    r->crashed = c->crashed;
    strlcpy(r->crash_reason, c->crash_reason, sizeof(r->crash_reason));
    memcpy(r->exits, v->stats.exits, sizeof(r->exits));
    r->gp_injected = v->stats.exceptions_injected[13];
    r->irqs_injected = v->stats.irqs_injected;
    r->unknown_reads = v->stats.unknown_port_reads;
    r->unknown_writes = v->stats.unknown_port_writes;
    hvm_container_destroy(c);
    return 0;
}

static bool expect_exits(const struct selftest_run *r, enum hvm_exit_kind kind, uint64_t want,
                         char *why, size_t len)
{
    if (r->exits[kind] == want)
        return true;
    snprintf(why, len, "%lu %s exits, expected %lu", (unsigned long)r->exits[kind],
             hvm_exit_name(kind), (unsigned long)want);
    return false;
}

static bool check_normal_run(const struct selftest_run *r, char *why, size_t len)
{
    char want[64];
    uint32_t scratch;

    snprintf(want, sizeof(want), "EPT violation at gpa %#x (read)", SELFTEST_OUTSIDE_GPA);
    memcpy(&scratch, r->mmio, sizeof(scratch));
    if (!r->crashed || strcmp(r->crash_reason, want)) {
        snprintf(why, len, "run 1 ended with '%s', expected '%s'",
                 r->crashed ? r->crash_reason : "no crash", want);
        return false;
    }
    if (r->nr_results != 3 || r->results[0] == 0 || r->results[1] != r->results[0] ||
        r->results[2] != 0) {
        snprintf(why, len, "the guest passed %u of %u checks (%u failed, %u reports)",
                 r->results[1], r->results[0], r->results[2], r->nr_results);
        return false;
    }
    if (!expect_exits(r, HVM_EXIT_CPUID, SELFTEST_CPUID_EXITS, why, len) ||
        !expect_exits(r, HVM_EXIT_MSR_READ, SELFTEST_RDMSR_EXITS, why, len) ||
        !expect_exits(r, HVM_EXIT_MSR_WRITE, SELFTEST_WRMSR_EXITS, why, len) ||
        !expect_exits(r, HVM_EXIT_CR_ACCESS, SELFTEST_CR_EXITS, why, len) ||
        !expect_exits(r, HVM_EXIT_HYPERCALL, SELFTEST_HYPERCALL_EXITS, why, len) ||
        !expect_exits(r, HVM_EXIT_HLT, SELFTEST_HLT_EXITS, why, len) ||
        !expect_exits(r, HVM_EXIT_NESTED_PAGE_FAULT, SELFTEST_NPF_EXITS, why, len))
        return false;
    if (r->exits[HVM_EXIT_IO] == 0 || r->exits[HVM_EXIT_INTR_WINDOW] == 0 ||
        r->exits[HVM_EXIT_PREEMPT_TIMER] == 0 || r->preemptions == 0) {
        snprintf(why, len, "missing exits: io %lu, intr_window %lu, preempt_timer %lu",
                 (unsigned long)r->exits[HVM_EXIT_IO],
                 (unsigned long)r->exits[HVM_EXIT_INTR_WINDOW],
                 (unsigned long)r->exits[HVM_EXIT_PREEMPT_TIMER]);
        return false;
    }
    if (r->gp_injected != SELFTEST_GP_INJECTED || r->irqs_injected != 2 || r->halts != 1 ||
        r->unknown_reads != 3 || r->unknown_writes != 1) {
        snprintf(why, len, "%lu #GP and %lu interrupts injected, %u halts, %lu/%lu unknown "
                 "port reads/writes", (unsigned long)r->gp_injected,
                 (unsigned long)r->irqs_injected, r->halts, (unsigned long)r->unknown_reads,
                 (unsigned long)r->unknown_writes);
        return false;
    }
    if (scratch != SELFTEST_MMIO_FINAL) {
        snprintf(why, len, "the MMIO register holds %#x, expected %#x", scratch,
                 SELFTEST_MMIO_FINAL);
        return false;
    }
    return true;
}

static bool check_triple_fault_run(const struct selftest_run *r, char *why, size_t len)
{
    if (!r->crashed || strcmp(r->crash_reason, "triple fault") ||
        !r->exits[HVM_EXIT_TRIPLE_FAULT] || !r->console_lines) {
        snprintf(why, len, "run 2 ended with '%s', expected a triple fault",
                 r->crashed ? r->crash_reason : "no crash");
        return false;
    }
    return true;
}

static bool check_bad_entry_run(const struct selftest_run *r, char *why, size_t len)
{
    static const char want[] = "VM entry failed: invalid guest state (exit reason 33, "
                               "qualification 0: a guest-state check); RFLAGS bit 1 is 0 "
                               "(26.3.1.4)";

    if (!r->crashed || strcmp(r->crash_reason, want) || !r->exits[HVM_EXIT_ENTRY_FAILED] ||
        r->console_lines) {
        snprintf(why, len, "run 3 ended with '%s', expected a failed VM entry naming RFLAGS",
                 r->crashed ? r->crash_reason : "no crash");
        return false;
    }
    return true;
}

static bool check_bench_run(const struct selftest_run *r, char *why, size_t len)
{
    if (r->crashed) {
        snprintf(why, len, "run 4 crashed: %s", r->crash_reason);
        return false;
    }
    return selftest_bench_check(&r->bench, why, len);
}

static bool selftest(char *why, size_t len)
{
    static struct selftest_run r;
    unsigned long crashes = hvm_crash_count;
    unsigned int expected_crashes = 2;

    printk("vmx: selftest run 1: the guest's checks, then an access outside its memory\n");
    if (run_guest(SELFTEST_RUN_NORMAL, &r, why, len) || !check_normal_run(&r, why, len))
        return false;
    printk("vmx: selftest run 1: %u of %u guest checks passed, %u preemptions, "
           "crash as expected\n", r.results[1], r.results[0], r.preemptions);
    printk("vmx: selftest run 2: a triple fault\n");
    if (run_guest(SELFTEST_RUN_TRIPLE_FAULT, &r, why, len) ||
        !check_triple_fault_run(&r, why, len))
        return false;
    if (opt_vmx_selftest == SELFTEST_ENTRY_FAILURE) {
        printk("vmx: selftest run 3: a VM entry with RFLAGS bit 1 clear must fail\n");
        if (run_guest(SELFTEST_RUN_BAD_ENTRY, &r, why, len) || !check_bad_entry_run(&r, why, len))
            return false;
        expected_crashes++;
    }
    if (opt_vmx_selftest == SELFTEST_BENCH) {
        printk("vmx: selftest run 4: timing each kind of exit\n");
        if (run_guest(SELFTEST_RUN_BENCH, &r, why, len) || !check_bench_run(&r, why, len))
            return false;
    }
    if (hvm_crash_count - crashes != expected_crashes) {
        snprintf(why, len, "%lu containers crashed, expected %u", hvm_crash_count - crashes,
                 expected_crashes);
        return false;
    }
    return true;
}

void hvm_selftest_run(void)
{
    char why[160] = "";
    unsigned long free_before;
    bool ok;

    if (!opt_vmx_selftest)
        return;
    if (!cpu_features.vmx) {
        printk("vmx: selftest skipped: no VMX\n");
        return;
    }
    free_before = free_frame_count();
    if (hvm_cpu_up(why, sizeof(why))) {
        printk("vmx: selftest failed: %s\n", why);
        machine_exit(XENO_FAIL, "vmx selftest failed");
    }
    ok = selftest(why, sizeof(why));
    hvm_cpu_down();
    if (ok && free_frame_count() != free_before) {
        snprintf(why, sizeof(why), "%ld frames leaked",
                 (long)(free_before - free_frame_count()));
        ok = false;
    }
    if (!ok) {
        printk("vmx: selftest failed: %s\n", why);
        machine_exit(XENO_FAIL, "vmx selftest failed");
    }
    printk("vmx: selftest passed\n");
}
