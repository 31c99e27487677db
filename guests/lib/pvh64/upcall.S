/*
 * The runtime's event upcall in pvh64 (events.h): the handler of the vector the
 * hypervisor injects while vcpu_info's evtchn_upcall_pending is set and the vCPU
 * has IF=1 (an interrupt gate: IF is clear inside). Record the vector, whether
 * events were masked (IF clear) and the CPU's frame (RIP, CS, RFLAGS), clear
 * evtchn_upcall_pending so the hypervisor stops injecting, return with iretq. No
 * EOI: there is no emulated local APIC.
 */
#include "pvh.h"

#define RFLAGS_IF_BIT 9

        .code64
        .text
        .globl upcall_entry, upcall_entry_2
        .type upcall_entry, @function
upcall_entry:                           /* PVH_UPCALL_VECTOR */
        push    %rax
        mov     $PVH_UPCALL_VECTOR, %eax
        jmp     upcall_common
        .size upcall_entry, . - upcall_entry

        .type upcall_entry_2, @function
upcall_entry_2:                         /* PVH_UPCALL_VECTOR_2 */
        push    %rax
        mov     $PVH_UPCALL_VECTOR_2, %eax
        jmp     upcall_common
        .size upcall_entry_2, . - upcall_entry_2

/* rsp: saved RAX, RIP, CS, RFLAGS, RSP, SS; eax: the vector. */
        .type upcall_common, @function
upcall_common:
        mov     %rax, upcall_vector(%rip)
        pushfq
        pop     %rax
        bt      $RFLAGS_IF_BIT, %rax
        setnc   %al
        movzbl  %al, %eax
        mov     %rax, upcall_mask_seen(%rip)
        movq    $0, upcall_frame + 0(%rip)
        movq    $0, upcall_frame + 8(%rip)
        mov     8(%rsp), %rax
        mov     %rax, upcall_frame + 16(%rip)   /* RIP */
        mov     16(%rsp), %rax
        mov     %rax, upcall_frame + 24(%rip)   /* CS */
        mov     24(%rsp), %rax
        mov     %rax, upcall_frame + 32(%rip)   /* RFLAGS */
        mov     upcall_vcpu_info(%rip), %rax
        movb    $0, (%rax)                      /* evtchn_upcall_pending = 0 */
        incq    upcall_count(%rip)
        pop     %rax
        iretq
        .size upcall_common, . - upcall_common

        .data
        .balign 8
        .globl upcall_frame, upcall_count, upcall_vcpu_info, upcall_mask_seen, upcall_vector
upcall_frame:     .fill 5, 8, 0
upcall_count:     .quad 0
upcall_vcpu_info: .quad 0
upcall_mask_seen: .quad 0
upcall_vector:    .quad 0
