/*
 * 64-bit SYSCALL from a PV guest, and the three fast paths that serve the common
 * cases without the general path's C (do_trap, pv_syscall, pv_return_to_guest):
 *
 *  - a hypercall from guest kernel mode whose handler is in hypercall_pv_fast_table;
 *  - a system call from guest user mode, bounced to the guest kernel's syscall
 *    callback (pv_syscall and pv_bounce, pv/syscall.c and pv/bounce.c);
 *  - HYPERVISOR_iret from guest kernel mode (pv/iret.c's do_iret), to user mode or
 *    back to the kernel.
 *
 * Each does every check its general path does, or falls back to it before changing
 * anything; whatever is unusual (a 32-bit call, TF or RF at entry, no callback, a
 * frame that is unreadable or names something the general path refuses, pending
 * softirqs, a scheduler request, a vCPU that may not go on, an event pending) goes
 * the general way, which then decides and reports exactly as before. They return
 * by sysretq wherever it gives what iretq would (Xen's restore_all_guest does the
 * same), else by trap_common's iretq.
 *
 * Why they are in assembly, in one page (.text.entry, see xeno.lds.S): under QEMU
 * TCG, which the benchmarks run on, a guest system call costs mostly the two CR3
 * writes of its mode switches. Each flushes TCG's whole software TLB and its jump
 * cache, so afterwards every page touched costs a page walk and every code block
 * reached by a return or an indirect jump a hash lookup. The general path touches
 * some 20 pages and reaches some 30 blocks that way per mode switch; these paths
 * touch the code page, the stack, the percpu, the vCPU, its domain and vcpu_info, the
 * softirq and scheduler flags, the guest's stack (and the GDT when the guest's own
 * selectors are checked), and their only such block boundaries are the SYSCALL, the
 * wrmsr and CR3 writes and the return (docs/benchmarks.md, linux_micro).
 *
 * The frame is the one an interrupt from CPL3 makes (struct cpu_regs), so
 * trap_common's return (restore_frame, entry.S) serves the general path. Guest
 * memory is read and written with plain moves that each have an exception-table
 * entry, after guest_range_ok()'s check.
 */
#include <asm/desc.h>
#include <asm/percpu_offsets.h>
#include <asm/syscall.h>
#include <asm/entry_offsets.h>

        .if (GUEST_CS64 != GUEST_CS32 + 16) || (GUEST_DS != GUEST_CS32 + 8)
        .error "sysretq (STAR[63:48] = GUEST_CS32) would not load GUEST_CS64 and GUEST_DS"
        .endif

/* Flags a trap entry clears (pv/bounce.c, PV_RFLAGS_CLEAR_ON_TRAP). */
#define CLEAR_ON_TRAP (ENTRY_EFLAGS_TF | ENTRY_EFLAGS_NT | ENTRY_EFLAGS_RF | \
                       ENTRY_EFLAGS_VM | ENTRY_EFLAGS_AC)

/* The registers the fast paths leave in the CPU (the guest's still), into the
 * frame, which then is a whole struct cpu_regs of a 64-bit SYSCALL. */
        .macro save_callee_saved
        mov %rbx, FRAME_RBX(%rsp)
        mov %rbp, FRAME_RBP(%rsp)
        mov %r12, FRAME_R12(%rsp)
        mov %r13, FRAME_R13(%rsp)
        mov %r14, FRAME_R14(%rsp)
        mov %r15, FRAME_R15(%rsp)
        movq $0, FRAME_ERROR_CODE(%rsp)
        movq $VECTOR_SYSCALL64, FRAME_VECTOR(%rsp)
        .endm

/* The frame as the general path wants it: rcx and r11, which SYSCALL clobbered,
 * are the frame's RIP and RFLAGS, as after a syscall. */
        .macro save_rest
        save_callee_saved
        mov FRAME_RIP(%rsp), %rcx
        mov %rcx, FRAME_RCX(%rsp)
        mov FRAME_RFLAGS(%rsp), %r11
        mov %r11, FRAME_R11(%rsp)
        .endm

