/*
 * What the hypercall fast path in entry.S reads from C structures: offsets in
 * struct vcpu, struct domain and struct vcpu_info, and a few constants. Each is
 * checked against the C definition in pv/syscall.c, so a layout change that
 * forgets this file fails the build.
 */
#ifndef ASM_ENTRY_OFFSETS_H
#define ASM_ENTRY_OFFSETS_H

#define VCPU_DOMAIN 8                   /* struct domain * */
#define VCPU_STATE 16                   /* enum vcpu_state (4 bytes) */
#define VCPU_PAUSE_COUNT 32             /* unsigned int */
#define VCPU_VCPU_INFO 176              /* struct vcpu_info * */
#define VCPU_PV_KERNEL_MODE 560         /* bool */
#define DOMAIN_STATE 72                 /* enum domain_state (4 bytes) */
#define DOMAIN_STATS_HYPERCALLS 2304    /* uint64_t */
#define VCPU_INFO_UPCALL_PENDING 0      /* uint8_t */

#define ENTRY_VCPU_RUNNABLE 0
#define ENTRY_DOMAIN_ACTIVE 1
#define ENTRY_ERESTART 85
#define ENTRY_NR_HYPERCALLS 64

/* The trap frame (struct cpu_regs), from its base. */
#define FRAME_R15 (0 * 8)
#define FRAME_R14 (1 * 8)
#define FRAME_R13 (2 * 8)
#define FRAME_R12 (3 * 8)
#define FRAME_R11 (4 * 8)
#define FRAME_R10 (5 * 8)
#define FRAME_R9 (6 * 8)
#define FRAME_R8 (7 * 8)
#define FRAME_RBP (8 * 8)
#define FRAME_RDI (9 * 8)
#define FRAME_RSI (10 * 8)
#define FRAME_RDX (11 * 8)
#define FRAME_RCX (12 * 8)
#define FRAME_RBX (13 * 8)
#define FRAME_RAX (14 * 8)
#define FRAME_VECTOR (15 * 8)
#define FRAME_ERROR_CODE (16 * 8)
#define FRAME_RIP (17 * 8)
#define FRAME_CS (18 * 8)
#define FRAME_RFLAGS (19 * 8)
#define FRAME_RSP (20 * 8)
#define FRAME_SS (21 * 8)

#define ENTRY_EFLAGS_TF (1 << 8)
#define ENTRY_EFLAGS_RF (1 << 16)
#endif
