/*
 * Application-processor start code. The BSP copies this blob to a free page
 * below 1 MiB (TRAMPOLINE_PHYS is patched into it at copy time via the
 * tramp_* fields) and sends INIT-SIPI-SIPI with that page as the start vector
 * (Intel SDM Vol. 3, 9.4.4). The AP starts in real mode at CS = page >> 4,
 * IP = 0, and climbs to long mode on the boot page tables, then jumps to
 * ap_start64 in head.S.
 *
 * The code is position-independent in real mode (everything is CS/DS-relative);
 * the far jumps need absolute addresses, which the BSP patches in.
 */
#include <asm/desc.h>

#define T(x) ((x) - trampoline_start)

        .section .rodata.trampoline, "a"
        .code16
        .globl trampoline_start, trampoline_end
        .globl tramp_pm32_target, tramp_lm64_target, tramp_gdt_base, tramp_cr3
trampoline_start:
        cli
        cld
        mov %cs, %ax
        mov %ax, %ds
        /* ebx = this page's physical base (CS << 4); it survives the mode
         * switches, and there is no stack yet to find it any other way. */
        xor %ebx, %ebx
        mov %ax, %bx
        shl $4, %ebx
        lgdtl T(tramp_gdt_ptr)
        mov %cr0, %eax
        or $1, %eax
        mov %eax, %cr0
        /* ljmpl $0x08, $pm32 with the offset patched to page + T(pm32) */
        .byte 0x66, 0xea
tramp_pm32_target:
        .long 0
        .short 0x08

        .code32
pm32:
        mov $0x10, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %ss
        mov %cr4, %eax
        or $(1 << 5), %eax                      /* PAE */
        mov %eax, %cr4
        mov T(tramp_cr3)(%ebx), %eax
        mov %eax, %cr3
        mov $0xc0000080, %ecx
        rdmsr
        or $((1 << 8) | (1 << 11)), %eax        /* LME, NXE (the BSP checked NX) */
        wrmsr
        mov %cr0, %eax
        or $0x80010000, %eax                    /* PG, WP */
        mov %eax, %cr0
        ljmp *T(tramp_lm64_target)(%ebx)

        .code64
lm64:
        movabs $ap_start64, %rax
        jmp *%rax

        .balign 8
tramp_gdt:
        .quad 0
        .quad 0x00cf9a000000ffff                /* 0x08: 32-bit code */
        .quad 0x00cf92000000ffff                /* 0x10: data */
        .quad 0x00af9a000000ffff                /* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_ptr:
        .short tramp_gdt_end - tramp_gdt - 1
tramp_gdt_base:
        .long 0                                 /* patched: page + T(tramp_gdt) */
tramp_cr3:
        .long 0                                 /* patched: boot_l4 physical */
tramp_lm64_target:
        .long 0                                 /* patched: page + T(lm64) */
        .short 0x18
trampoline_end:

        .globl tramp_off_pm32, tramp_off_lm64, tramp_off_gdt
        .section .rodata
        .balign 4
tramp_off_pm32: .long T(pm32)
tramp_off_lm64: .long T(lm64)
tramp_off_gdt:  .long T(tramp_gdt)