/* An exception-table entry: a fault at \insn resumes at \fixup. */
        .macro ex_entry insn, fixup
        .section .ex_table, "a"
        .quad \insn, \fixup
        .previous
        .endm

/* To \fail unless \reg is canonical (bits 63..47 equal). Clobbers \tmp. */
        .macro canonical reg, tmp, fail
        mov \reg, \tmp
        shl $16, \tmp
        sar $16, \tmp
        cmp \reg, \tmp
        jne \fail
        .endm

/* To \fail unless [\addr, \addr + \len) passes guest_range_ok() (asm/guest_access.h):
 * no wrap, and wholly below the canonical hole or wholly above the hypervisor's
 * slots. Clobbers \t1 and \t2. */
        .macro guest_range addr, len, fail, t1, t2
        lea (\len - 1)(\addr), \t1
        cmp \addr, \t1
        jb \fail
        mov $ENTRY_GUEST_LOW_END, \t2
        cmp \t2, \t1
        jb .Lrange_ok\@
        mov $ENTRY_HYPERVISOR_VIRT_END, \t2
        cmp \t2, \addr
        jb \fail
.Lrange_ok\@:
        .endm

/* pv_return_to_guest()'s "nothing to do": no softirq and no scheduler request on
 * this CPU, its vCPU runnable and not paused, no event pending for it (checked
 * whether masked or not: the general path sorts that out), its domain active.
 * \pc holds this CPU's percpu and ends up holding the domain; clobbers \tmp.
 * Interrupts are off from SYSCALL to sysretq: what another CPU raises meanwhile
 * comes with an IPI, taken once the guest runs. */
        .macro no_return_work pc, tmp, fail
        mov PERCPU_SOFTIRQ_PENDING(\pc), \tmp
        cmpq $0, (\tmp)
        jne \fail
        mov PERCPU_SCHED_REQUESTED(\pc), \tmp
        cmpb $0, (\tmp)
        jne \fail
        mov PERCPU_CURRENT(\pc), \pc
        cmpl $ENTRY_VCPU_RUNNABLE, VCPU_STATE(\pc)
        jne \fail
        cmpl $0, VCPU_PAUSE_COUNT(\pc)
        jne \fail
        mov VCPU_VCPU_INFO(\pc), \tmp
        cmpb $0, VCPU_INFO_UPCALL_PENDING(\tmp)
        jne \fail
        mov VCPU_DOMAIN(\pc), \pc
        cmpl $ENTRY_DOMAIN_ACTIVE, DOMAIN_STATE(\pc)
        jne \fail
        .endm

/* pv_toggle_mode() (pv/context.c) for the vCPU \v (not rax, rcx or rdx): the GS
 * base of the mode left is saved (the guest may have changed it by loading a
 * selector), the other mode's loaded, then CR3. Clobbers rax, rcx, rdx. */
        .macro toggle_mode v, save_base, load_base, l4, kernel_mode
        mov $ENTRY_MSR_GS_BASE, %ecx
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        mov %rax, \save_base(\v)
        movb $\kernel_mode, VCPU_PV_KERNEL_MODE(\v)
        mov \load_base(\v), %rax
        mov %rax, %rdx
        shr $32, %rdx
        wrmsr
        mov \l4(\v), %rax
        shl $ENTRY_PAGE_SHIFT, %rax
        mov %rax, %cr3
        .endm

        .section .text.entry, "ax"

/*
 * SYSCALL: RCX = the guest's RIP, R11 = its RFLAGS, RSP still its own. swapgs
 * reaches this CPU's percpu (MSR_KERNEL_GS_BASE) just long enough to switch stacks,
 * then gives the guest its GS base back, so the rest of the hypervisor never
 * depends on GS. rax and the six argument registers go into the frame; rbx, rbp
 * and r12-r15 stay in the CPU until a path needs the whole frame (save_rest).
 *
 * sysretq is taken only where it returns exactly what iretq would:
 *  - the RIP returned to is canonical. On Intel CPUs sysretq to a non-canonical
 *    RCX raises #GP in ring 0 on the guest's stack; a guest can arrange one by
 *    ending a syscall instruction at 0x00007fffffffffff.
 *  - RFLAGS has neither TF (sysretq would trap at once in the guest, iretq after
 *    its next instruction) nor RF (sysretq cannot restore it) set.
 *  - CS and SS are GUEST_CS64 and GUEST_DS, as STAR makes sysretq load (checked
 *    above), and the RCX/R11 the guest gets are its RIP/RFLAGS, as sysretq leaves
 *    them.
 *  - SS in the hypervisor is the non-null one SYSCALL loaded (no AMD SS
 *    attribute erratum): nothing between here and the sysretq changes it.
 */
        .balign 64
        .globl syscall_entry64
        .type syscall_entry64, @function
