/*
 * Exception entry for a pv64 test guest and the syscall callback for its user
 * mode (usermode.h).
 *
 * The hypervisor bounces an exception to the handler set_trap_table named, in guest
 * kernel mode, with this frame on the stack (lowest address first):
 *     RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS
 * Each stub pops RCX and R11 back into their registers, pushes a zero error code
 * where the vector has none, and the vector, so that every exception reaches
 * do_trap() with the same struct cpu_regs (traps.h). The return is the iret
 * hypercall, which takes (lowest address first)
 *     RAX, R11, RCX, FLAGS, RIP, CS, RFLAGS, RSP, SS
 * with FLAGS 0: restore R11 and RCX from the frame.
 */
#include "pv64_asm.h"
#include "usermode.h"
#include "gprs_asm.h"
#include "trap_stubs_asm.h"

        .code64
        .text

.macro TRAP_STUB vector, has_error
        .globl entry_\vector
        .type entry_\vector, @function
entry_\vector:
        pop     %rcx
        pop     %r11
        .if !\has_error
        push    $0
        .endif
        push    $\vector
        jmp     trap_common
        .size entry_\vector, . - entry_\vector
.endm

/* Every exception vector, and 0x80 for int $0x80. */
        TRAP_STUBS
        TRAP_STUB 0x80, 0


/* Calls fn(struct cpu_regs *) with the stack aligned as the C ABI wants; rbx keeps rsp. */
.macro CALL_WITH_REGS fn
        cld
        mov     %rsp, %rdi
        mov     %rsp, %rbx
        and     $~15, %rsp
        call    \fn
        mov     %rbx, %rsp
.endm

        .type trap_common, @function
trap_common:
        SAVE_GPRS
        CALL_WITH_REGS do_trap
        RESTORE_GPRS
        add     $16, %rsp               /* vector, error code */
        push    $0                      /* FLAGS: not VGCF_in_syscall */
        jmp     iret_to_frame
        .size trap_common, . - trap_common

/*
 * The syscall callback usermode.c registers: a `syscall` in guest user mode arrives
 * here in guest kernel mode, on the stack_switch stack, with the frame
 *     RCX, R11, RIP, CS, RFLAGS, RSP, SS
 * (no error code). RCX and R11 hold the user's return RIP and RFLAGS. The same
 * struct cpu_regs as for exceptions goes to do_user_syscall(), which leaves the
 * iret FLAGS (VGCF_in_syscall or 0) in its error-code slot.
 */
        .globl user_syscall_entry
        .type user_syscall_entry, @function
user_syscall_entry:
        mov     %rcx, user_syscall_entry_rcx(%rip)  /* rcx, r11, RFLAGS and rsp */
        mov     %r11, user_syscall_entry_r11(%rip)  /* as the callback found them */
        pushfq
        popq    user_syscall_entry_rflags(%rip)
        mov     %rsp, user_syscall_entry_rsp(%rip)
        pop     %rcx
        pop     %r11
        push    $0                      /* the iret FLAGS, on the way out */
        push    $USER_SYSCALL_VECTOR
        SAVE_GPRS
        CALL_WITH_REGS do_user_syscall
        RESTORE_GPRS
        add     $8, %rsp                /* vector; FLAGS stay, just below RIP */
        jmp     iret_to_frame
        .size user_syscall_entry, . - user_syscall_entry

/* rsp points at FLAGS, RIP, CS, RFLAGS, RSP, SS: add RCX, R11 and RAX and return to
 * that frame with the iret hypercall. */
        .type iret_to_frame, @function
iret_to_frame:
        push    %rcx
        push    %r11
        push    %rax
        mov     $HYPERVISOR_IRET, %eax
        syscall
        ud2                             /* iret does not return here */
        .size iret_to_frame, . - iret_to_frame

        .bss
        .balign 8
        .globl user_syscall_entry_rflags, user_syscall_entry_rsp
        .globl user_syscall_entry_rcx, user_syscall_entry_r11
user_syscall_entry_rflags:
        .quad 0
user_syscall_entry_rsp:
        .quad 0
user_syscall_entry_rcx:
        .quad 0
user_syscall_entry_r11:
        .quad 0
