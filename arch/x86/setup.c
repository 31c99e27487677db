/*
 * start_xeno: the boot CPU's path from the multiboot2 entry to a running
 * hypervisor. Order matters: the console first (so anything later can be
 * reported), then memory, then per-CPU state on a guarded stack, then
 * interrupts, time and the other CPUs.
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpufeatures.h>
#include <asm/crash.h>
#include <asm/desc.h>
#include <asm/irq.h>
#include <asm/multiboot2.h>
#include <asm/percpu.h>
#include <asm/pic.h>
#include <asm/processor.h>
#include <asm/serial.h>
#include <asm/setup.h>
#include <asm/shutdown.h>
#include <asm/smp.h>
#include <asm/tickcheck.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <xeno/cmdline.h>
#include <xeno/printk.h>
#include <xeno/vsnprintf.h>
#include <xeno/softirq.h>
#include <xeno/timer.h>
#include <xeno/version.h>
#include <xeno/boot_domains.h>
#include <xeno/event.h>
#include <asm/m2p.h>
#include <xeno/domain.h>
#include <xeno/sched.h>
#include <pv/pv.h>
#include <pv/mm.h>
#include <hvm/hvm.h>
#include <hvm/domain.h>

static struct percpu bsp_percpu;
static uint64_t banner_tsc;

_Noreturn void cpu_idle_loop(void)
{
    struct percpu *pc = this_cpu();

    if (!pc->idle_started) {
        pc->idle_started = true;
        tick_check_start_this_cpu();
    }
    for (;;) {
        struct vcpu *v = NULL;

        do_softirq();
        local_irq_disable();
        /* A PV return path that chose a PVH vCPU left it here (pv/return.c). */
        if (pc->handoff) {
            v = pc->handoff;
            pc->handoff = NULL;
        } else if (sched_requested()) {
            v = sched_decide();
        }
        /* A PVH vCPU runs from here and comes back with the next choice. */
        while (v && domain_is_hvm(v->domain))
            v = hvm_domain_run(v);
        if (v)
            pv_enter_from_idle(v);
        if (softirq_pending(smp_processor_id()))
            local_irq_enable();
        else
            safe_halt();
    }
}

static _Noreturn void start_xeno_on_stack(void)
{
    pic_disable();
    acpi_init();
    apic_init_bsp(acpi_platform.lapic_phys ? acpi_platform.lapic_phys : 0xfee00000UL);
    bsp_percpu.apic_id = apic_id_read();
    time_calibrate();
    timers_init();
    sched_init(acpi_platform.nr_cpus);
    domain_init();
    m2p_init();
    pv_mm_init();
    event_init();
    bsp_percpu.online = 1;
    local_irq_enable();

    smp_boot_secondaries();
    cpu_features_report();
    uint64_t ready_tsc = rdtsc();   /* bring-up done; the checks below are not boot cost */
    run_crash_option();
    bool timers_ok = tick_check_run();

    hvm_selftest_run();
    printk("boot: banner after %lu TSC cycles from entry, ready after %lu cycles\n",
           (unsigned long)(banner_tsc - boot_tsc_entry),
           (unsigned long)(ready_tsc - boot_tsc_entry));
    if (boot_domain_configs()) {
        if (boot_domains_start())
            cpu_idle_loop();        /* CPU 0 runs the domains from here on */
        machine_exit(XENO_FAIL, "no domain could be started");
    }
    printk("xeno: no domains to run\n");
    if (acpi_platform.nr_cpus > 1 && nr_cpus_online != acpi_platform.nr_cpus) {
        char why[64];
        snprintf(why, sizeof(why), "%u of %u CPUs came up", nr_cpus_online,
                 acpi_platform.nr_cpus);
        machine_exit(XENO_FAIL, why);
    }
    if (!timers_ok)
        machine_exit(XENO_FAIL, "a CPU's timer never fired");
    machine_exit(XENO_PASS, NULL);
}

void start_xeno(uint32_t magic, uint64_t info_phys)
{
    percpu_of[0] = &bsp_percpu;

    serial_init(115200);
    banner_tsc = rdtsc();
    printk("Xeno %s (%s) x86-64 hypervisor\n", XENO_VERSION, XENO_DEBUG ? "debug" : "release");
    idt_init();
    idt_load();

    multiboot2_parse(magic, info_phys);
    printk("cmdline: \"%s\"\n", boot_info.cmdline);
    cmdline_parse(boot_info.cmdline);
    if (boot_info.loader[0])
        printk(LOG_DEBUG "loader: %s\n", boot_info.loader);
    cpu_identify();

    memory_init();
    percpu_init_stacks(&bsp_percpu);
    percpu_load(&bsp_percpu);
    switch_stack_and_call(percpu_work_stack(&bsp_percpu), start_xeno_on_stack);
}