syscall_entry64:
        swapgs
        mov %rsp, %gs:PERCPU_SYSCALL_SCRATCH
        mov %gs:PERCPU_SYSCALL_STACK_TOP, %rsp
        pushq $GUEST_DS                         /* ss */
        pushq %gs:PERCPU_SYSCALL_SCRATCH        /* rsp */
        push %r11                               /* rflags */
        pushq $GUEST_CS64                       /* cs */
        push %rcx                               /* rip */
        mov %gs:PERCPU_SELF, %rcx               /* this CPU's percpu */
        swapgs
        sub $FRAME_RIP, %rsp                    /* the rest of the frame */
        mov %rax, FRAME_RAX(%rsp)
        mov %rdi, FRAME_RDI(%rsp)
        mov %rsi, FRAME_RSI(%rsp)
        mov %rdx, FRAME_RDX(%rsp)
        mov %r8, FRAME_R8(%rsp)
        mov %r9, FRAME_R9(%rsp)
        mov %r10, FRAME_R10(%rsp)
        mov %rcx, FRAME_ERROR_CODE(%rsp)        /* the percpu, until the exit */
        test $(ENTRY_EFLAGS_TF | ENTRY_EFLAGS_RF), %r11d
        jnz .Lsyscall_general
        canonical FRAME_RIP(%rsp), %r11, .Lsyscall_general
        mov PERCPU_CURRENT(%rcx), %rcx
        cmpb $0, VCPU_PV_KERNEL_MODE(%rcx)
        je .Lsyscall_bounce                     /* from guest user mode */
        /* iret before the table: it has a path of its own, and every return of a
         * PV kernel to user mode is one, so it does without the table's page. */
        cmp $ENTRY_HYPERCALL_IRET, %rax
        je .Lhypercall_iret
        cmp $ENTRY_NR_HYPERCALLS, %rax
        jae .Lsyscall_general
        lea hypercall_pv_fast_table(%rip), %r11
        mov (%r11, %rax, 8), %r11
        test %r11, %r11
        jz .Lsyscall_general
        mov VCPU_DOMAIN(%rcx), %rcx
        incq DOMAIN_STATS_HYPERCALLS(%rcx)
        mov %r10, %rcx                          /* the fourth argument */
        call *%r11
        cmp $-ENTRY_ERESTART, %rax
        je .Lhypercall_exit_general
        mov FRAME_ERROR_CODE(%rsp), %rcx        /* the percpu */
        no_return_work %rcx, %rdx, .Lhypercall_exit_general
        /* No handler in the table writes the frame: RIP and RFLAGS are still the
         * ones checked above. rax is the result. */

/* Back to the guest as the frame says, by sysretq, rax already the guest's: its
 * RIP and RFLAGS passed the checks above, CS and SS are the flat ones, rbx, rbp
 * and r12-r15 are still the guest's. */
.Lsysret_to_frame:
        mov FRAME_RDI(%rsp), %rdi
        mov FRAME_RSI(%rsp), %rsi
        mov FRAME_RDX(%rsp), %rdx
        mov FRAME_R8(%rsp), %r8
        mov FRAME_R9(%rsp), %r9
        mov FRAME_R10(%rsp), %r10
        mov FRAME_RIP(%rsp), %rcx
        mov FRAME_RFLAGS(%rsp), %r11
        mov FRAME_RSP(%rsp), %rsp               /* the guest's: no more memory accesses */
        sysretq

/* The handler has run; rax is its result. pv_hypercall_exit() stores it (or
 * sets up the continuation) and does what pv_return_to_guest does. */
