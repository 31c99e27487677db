/*
 * The x86_64 vCPU context of VCPUOP_initialise (Xen's vcpu_guest_context and
 * cpu_user_regs, public/arch-x86/xen.h and xen-x86_64.h): the whole state a
 * guest gives a vCPU before it first runs. Layouts checked below.
 */
#ifndef PUBLIC_VCPU_CONTEXT_H
#define PUBLIC_VCPU_CONTEXT_H
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>

struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;        /* Xen's own: ignored */
    uint32_t entry_vector;      /* Xen's own: ignored */
    uint64_t rip;
    uint16_t cs, pad0;
    uint8_t saved_upcall_mask;
    uint8_t pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, pad2[3];
    uint16_t es, pad3[3];
    uint16_t ds, pad4[3];
    uint16_t fs, pad5[3];
    uint16_t gs, pad6[3];
};
_Static_assert(sizeof(struct cpu_user_regs) == 200, "cpu_user_regs layout");
_Static_assert(offsetof(struct cpu_user_regs, rip) == 128, "cpu_user_regs layout");
_Static_assert(offsetof(struct cpu_user_regs, cs) == 136, "cpu_user_regs layout");
_Static_assert(offsetof(struct cpu_user_regs, saved_upcall_mask) == 140, "cpu_user_regs layout");
_Static_assert(offsetof(struct cpu_user_regs, rflags) == 144, "cpu_user_regs layout");
_Static_assert(offsetof(struct cpu_user_regs, ss) == 160, "cpu_user_regs layout");
_Static_assert(offsetof(struct cpu_user_regs, gs) == 192, "cpu_user_regs layout");

/* vcpu_guest_context.flags */
#define VGCF_i387_valid (1U << 0)               /* fpu_ctxt holds an FXSAVE image */
#define VGCF_in_kernel (1U << 2)                /* start in guest kernel mode */
#define VGCF_failsafe_disables_events (1U << 3)
#define VGCF_syscall_disables_events (1U << 4)
#define VGCF_online (1U << 5)                   /* Xen's own: ignored */

struct vcpu_guest_context {
    uint8_t fpu_ctxt[512];
    uint64_t flags;
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];            /* entry i is vector i's handler */
    uint64_t ldt_base, ldt_ents;
    uint64_t gdt_frames[16], gdt_ents;
    uint64_t kernel_ss, kernel_sp;
    uint64_t ctrlreg[8];                        /* [3] kernel L4, [1] user L4, as cr3 values */
    uint64_t debugreg[8];
    uint64_t event_callback_eip;
    uint64_t failsafe_callback_eip;
    uint64_t syscall_callback_eip;
    uint64_t vm_assist;
    uint64_t fs_base, gs_base_kernel, gs_base_user;
};
_Static_assert(offsetof(struct vcpu_guest_context, flags) == 512, "vcpu_guest_context layout");
_Static_assert(offsetof(struct vcpu_guest_context, user_regs) == 520, "vcpu_guest_context layout");
_Static_assert(offsetof(struct vcpu_guest_context, trap_ctxt) == 720, "vcpu_guest_context layout");
_Static_assert(offsetof(struct vcpu_guest_context, ldt_base) == 4816, "vcpu_guest_context layout");
_Static_assert(offsetof(struct vcpu_guest_context, gdt_frames) == 4832, "vcpu_guest_context layout");
_Static_assert(offsetof(struct vcpu_guest_context, gdt_ents) == 4960, "vcpu_guest_context layout");
_Static_assert(offsetof(struct vcpu_guest_context, kernel_ss) == 4968, "vcpu_guest_context layout");
_Static_assert(offsetof(struct vcpu_guest_context, ctrlreg) == 4984, "vcpu_guest_context layout");
_Static_assert(offsetof(struct vcpu_guest_context, debugreg) == 5048, "vcpu_guest_context layout");
_Static_assert(offsetof(struct vcpu_guest_context, event_callback_eip) == 5112, "vcpu_guest_context layout");
_Static_assert(offsetof(struct vcpu_guest_context, vm_assist) == 5136, "vcpu_guest_context layout");
_Static_assert(offsetof(struct vcpu_guest_context, fs_base) == 5144, "vcpu_guest_context layout");
_Static_assert(sizeof(struct vcpu_guest_context) == 5168, "vcpu_guest_context layout");

/* A cr3 value of ctrlreg[] and the machine frame it names. */
#define xen_pfn_to_cr3(pfn) ((uint64_t)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((uint64_t)(cr3) >> 12)
#endif
