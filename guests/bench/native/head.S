/*
 * The native benchmark kernel's entry: a multiboot2 header, then GRUB's 32-bit
 * protected-mode entry (EAX = magic, EBX = boot information, paging off). It maps
 * the first GiB identity with 2 MiB pages that ring 3 may use too (U/S set: the
 * user-mode loops run from the kernel's own image), loads a GDT with ring-0 and
 * ring-3 segments laid out for SYSCALL/SYSRET, enters long mode and calls
 * native_main(magic, info) on its own stack. Interrupts stay off throughout.
 */
#include "native.h"

#define MB2_HEADER_MAGIC 0xe85250d6
#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_US 0x4
#define PTE_PS 0x80
#define CR4_PAE (1 << 5)
#define CR0_PG (1 << 31)
#define MSR_EFER 0xc0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)

        .section .text.head, "ax"
        .code32
        .balign 8
multiboot2_header:
        .long MB2_HEADER_MAGIC
        .long 0                                 /* i386 protected mode */
        .long multiboot2_header_end - multiboot2_header
        .long -(MB2_HEADER_MAGIC + (multiboot2_header_end - multiboot2_header))
        .balign 8
        .short 0, 0                             /* end tag */
        .long 8
multiboot2_header_end:

        .globl start32
start32:
        cli
        cld
        mov     %eax, %edi
        mov     %ebx, %esi
        mov     $boot_stack_top, %esp

        /* Clear the three tables, then L2: 512 x 2 MiB covering the first GiB. */
        push    %edi
        mov     $boot_l4, %edi
        xor     %eax, %eax
        mov     $(3 * 4096 / 4), %ecx
        rep stosl
        pop     %edi
        mov     $boot_l2, %ebx
        xor     %ecx, %ecx
1:      mov     %ecx, %eax
        shl     $21, %eax
        or      $(PTE_P | PTE_RW | PTE_US | PTE_PS), %eax
        mov     %eax, (%ebx, %ecx, 8)
        inc     %ecx
        cmp     $512, %ecx
        jne     1b
        movl    $(boot_l2 + PTE_P + PTE_RW + PTE_US), boot_l3
        movl    $(boot_l3 + PTE_P + PTE_RW + PTE_US), boot_l4

        lgdt    gdt_pointer
        mov     %cr4, %eax
        or      $CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $boot_l4, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $(EFER_LME | EFER_SCE), %eax
        wrmsr
        mov     %cr0, %eax
        or      $CR0_PG, %eax
        mov     %eax, %cr0
        ljmp    $KERNEL_CS, $start64

        .code64
start64:
        mov     $KERNEL_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        mov     $boot_stack_top, %esp
        xor     %ebp, %ebp
        /* edi = magic, esi = info: native_main's arguments already. */
        call    native_main
2:      hlt
        jmp     2b

        .section .rodata
        .balign 16
/* SYSCALL loads CS = STAR[47:32] and SS = +8; SYSRET (64-bit) CS = STAR[63:48] + 16
 * and SS = STAR[63:48] + 8, both with RPL 3 (native.h). */
gdt:
        .quad 0
        .quad 0x00af9a000000ffff                /* 0x08 ring-0 code, 64-bit */
        .quad 0x00cf92000000ffff                /* 0x10 ring-0 data */
        .quad 0x00cff2000000ffff                /* 0x18 ring-3 data */
        .quad 0x00affa000000ffff                /* 0x20 ring-3 code, 64-bit */
gdt_end:
gdt_pointer:
        .short gdt_end - gdt - 1
        .quad gdt

        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
boot_l4:
        .skip 4096
boot_l3:
        .skip 4096
boot_l2:
        .skip 4096
        .skip 16384
boot_stack_top:
