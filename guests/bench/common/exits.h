/* The loops of exits.S (which says what each times) and the checks of what the
 * timed instructions return. */
#ifndef BENCH_EXITS_H
#define BENCH_EXITS_H

/* A port nothing serves: SELFTEST_UNKNOWN_PORT of the VMX self-test's guest. */
#define BENCH_UNKNOWN_PORT 0xe7

#ifndef __ASSEMBLER__
#include <stdint.h>

/* bench_loop (bench.h); the CPUID loops take the leaf as `nr`. */
uint64_t bench_loop_cpuid_forced(uint64_t, uint64_t, uint64_t, const void *);
uint64_t bench_loop_cpuid_forced_empty(uint64_t, uint64_t, uint64_t, const void *);
uint64_t bench_loop_cpuid(uint64_t, uint64_t, uint64_t, const void *);
uint64_t bench_loop_cpuid_empty(uint64_t, uint64_t, uint64_t, const void *);
uint64_t bench_loop_io_in(uint64_t, uint64_t, uint64_t, const void *);
uint64_t bench_loop_io_in_empty(uint64_t, uint64_t, uint64_t, const void *);
uint64_t bench_loop_nop(uint64_t, uint64_t, uint64_t, const void *);
uint64_t bench_loop_nop_empty(uint64_t, uint64_t, uint64_t, const void *);

/* EAX, EBX, ECX, EDX of LEAF (ECX 0): emulated through the prefix, or plain. */
void bench_cpuid_forced(uint32_t leaf, uint32_t regs[4]);
void bench_cpuid(uint32_t leaf, uint32_t regs[4]);
/* 0x12345600 with `in $BENCH_UNKNOWN_PORT, %al` merged in (0x123456ff expected). */
uint32_t bench_in_unknown_port(void);
#endif

#endif