.Lhypercall_exit_general:
        save_rest
        mov %rsp, %rdi
        mov %rax, %rsi
        call pv_hypercall_exit
        jmp restore_frame

/* Not for a fast path: the general path, as any trap (nothing has changed yet). */
.Lsyscall_general:
        save_rest
        mov %rsp, %rdi
        call do_trap
        jmp restore_frame

/*
 * A system call from guest user mode (rcx = the vCPU): pv_syscall's bounce to the
 * syscall callback. The guest kernel gets the frame RCX, R11, RIP, CS, RFLAGS, RSP,
 * SS on its stack_switch stack (16-byte aligned), CS with the event mask it had in
 * bits 32-39 and RFLAGS.IF = !mask; the callback starts in kernel mode with the
 * user's registers but for RCX/R11 (its RIP and RFLAGS, as sysretq leaves them:
 * the user's are in the frame), TF NT RF VM AC and DF clear, and events masked if
 * it was registered so. No callback (#UD for the guest) and a stack the frame would
 * not fit in (the domain crashes) go the general way before anything changes.
 */
.Lsyscall_bounce:
        mov %rcx, %r8                           /* the vCPU */
        mov VCPU_PV_SYSCALL_CB(%r8), %rsi       /* the callback */
        test %rsi, %rsi
        jz .Lsyscall_general
        canonical %rsi, %rdx, .Lsyscall_general /* registered canonical: for sysretq */
        mov FRAME_ERROR_CODE(%rsp), %rdx        /* the percpu */
        no_return_work %rdx, %r9, .Lsyscall_general
        mov VCPU_PV_KERNEL_SP(%r8), %rdi
        and $~15, %rdi
        sub $BOUNCE_SYSCALL_FRAME_SIZE, %rdi    /* the frame's address */
        guest_range %rdi, BOUNCE_SYSCALL_FRAME_SIZE, .Lsyscall_general, %rdx, %r9
        /* Into guest kernel mode: its stack is mapped only by its own page table. */
        toggle_mode %r8, VCPU_PV_GS_BASE_USER, VCPU_PV_GS_BASE_KERNEL, VCPU_PV_KERNEL_L4_MFN, 1
        mov VCPU_VCPU_INFO(%r8), %r9
        movzbl VCPU_INFO_UPCALL_MASK(%r9), %r10d    /* the user's event mask */
        mov FRAME_RIP(%rsp), %rax
        mov FRAME_RFLAGS(%rsp), %rdx
1:      mov %rax, 0(%rdi)                       /* RCX: the return RIP */
2:      mov %rdx, 8(%rdi)                       /* R11: the user's RFLAGS */
3:      mov %rax, 16(%rdi)                      /* RIP */
        mov %r10, %rax
        shl $32, %rax
        or $GUEST_CS64, %rax
4:      mov %rax, 24(%rdi)                      /* CS, the mask in bits 32-39 */
        and $~ENTRY_EFLAGS_IF, %rdx
        test %r10d, %r10d
        jnz 5f
        or $ENTRY_EFLAGS_IF, %rdx
5:      mov %rdx, 32(%rdi)                      /* RFLAGS, IF = !mask */
        mov FRAME_RSP(%rsp), %rax
6:      mov %rax, 40(%rdi)                      /* RSP */
7:      movq $GUEST_DS, 48(%rdi)                /* SS */
        ex_entry 1b, .Lbounce_unwritable
        ex_entry 2b, .Lbounce_unwritable
        ex_entry 3b, .Lbounce_unwritable
        ex_entry 4b, .Lbounce_unwritable
        ex_entry 5b, .Lbounce_unwritable
        ex_entry 6b, .Lbounce_unwritable
        ex_entry 7b, .Lbounce_unwritable
        cmpb $0, VCPU_PV_SYSCALL_CB_MASK(%r8)
        je 8f
        movb $1, VCPU_INFO_UPCALL_MASK(%r9)
