/* Local APIC, in xAPIC (MMIO) or x2APIC (MSR) mode (Intel SDM Vol. 3, ch. 11). */
#ifndef ASM_APIC_H
#define ASM_APIC_H
#include <stdint.h>
#include <stdbool.h>

#define APIC_ID 0x20
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0

#define APIC_LVT_MASKED (1U << 16)
#define ICR_INIT 0x4500
#define ICR_STARTUP 0x4600
#define ICR_FIXED_ASSERT 0x4000

extern bool x2apic_mode;

void apic_init_bsp(uint64_t lapic_phys);
void apic_init_cpu(void);
uint32_t apic_read(uint32_t reg);
void apic_write(uint32_t reg, uint32_t val);
uint32_t apic_id_read(void);
void apic_send_ipi(uint32_t apic_id, uint32_t icr_low);
void lapic_eoi(void);
void lapic_timer_oneshot(uint32_t count);
#endif
