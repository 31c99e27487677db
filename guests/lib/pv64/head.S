/*
 * The pv64 image: Xen ELF notes (HYPERCALL_PAGE names lib/hypercall_page.S), the
 * entry point and the runtime's page-aligned data. Linked at 1 MiB with VIRT_BASE 0
 * and PADDR_OFFSET 0, so virtual address = pseudo-physical address (lib/image.lds).
 *
 * Entry state (Xen's 64-bit PV start of day): rsi = start_info, rsp = the top of
 * the boot stack page the domain builder placed after the image, events masked.
 */
#include "elfnote_asm.h"

ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz "xeno-test")
ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "1")
ELFNOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .quad 0)
ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad 0)
ELFNOTE(XEN_ELFNOTE_ENTRY, .quad _start)
ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
/* What Linux and XTF declare; nothing here depends on either feature. */
ELFNOTE(XEN_ELFNOTE_FEATURES, .asciz "!writable_page_tables|pae_pgdir_above_4gb")

        .code64

        .section .text.entry, "ax", @progbits
        .globl _start
        .type _start, @function
_start:
        mov     %rsp, xtest_boot_rsp(%rip)
        /* An ELF loader leaves .bss zero: record the first word that is not (hello
         * checks it), then clear it, boot stack and all, while still on the
         * builder's stack. */
        lea     __bss_start(%rip), %rdi
        lea     __bss_end(%rip), %rcx
1:      cmp     %rcx, %rdi
        jae     3f
        cmpq    $0, (%rdi)
        je      2f
        cmpq    $0, xtest_bss_dirty(%rip)
        jne     2f
        mov     %rdi, xtest_bss_dirty(%rip)
2:      movq    $0, (%rdi)
        add     $8, %rdi
        jmp     1b
3:      lea     xtest_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        mov     %rsi, %rdi
        call    xtest_start
        ud2
        .size _start, . - _start

        .data
        .balign 8
        .globl xtest_boot_rsp, xtest_bss_dirty
xtest_boot_rsp:
        .quad 0
xtest_bss_dirty:
        .quad 0

/*
 * In this order: a mapped page, a page the runtime unmaps (bad-pointer tests use
 * the pair; a stack overflow runs into the unmapped one), the runtime's stack, and
 * the page shared_info is mapped over.
 */
#define STACK_SIZE (4 * 4096)
        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .globl xtest_below_guard_page, xtest_guard_page, xtest_stack_top
        .globl xtest_shared_info_page
xtest_below_guard_page:
        .skip 4096
xtest_guard_page:
        .skip 4096
        .skip STACK_SIZE
xtest_stack_top:
xtest_shared_info_page:
        .skip 4096
