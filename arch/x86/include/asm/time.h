/* System time (ns since boot, from the calibrated TSC) and the per-CPU one-shot timer. */
#ifndef ASM_TIME_H
#define ASM_TIME_H
#include <stdint.h>

uint64_t now_ns(void);
/* The pvclock scale of system time: ns since tsc_base = ((tsc - tsc_base) << shift) * mul >> 32. */
void time_pvclock_params(uint64_t *tsc_base, uint32_t *mul, int8_t *shift);
void arch_timer_program(uint64_t deadline_ns);

void time_calibrate(void);
uint64_t tsc_to_ns(uint64_t tsc_delta);
extern uint32_t tsc_khz;
extern uint64_t boot_tsc_entry;

/* PIT channel 2 as a reference clock: busy-wait for ms of PIT time. */
void pit_wait_ms(unsigned int ms);
/* Wait at least ms of PIT time, calling poll(), and return how many PIT ticks
 * really went by (a vCPU may see the end late); reliable is false when it was
 * so late the count cannot be trusted. */
#include <stdbool.h>
uint64_t pit_wait_ms_measured(unsigned int ms, void (*poll)(void), bool *reliable);
uint64_t pit_ticks_to_us(uint64_t ticks);
/* The same, calling poll() while it waits (e.g. to run softirqs). */
void pit_wait_ms_polling(unsigned int ms, void (*poll)(void));
#endif
