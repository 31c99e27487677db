/*
 * Bringing up the application processors, one at a time, with INIT-SIPI-SIPI
 * (Intel SDM Vol. 3, 9.4.4.1). Each AP gets its own per-CPU data and guarded
 * stacks, climbs through the trampoline, and reports in by setting its online
 * flag; one that does not report within a second is named and left out.
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/sched.h>
#include <xeno/string.h>
#include <xeno/xmalloc.h>

#define AP_CALLIN_TIMEOUT_NS 1000000000UL

extern const char trampoline_start[], trampoline_end[];
extern char tramp_pm32_target[], tramp_lm64_target[], tramp_gdt_base[], tramp_cr3[];
extern const uint32_t tramp_off_pm32, tramp_off_lm64, tramp_off_gdt;
extern uint64_t ap_boot_cr3, ap_boot_rsp;
extern char boot_l4[];

unsigned int nr_cpus_online = 1;
static struct percpu *volatile ap_starting;

unsigned int smp_processor_id(void)
{
    return this_cpu()->cpu_id;
}

bool cpu_is_online(unsigned int cpu)
{
    return cpu < NR_CPUS && percpu_of[cpu] && percpu_of[cpu]->online;
}

void arch_send_softirq_ipi(unsigned int cpu)
{
    if (cpu_is_online(cpu))
        apic_send_ipi(percpu_of[cpu]->apic_id, ICR_FIXED_ASSERT | VECTOR_SOFTIRQ_IPI);
}

void smp_stop_others(void)
{
    unsigned int me = smp_processor_id();
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        if (cpu != me && cpu_is_online(cpu))
            apic_send_ipi(percpu_of[cpu]->apic_id, ICR_FIXED_ASSERT | VECTOR_STOP_IPI);
}

/* Copy the trampoline below 1 MiB and patch in its absolute addresses. */
static uint64_t install_trampoline(void)
{
    uint64_t page = low_page_for_trampoline();
    size_t len = (size_t)(trampoline_end - trampoline_start);
    uint8_t *dst;
    uint32_t v;

    if (!page)
        return 0;
    dst = maddr_to_virt(page);
    memcpy(dst, trampoline_start, len);
    v = (uint32_t)page + tramp_off_pm32;
    memcpy(dst + (tramp_pm32_target - trampoline_start), &v, 4);
    v = (uint32_t)page + tramp_off_lm64;
    memcpy(dst + (tramp_lm64_target - trampoline_start), &v, 4);
    v = (uint32_t)page + tramp_off_gdt;
    memcpy(dst + (tramp_gdt_base - trampoline_start), &v, 4);
    v = (uint32_t)virt_to_maddr(boot_l4);
    memcpy(dst + (tramp_cr3 - trampoline_start), &v, 4);
    return page;
}

static void wait_ns(uint64_t ns)
{
    uint64_t end = now_ns() + ns;
    while (now_ns() < end)
        cpu_relax();
}

void start_secondary(void)
{
    struct percpu *pc = ap_starting;

    percpu_load(pc);
    write_cr4(read_cr4() | CR4_PGE);
    apic_init_cpu();
    __atomic_store_n(&pc->online, 1, __ATOMIC_RELEASE);
    __atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
    sched_cpu_up(pc->cpu_id);
    cpu_idle_loop();
}

static bool boot_one(unsigned int cpu, uint32_t apic_id, uint64_t tramp_page)
{
    struct percpu *pc = xzalloc(struct percpu);
    uint64_t deadline;

    if (!pc)
        panic("out of memory for cpu%u", cpu);
    pc->cpu_id = cpu;
    pc->apic_id = apic_id;
    percpu_init_stacks(pc);
    percpu_of[cpu] = pc;
    ap_starting = pc;
    ap_boot_cr3 = idle_pg_table_maddr;
    ap_boot_rsp = percpu_work_stack(pc);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    apic_send_ipi(apic_id, ICR_INIT);
    wait_ns(10 * 1000000UL);
    for (int i = 0; i < 2; i++) {
        apic_send_ipi(apic_id, ICR_STARTUP | (uint32_t)(tramp_page >> PAGE_SHIFT));
        wait_ns(200 * 1000UL);
    }
    deadline = now_ns() + AP_CALLIN_TIMEOUT_NS;
    while (!__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE)) {
        if (now_ns() > deadline) {
            printk(LOG_ERR "smp: cpu%u (APIC ID %u) did not come up\n", cpu, apic_id);
            /* Its percpu and stacks stay allocated: it may still wake and use them. */
            percpu_of[cpu] = NULL;
            return false;
        }
        cpu_relax();
    }
    printk(LOG_DEBUG "smp: cpu%u (APIC ID %u) online\n", cpu, apic_id);
    return true;
}

void smp_boot_secondaries(void)
{
    uint32_t bsp_id = this_cpu()->apic_id;
    unsigned int next_cpu = 1;
    uint64_t tramp_page;

    if (acpi_platform.nr_cpus > 1) {
        tramp_page = install_trampoline();
        if (!tramp_page)
            printk(LOG_ERR "smp: no free page below 1 MiB for the AP trampoline\n");
        else
            for (unsigned int i = 0; i < acpi_platform.nr_cpus; i++) {
                if (acpi_platform.cpu_apic_id[i] == bsp_id)
                    continue;
                if (!boot_one(next_cpu++, acpi_platform.cpu_apic_id[i], tramp_page)) {
                    /* A late riser would read the next AP's stack and percpu from the
                     * shared boot variables, so starting more is not safe. */
                    printk(LOG_ERR "smp: not starting the remaining CPUs\n");
                    break;
                }
            }
    }
    printk("smp: %u CPUs online\n", nr_cpus_online);
}