8:      mov FRAME_RFLAGS(%rsp), %rdx
        and $~(CLEAR_ON_TRAP | ENTRY_EFLAGS_DF), %rdx
        or $ENTRY_EFLAGS_IF, %rdx
        mov %rdx, FRAME_RFLAGS(%rsp)
        mov %rsi, FRAME_RIP(%rsp)
        mov %rdi, FRAME_RSP(%rsp)
        mov VCPU_DOMAIN(%r8), %rdx
        incq DOMAIN_STATS_FAST_BOUNCES(%rdx)
        mov FRAME_RAX(%rsp), %rax               /* the user's */
        jmp .Lsysret_to_frame

/* A write of the bounce frame faulted (rdi: the frame's address), in kernel mode
 * now, as the general path would be when its copy_to_guest failed: the domain
 * crashes with the general path's words. */
.Lbounce_unwritable:
        save_rest
        mov %rdi, %rsi
        mov %rsp, %rdi
        call pv_syscall_bounce_unwritable
        jmp restore_frame

/*
 * HYPERVISOR_iret from guest kernel mode (rcx = the vCPU), as do_iret: the guest's
 * rsp points at RAX, R11, RCX, FLAGS, RIP, CS, RFLAGS, RSP, SS. Taken here when the
 * frame is readable and refused_return() would pass it: a canonical RIP, a CS and
 * an SS the CPU will load (the flat ones, or as `lar` finds them in the GDT in
 * force, Linux's own user selectors included); CS RPL 3 (user mode) needs a user
 * page table. Anything else goes the general way, which refuses it (crashing the
 * domain). The guest gets CS and SS with RPL 3, RFLAGS clamped by
 * pv_guest_rflags(), the event mask !IF, RAX from the frame, RCX/R11 from it too
 * unless VGCF_in_syscall (then its RIP and RFLAGS, as sysretq leaves them). It
 * returns by sysretq when that gives the same (the flat CS and SS in bits 15..0,
 * RCX = RIP, R11 = RFLAGS, no TF or RF), else by iretq. Until the commit the frame's VECTOR
 * and ERROR_CODE slots, which the general path rewrites, hold CS and SS.
 */
.Lhypercall_iret:
        mov FRAME_ERROR_CODE(%rsp), %rdx        /* the percpu */
        no_return_work %rdx, %r8, .Lsyscall_general
        mov FRAME_RSP(%rsp), %rsi               /* the iret frame */
        guest_range %rsi, IRET_CONTEXT_SIZE, .Lsyscall_general, %rdx, %r8
1:      mov IRET_CS(%rsi), %rdx
2:      mov IRET_SS(%rsi), %r8
        test $3, %dl
        jz 3f                                   /* back to kernel mode */
        cmpq $0, VCPU_PV_USER_L4_MFN(%rcx)
        je .Lsyscall_general                    /* no user page table: refused */
3:      mov %rdx, FRAME_VECTOR(%rsp)            /* CS as asked: its RPL is the mode */
        or $3, %rdx
        or $3, %r8
        mov %r8, FRAME_ERROR_CODE(%rsp)         /* SS as it will be */
        cmp $GUEST_CS64, %dx                    /* the flat ones are always usable */
        jne 4f                                  /* (the CPU loads bits 15..0 alone) */
        cmp $GUEST_DS, %r8w
        je 5f
4:      lar %edx, %eax                          /* refused_return()'s test */
        jnz .Lsyscall_general
        and $(ENTRY_AR_PRESENT | ENTRY_AR_DPL3 | ENTRY_AR_S | ENTRY_AR_CODE), %eax
        cmp $(ENTRY_AR_PRESENT | ENTRY_AR_DPL3 | ENTRY_AR_S | ENTRY_AR_CODE), %eax
        jne .Lsyscall_general
        lar %r8d, %eax
        jnz .Lsyscall_general
        and $(ENTRY_AR_PRESENT | ENTRY_AR_DPL3 | ENTRY_AR_S | ENTRY_AR_CODE | ENTRY_AR_WRITABLE), %eax
        cmp $(ENTRY_AR_PRESENT | ENTRY_AR_DPL3 | ENTRY_AR_S | ENTRY_AR_WRITABLE), %eax
        jne .Lsyscall_general
5:      mov IRET_RIP(%rsi), %rdi
        canonical %rdi, %r8, .Lsyscall_general
