/*
 * Local APIC access. x2APIC is used when the CPU has it (MSR access, 32-bit
 * IDs, one-write ICR); xAPIC otherwise, through an uncached mapping.
 */
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <xeno/printk.h>

#define APIC_BASE_ENABLE (1UL << 11)
#define APIC_BASE_X2APIC (1UL << 10)
#define X2APIC_MSR_BASE 0x800
#define ICR_DELIVERY_PENDING (1U << 12)
#define TIMER_DIVIDE_BY_16 0x3

bool x2apic_mode;
static volatile uint32_t *xapic_regs;

uint32_t apic_read(uint32_t reg)
{
    if (x2apic_mode)
        return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
    return xapic_regs[reg / 4];
}

void apic_write(uint32_t reg, uint32_t val)
{
    if (x2apic_mode)
        wrmsr(X2APIC_MSR_BASE + (reg >> 4), val);
    else
        xapic_regs[reg / 4] = val;
}

uint32_t apic_id_read(void)
{
    uint32_t id = apic_read(APIC_ID);
    return x2apic_mode ? id : id >> 24;
}

void lapic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

void apic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
    if (x2apic_mode) {
        wrmsr(X2APIC_MSR_BASE + (APIC_ICR_LO >> 4), ((uint64_t)apic_id << 32) | icr_low);
        return;
    }
    apic_write(APIC_ICR_HI, apic_id << 24);
    apic_write(APIC_ICR_LO, icr_low);
    while (apic_read(APIC_ICR_LO) & ICR_DELIVERY_PENDING)
        cpu_relax();
}

void lapic_timer_oneshot(uint32_t count)
{
    apic_write(APIC_LVT_TIMER, VECTOR_TIMER);          /* one-shot, unmasked */
    apic_write(APIC_TIMER_INIT, count);
}

/* Turn this CPU's LAPIC on in the chosen mode with every local source masked. */
void apic_init_cpu(void)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE) | APIC_BASE_ENABLE;

    if (x2apic_mode)
        base |= APIC_BASE_X2APIC;
    wrmsr(MSR_IA32_APIC_BASE, base);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VECTOR_TIMER);
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
    apic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
    apic_write(APIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
    apic_write(APIC_SVR, 0x100 | VECTOR_SPURIOUS);     /* software enable */
}

void apic_init_bsp(uint64_t lapic_phys)
{
    x2apic_mode = (cpuid(1).ecx >> 21) & 1;
    if (!x2apic_mode)
        xapic_regs = directmap_ensure(lapic_phys, PAGE_SIZE, PAGE_HYPERVISOR_UC);
    apic_init_cpu();
    printk("apic: %s mode\n", x2apic_mode ? "x2APIC" : "xAPIC");
}
