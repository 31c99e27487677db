/* Offsets in struct percpu that entry.S uses (checked in asm/percpu.h). */
#ifndef ASM_PERCPU_OFFSETS_H
#define ASM_PERCPU_OFFSETS_H
#define PERCPU_SELF 0
#define PERCPU_SYSCALL_SCRATCH 8
#define PERCPU_SYSCALL_STACK_TOP 16
#define PERCPU_CURRENT 24
#define PERCPU_SOFTIRQ_PENDING 32
#define PERCPU_SCHED_REQUESTED 40
#endif
