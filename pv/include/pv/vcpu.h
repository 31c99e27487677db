/* The state of a 64-bit PV vCPU that the hardware does not keep for us. */
#ifndef PV_VCPU_H
#define PV_VCPU_H
#include <stdbool.h>
#include <stdint.h>
#include <asm/desc.h>
#include <asm/traps.h>

struct pv_trap {
    uint64_t address;           /* 0: no handler registered */
    uint8_t flags;              /* trap_info flags: DPL, mask events */
};

struct pv_callback {
    uint64_t address;
    bool mask_events;
};

enum pv_callback_kind { PV_CB_EVENT, PV_CB_FAILSAFE, PV_CB_SYSCALL, PV_CB_SYSCALL32,
                        PV_CB_SYSENTER, PV_CB_NMI, PV_CB_COUNT };

/*
 * The fields from regs to gs_base_user are what a system call's trip through the
 * fast paths of arch/x86/entry_syscall.S reads and writes; they stay within the
 * vCPU's first page (struct vcpu is page-aligned), so under QEMU TCG that trip
 * refills one TLB entry for them, not two. traps[] (4 KiB) therefore comes last.
 */
struct pv_vcpu {
    struct cpu_regs regs;       /* guest registers while the vCPU is not on a CPU */
    bool kernel_mode;           /* guest kernel (true) or guest user mode */
    uint64_t kernel_l4_mfn;     /* CR3 in kernel mode (NEW_BASEPTR) */
    uint64_t user_l4_mfn;       /* CR3 in user mode (NEW_USER_BASEPTR); 0 = none */
    uint64_t kernel_ss, kernel_sp;          /* stack_switch */
    struct pv_callback callbacks[PV_CB_COUNT];
    uint64_t fs_base, gs_base_kernel, gs_base_user;
    uint16_t ds, es, fs, gs;                /* selectors, saved on context switch */
    /* set_gdt: the guest's frames, and validated shadow copies that the CPU uses,
     * so the guest cannot change a live descriptor behind our back. */
    uint64_t gdt_guest_mfns[GDT_GUEST_PAGES];
    uint64_t gdt_shadow_mfns[GDT_GUEST_PAGES];
    unsigned int gdt_frames;
    unsigned int gdt_entries;               /* descriptors in them (set_gdt's count) */
    unsigned int iopl;                      /* virtual IOPL (physdev_op set_iopl) */
    uint64_t debugreg[8];                   /* set_debugreg; not loaded into hardware yet */
    bool fpu_ts;                            /* fpu_taskswitch: CR0.TS as the guest sees it */
    uint64_t cr4;                           /* CR4 as the guest sees it (mov to/from CR4) */
    uint8_t fpu_state[512] __attribute__((aligned(16)));   /* fxsave area */
    bool fpu_saved;
    struct pv_trap traps[256];              /* set_trap_table */
};
#endif
