/*
 * What the fast paths of entry_syscall.S read from C structures: offsets in
 * struct vcpu, struct domain, struct vcpu_info and the trap frame, and a few
 * constants. Each is checked against the C definition in pv/syscall.c, so a
 * layout change that forgets this file fails the build.
 */
#ifndef ASM_ENTRY_OFFSETS_H
#define ASM_ENTRY_OFFSETS_H

#define VCPU_DOMAIN 8                   /* struct domain * */
#define VCPU_STATE 16                   /* enum vcpu_state (4 bytes) */
#define VCPU_PAUSE_COUNT 32             /* unsigned int */
#define VCPU_VCPU_INFO 176              /* struct vcpu_info * */
#define VCPU_PV_KERNEL_MODE 560         /* bool */
#define VCPU_PV_KERNEL_L4_MFN 568       /* uint64_t */
#define VCPU_PV_USER_L4_MFN 576         /* uint64_t */
#define VCPU_PV_KERNEL_SP 592           /* uint64_t */
#define VCPU_PV_SYSCALL_CB 632          /* callbacks[PV_CB_SYSCALL].address */
#define VCPU_PV_SYSCALL_CB_MASK 640     /* callbacks[PV_CB_SYSCALL].mask_events (bool) */
#define VCPU_PV_GS_BASE_KERNEL 704      /* uint64_t */
#define VCPU_PV_GS_BASE_USER 712        /* uint64_t */
#define DOMAIN_STATE 72                 /* enum domain_state (4 bytes) */
#define DOMAIN_STATS_HYPERCALLS 2304    /* uint64_t */
#define DOMAIN_STATS_FAST_BOUNCES 2368  /* uint64_t */
#define DOMAIN_STATS_FAST_IRETS 2376    /* uint64_t */
#define DOMAIN_STATS_FAST_IRET_SYSRETS 2384 /* uint64_t */
#define VCPU_INFO_UPCALL_PENDING 0      /* uint8_t */
#define VCPU_INFO_UPCALL_MASK 1         /* uint8_t */

/* struct iret_context (public/xen.h), from its base: what HYPERVISOR_iret pops. */
#define IRET_RAX (0 * 8)
#define IRET_R11 (1 * 8)
#define IRET_RCX (2 * 8)
#define IRET_FLAGS (3 * 8)
#define IRET_RIP (4 * 8)
#define IRET_CS (5 * 8)
#define IRET_RFLAGS (6 * 8)
#define IRET_RSP (7 * 8)
#define IRET_SS (8 * 8)
#define IRET_CONTEXT_SIZE (9 * 8)
/* The bounce frame of a system call (pv/bounce.c): RCX R11 RIP CS RFLAGS RSP SS. */
#define BOUNCE_SYSCALL_FRAME_SIZE (7 * 8)

#define ENTRY_VCPU_RUNNABLE 0
#define ENTRY_DOMAIN_ACTIVE 1
#define ENTRY_ERESTART 85
#define ENTRY_NR_HYPERCALLS 64
#define ENTRY_HYPERCALL_IRET 23         /* __HYPERVISOR_iret */
#define ENTRY_VGCF_IN_SYSCALL 256       /* VGCF_in_syscall */
/* guest_range_ok()'s bounds (asm/guest_access.h): the top of the lower canonical
 * half, and HYPERVISOR_VIRT_END. */
#define ENTRY_GUEST_LOW_END 0x0000800000000000
#define ENTRY_HYPERVISOR_VIRT_END 0xffff880000000000
/* PV_RFLAGS_GUEST_SETTABLE (pv/pv.h): the RFLAGS bits an iret frame may ask for. */
#define ENTRY_RFLAGS_GUEST_SETTABLE 0x3d4fd5
#define ENTRY_PAGE_SHIFT 12
#define ENTRY_MSR_GS_BASE 0xc0000101

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

/* LAR's access-rights bits (pv/iret.c's refused_return). */
#define ENTRY_AR_PRESENT (1 << 15)
#define ENTRY_AR_DPL3 (3 << 13)
#define ENTRY_AR_S (1 << 12)
#define ENTRY_AR_CODE (1 << 11)
#define ENTRY_AR_WRITABLE (1 << 9)

#define ENTRY_EFLAGS_FIXED (1 << 1)
#define ENTRY_EFLAGS_TF (1 << 8)
#define ENTRY_EFLAGS_IF (1 << 9)
#define ENTRY_EFLAGS_DF (1 << 10)
#define ENTRY_EFLAGS_NT (1 << 14)
#define ENTRY_EFLAGS_RF (1 << 16)
#define ENTRY_EFLAGS_VM (1 << 17)
#define ENTRY_EFLAGS_AC (1 << 18)
#endif
