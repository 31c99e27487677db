/*
 * The failsafe callback: the frame is RCX, R11, DS, ES, FS, GS, RIP, CS,
 * RFLAGS, RSP, SS (lowest first). Record FS and the CS slot, drop the four
 * selector words, and return with HYPERVISOR_iret (pop rcx/r11, push the iret
 * `flags` word, enter hypercall-page entry 23).
 */
        .text
        .globl failsafe_entry
failsafe_entry:
        push %rax
        mov 8+32(%rsp), %rax
        mov %rax, failsafe_fs(%rip)
        mov 8+56(%rsp), %rax
        mov %rax, failsafe_cs(%rip)
        incq failsafe_count(%rip)
        pop %rax
        pop %rcx
        pop %r11
        add $32, %rsp
        pushq $0
        jmp hypercall_page + 23 * 32

        .data
        .balign 8
        .globl failsafe_fs, failsafe_cs, failsafe_count
failsafe_fs:    .quad 0
failsafe_cs:    .quad 0
failsafe_count: .quad 0