6:      mov IRET_RFLAGS(%rsi), %r8              /* what the guest asks for */
        mov %r8, %r9
        and $ENTRY_RFLAGS_GUEST_SETTABLE, %r9
        or $(ENTRY_EFLAGS_IF | ENTRY_EFLAGS_FIXED), %r9     /* what it gets */
7:      mov IRET_FLAGS(%rsi), %r10
        mov %rdi, %rax                          /* VGCF_in_syscall: RCX, R11 as */
        mov %r9, %r11                           /* sysretq leaves them */
        test $ENTRY_VGCF_IN_SYSCALL, %r10d
        jnz 10f
8:      mov IRET_RCX(%rsi), %rax
9:      mov IRET_R11(%rsi), %r11
10:     mov IRET_RSP(%rsi), %r10
11:     mov IRET_RAX(%rsi), %rsi
        ex_entry 1b, .Lsyscall_general
        ex_entry 2b, .Lsyscall_general
        ex_entry 5b, .Lsyscall_general
        ex_entry 6b, .Lsyscall_general
        ex_entry 7b, .Lsyscall_general
        ex_entry 8b, .Lsyscall_general
        ex_entry 9b, .Lsyscall_general
        ex_entry 10b, .Lsyscall_general
        ex_entry 11b, .Lsyscall_general
        /* Accepted: from here on nothing falls back. */
        mov %rsi, FRAME_RAX(%rsp)
        mov %rax, FRAME_RCX(%rsp)
        mov %r11, FRAME_R11(%rsp)
        mov %rdi, FRAME_RIP(%rsp)
        mov %r9, FRAME_RFLAGS(%rsp)
        mov %r10, FRAME_RSP(%rsp)
        mov FRAME_VECTOR(%rsp), %rdx            /* CS as asked */
        mov %rdx, %rax
        or $3, %rax
        mov %rax, FRAME_CS(%rsp)
        mov FRAME_ERROR_CODE(%rsp), %rax
        mov %rax, FRAME_SS(%rsp)
        mov VCPU_VCPU_INFO(%rcx), %rsi
        not %r8
        shr $9, %r8                             /* ENTRY_EFLAGS_IF's bit */
        and $1, %r8d
        mov %r8b, VCPU_INFO_UPCALL_MASK(%rsi)   /* the event mask: !IF */
        mov VCPU_DOMAIN(%rcx), %rsi
        incq DOMAIN_STATS_HYPERCALLS(%rsi)
        incq DOMAIN_STATS_FAST_IRETS(%rsi)
        test $3, %dl
        jz 12f
        mov %rcx, %r8                           /* into guest user mode */
        toggle_mode %r8, VCPU_PV_GS_BASE_KERNEL, VCPU_PV_GS_BASE_USER, VCPU_PV_USER_L4_MFN, 0
        mov VCPU_DOMAIN(%r8), %rsi
12:     cmpw $GUEST_CS64, FRAME_CS(%rsp)       /* what iretq would load, */
        jne .Liret_by_iretq                     /* bits 63..16 aside */
        cmpw $GUEST_DS, FRAME_SS(%rsp)
        jne .Liret_by_iretq
        mov FRAME_RIP(%rsp), %rax
        cmp FRAME_RCX(%rsp), %rax
        jne .Liret_by_iretq
        mov FRAME_RFLAGS(%rsp), %rax
        cmp FRAME_R11(%rsp), %rax
        jne .Liret_by_iretq
        test $(ENTRY_EFLAGS_TF | ENTRY_EFLAGS_RF), %eax
        jnz .Liret_by_iretq
        incq DOMAIN_STATS_FAST_IRET_SYSRETS(%rsi)
        mov FRAME_RAX(%rsp), %rax               /* the frame's */
        jmp .Lsysret_to_frame

/* A frame sysretq cannot give (other selectors, RCX/R11 not RIP/RFLAGS, TF or
 * RF): the whole frame, and trap_common's iretq. */
.Liret_by_iretq:
        save_callee_saved
        jmp restore_frame
        .size syscall_entry64, . - syscall_entry64
