/*
 * The runtime's event callback (include/events.h). The hypervisor bounced here with events masked and the
 * frame RCX, R11, RIP, CS, RFLAGS, RSP, SS on the stack (docs/abi.md). Record
 * the frame, clear upcall_pending, and return through HYPERVISOR_iret: pop
 * rcx/r11, push the iret `flags` word (0), and enter hypercall-page entry 23,
 * which pushes rcx, r11 and rax to complete the iret_context.
 */
        .text
        .globl upcall_entry
upcall_entry:
        push %rax
        mov 8(%rsp), %rax
        mov %rax, upcall_frame + 0(%rip)      /* RCX */
        mov 16(%rsp), %rax
        mov %rax, upcall_frame + 8(%rip)      /* R11 */
        mov 24(%rsp), %rax
        mov %rax, upcall_frame + 16(%rip)     /* RIP */
        mov 32(%rsp), %rax
        mov %rax, upcall_frame + 24(%rip)     /* CS, saved mask in 32-39 */
        mov 40(%rsp), %rax
        mov %rax, upcall_frame + 32(%rip)     /* RFLAGS */
        mov upcall_vcpu_info(%rip), %rax
        movzbl 1(%rax), %eax                  /* evtchn_upcall_mask now */
        mov %rax, upcall_mask_seen(%rip)
        mov upcall_vcpu_info(%rip), %rax
        movb $0, (%rax)                       /* evtchn_upcall_pending = 0 */
        incq upcall_count(%rip)
        pop %rax
        pop %rcx
        pop %r11
        pushq $0
        jmp hypercall_page + 23 * 32

        .data
        .balign 8
        .globl upcall_frame, upcall_count, upcall_vcpu_info, upcall_mask_seen
upcall_frame:     .fill 5, 8, 0
upcall_count:     .quad 0
upcall_vcpu_info: .quad 0
upcall_mask_seen: .quad 0
