/*
 * Guest user mode, the way a 64-bit PV kernel runs its processes (docs/abi.md): user
 * mode gets a page table of its own with MMUEXT_NEW_USER_BASEPTR (here the kernel's
 * L4, which the hypervisor accepts: any L4 the domain owns), the kernel enters it with
 * the iret hypercall and a CS with RPL 3, and what user code raises comes back to the
 * guest kernel on the stack_switch stack: exceptions, int3 and int $0x80 at the trap
 * table's handlers (traps.h), `syscall` at the syscall callback.
 *
 * User code may use memory and the probes of traps.h, but not a hypercall: a
 * `syscall` in user mode is a system call for this kernel. So no printf() or
 * xtest_fail() there either: user code records what it saw, the kernel side checks.
 */
#ifndef GUEST_USERMODE_H
#define GUEST_USERMODE_H

/* The vector slot of the struct cpu_regs a user system call arrives with (entry.S). */
#define USER_SYSCALL_VECTOR 0x100

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>
#include "traps.h"

/* Registers user_syscall_entry as the syscall callback (events masked on entry, as
 * Linux does), user_kernel_stack_top with stack_switch, and the guest's own L4 as
 * the user page table. Fails the test and returns false when one is refused. */
bool user_mode_setup(void);

/* Runs fn(arg) in guest user mode on the runtime's user stack and returns its result.
 * The iret into user mode asks for events on (EVENTS true) or masked; the caller's
 * event mask is restored afterwards. */
long user_call(long (*fn)(void *), void *arg, bool events);

/* A system call from user mode, as user_syscall_entry saved it. */
struct user_syscall {
    /* The user's registers, with rcx and r11 as the frame's RCX and R11 slots and
     * rip .. ss as its RIP, CS, RFLAGS, RSP, SS: what the iret back restores. */
    struct cpu_regs *regs;
    uint64_t entry_rsp;         /* rsp at the callback: the frame's address */
    uint64_t entry_rflags;      /* RFLAGS the callback started with */
    uint64_t entry_rcx, entry_r11;  /* rcx and r11 it started with (its RIP and RFLAGS) */
    unsigned int iret_flags;    /* for the iret back: VGCF_in_syscall (the default) or 0 */
};
typedef void (*user_syscall_handler)(struct user_syscall *sc);

/* Who handles system calls from user mode; NULL: each returns -ENOSYS. */
void user_set_syscall_handler(user_syscall_handler handler);

extern char user_syscall_entry[];       /* the syscall callback */
extern char user_kernel_stack_top[];    /* the stack_switch stack (16-byte aligned) */

#endif /* __ASSEMBLER__ */
#endif /* GUEST_USERMODE_H */
