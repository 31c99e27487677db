/*
 * Time: the TSC and the LAPIC timer are calibrated against PIT channel 2,
 * whose 1.193182 MHz input is the one clock every PC platform (and emulator)
 * defines. System time is the TSC since calibration, in nanoseconds.
 */
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <xeno/lib.h>
#include <xeno/printk.h>

#define PIT_HZ 1193182U
#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_CH2_GATE_PORT 0x61
#define PIT_CH2_GATE 0x01
#define PIT_SPEAKER 0x02
#define PIT_CH2_OUT 0x20
#define PIT_MAX_CHUNK_MS 50             /* 16-bit counter: at most ~54.9 ms */
#define CALIBRATION_MS 50

uint32_t tsc_khz;
static uint64_t tsc_base;
static uint64_t ns_per_tsc_q32;         /* ns per TSC cycle, 32.32 fixed point */
static uint64_t lapic_ticks_per_ms;

/* Mode 0 on channel 2: OUT rises when the count reaches zero, and the counter
 * keeps counting down (wrapping) after that. Returns how many PIT ticks past
 * zero it was when we saw OUT: a vCPU the host descheduled sees it late. */
static uint32_t pit_one_shot(unsigned int ms, void (*poll)(void))
{
    uint32_t count = PIT_HZ / 1000 * ms + (PIT_HZ % 1000) * ms / 1000;
    uint8_t gate = inb(PIT_CH2_GATE_PORT) & ~(PIT_SPEAKER | PIT_CH2_GATE);

    outb(PIT_CH2_GATE_PORT, gate);
    outb(PIT_COMMAND, 0xb0);            /* channel 2, lo/hi byte, mode 0, binary */
    outb(PIT_CH2_DATA, count & 0xff);
    outb(PIT_CH2_DATA, count >> 8);
    outb(PIT_CH2_GATE_PORT, gate | PIT_CH2_GATE);
    while (!(inb(PIT_CH2_GATE_PORT) & PIT_CH2_OUT))
        if (poll)
            poll();
    outb(PIT_COMMAND, 0x80);            /* latch channel 2's count */
    uint32_t now = inb(PIT_CH2_DATA);
    now |= (uint32_t)inb(PIT_CH2_DATA) << 8;
    return (0x10000 - now) & 0xffff;
}

uint64_t pit_wait_ms_measured(unsigned int ms, void (*poll)(void), bool *reliable)
{
    uint64_t ticks = 0;

    *reliable = true;
    while (ms) {
        unsigned int chunk = min_t(unsigned int, ms, PIT_MAX_CHUNK_MS);
        uint64_t t0 = now_ns();
        ticks += (uint64_t)PIT_HZ * chunk / 1000 + pit_one_shot(chunk, poll);
        /* More than one counter wrap late: the overshoot read is ambiguous. */
        if (now_ns() - t0 > (uint64_t)(chunk + PIT_MAX_CHUNK_MS) * 1000000)
            *reliable = false;
        ms -= chunk;
    }
    return ticks;
}

uint64_t pit_ticks_to_us(uint64_t ticks)
{
    return ticks * 1000000 / PIT_HZ;
}

void pit_wait_ms_polling(unsigned int ms, void (*poll)(void))
{
    while (ms) {
        unsigned int chunk = min_t(unsigned int, ms, PIT_MAX_CHUNK_MS);
        (void)pit_one_shot(chunk, poll);
        ms -= chunk;
    }
}

void pit_wait_ms(unsigned int ms)
{
    pit_wait_ms_polling(ms, NULL);
}

uint64_t tsc_to_ns(uint64_t tsc_delta)
{
    return (uint64_t)(((unsigned __int128)tsc_delta * ns_per_tsc_q32) >> 32);
}

void time_pvclock_params(uint64_t *tsc_base_out, uint32_t *mul, int8_t *shift)
{
    /* ns = ((tsc_delta << shift) * mul) >> 32 with a 32-bit mul: halve the
     * 32.32 scale until it fits (a slow TSC, like Bochs's, has > 1 ns a cycle). */
    uint64_t q = ns_per_tsc_q32;
    int8_t s = 0;
    while (q > 0xffffffffUL) {
        q >>= 1;
        s++;
    }
    *tsc_base_out = tsc_base;
    *mul = (uint32_t)q;
    *shift = s;
}

uint64_t now_ns(void)
{
    return tsc_to_ns(rdtsc() - tsc_base);
}

void time_calibrate(void)
{
    unsigned long flags = local_irq_save();
    uint64_t tsc0, tsc1;
    uint32_t lapic_left;

    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VECTOR_TIMER);
    apic_write(APIC_TIMER_INIT, 0xffffffff);
    tsc0 = rdtsc();
    pit_wait_ms(CALIBRATION_MS);
    tsc1 = rdtsc();
    lapic_left = apic_read(APIC_TIMER_CURRENT);
    apic_write(APIC_TIMER_INIT, 0);
    local_irq_restore(flags);

    tsc_khz = (uint32_t)((tsc1 - tsc0) / CALIBRATION_MS);
    lapic_ticks_per_ms = (0xffffffffUL - lapic_left) / CALIBRATION_MS;
    if (tsc_khz == 0 || lapic_ticks_per_ms == 0)
        panic("time: calibration failed (TSC %u kHz, LAPIC %lu ticks/ms)", tsc_khz,
              lapic_ticks_per_ms);
    ns_per_tsc_q32 = ((uint64_t)1000000 << 32) / tsc_khz;
    tsc_base = tsc1;
    printk("tsc: %u kHz\n", tsc_khz);
    printk(LOG_DEBUG "lapic timer: %lu ticks/ms at divide 16\n", lapic_ticks_per_ms);
}

void arch_timer_program(uint64_t deadline_ns)
{
    uint64_t now, count;

    if (deadline_ns == 0) {
        apic_write(APIC_TIMER_INIT, 0);
        return;
    }
    now = now_ns();
    count = deadline_ns > now ? (deadline_ns - now) * lapic_ticks_per_ms / 1000000 : 1;
    lapic_timer_oneshot((uint32_t)max_t(uint64_t, 1, min_t(uint64_t, count, 0xffffffff)));
}
