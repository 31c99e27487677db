/*
 * Copies between the hypervisor and a guest's virtual memory. The guest's page
 * tables are live whenever the hypervisor serves a hypercall, so a guest
 * pointer is used as it is, after guest_range_ok(); a fault on it lands in the
 * exception table (.ex_table: faulting address, fixup address) and the copy
 * returns -EFAULT instead of taking the hypervisor down. CR0.WP is set, so a
 * read-only guest mapping stays read-only to these copies too.
 */
        .text
        .globl raw_copy_guest
        .type raw_copy_guest, @function
/* long raw_copy_guest(void *dst, const void *src, size_t n): 0 or -EFAULT */
/* Quadwords first, then the bytes left (a fault in either is -EFAULT). */
raw_copy_guest:
        mov %rdx, %rcx
        shr $3, %rcx
1:      rep movsq
        mov %edx, %ecx
        and $7, %ecx
2:      rep movsb
        xor %eax, %eax
        ret
3:      mov $-14, %rax
        ret
        .size raw_copy_guest, . - raw_copy_guest

        .section .ex_table, "a"
        .balign 8
        .quad 1b, 3b
        .quad 2b, 3b
