/* Host stand-in for asm/processor.h: the unit tests run on one thread. */
#ifndef STUB_ASM_PROCESSOR_H
#define STUB_ASM_PROCESSOR_H

static inline void cpu_relax(void)
{
    __asm__ __volatile__("" ::: "memory");
}

#endif
