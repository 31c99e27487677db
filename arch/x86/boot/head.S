/*
 * Multiboot2 entry. GRUB jumps here in 32-bit protected mode with paging off,
 * EAX = magic and EBX = physical address of the boot information (Multiboot2
 * spec 3.3). We build just enough page tables to reach long mode (identity map
 * of the first GiB plus the same GiB at the image's link address), switch to
 * 64-bit code at the high address and call start_xeno(magic, info).
 */
#include <asm/page.h>
#include <asm/desc.h>

#define PA(x) ((x) - XEN_VIRT_OFFSET)
#define MB2_HEADER_MAGIC 0xe85250d6
#define PTE_P 0x1
#define PTE_RW 0x2
#define PTE_PS 0x80
/* L3 slot of XEN_VIRT_OFFSET within L4 slot 261: bits 38..30. */
#define L4_SLOT_IMAGE ((XEN_VIRT_OFFSET >> 39) & 511)
#define L3_SLOT_IMAGE ((XEN_VIRT_OFFSET >> 30) & 511)

        .section .text.head, "ax"
        .code32
        .balign 8
multiboot2_header:
        .long MB2_HEADER_MAGIC
        .long 0                                 /* architecture: i386 protected mode */
        .long multiboot2_header_end - multiboot2_header
        .long -(MB2_HEADER_MAGIC + (multiboot2_header_end - multiboot2_header))
        /* Module alignment tag: page-aligned modules, so later issues can hand
         * module frames to domains without copying. */
        .balign 8
        .short 6, 0
        .long 8
        .balign 8
        .short 0, 0                             /* end tag */
        .long 8
multiboot2_header_end:

        .globl start32
start32:
        cli
        cld
        mov %eax, %edi                          /* magic, kept for start_xeno */
        mov %ebx, %esi                          /* info, kept for start_xeno */
        rdtsc                                   /* entry time, for `xeno bench boot` */
        mov %eax, PA(boot_tsc_entry)
        mov %edx, PA(boot_tsc_entry) + 4
        mov $PA(boot_stack_top), %esp

        /* Long mode and NX are both required; without them stop with a code on
         * the serial line rather than faulting somewhere obscure. */
        mov $0x80000000, %eax
        cpuid
        cmp $0x80000001, %eax
        jb no_long_mode
        mov $0x80000001, %eax
        cpuid
        bt $29, %edx
        jnc no_long_mode

        /* L2: 512 x 2 MiB pages covering the first GiB. */
        mov $PA(boot_l2), %ebx
        xor %ecx, %ecx
1:      mov %ecx, %eax
        shl $21, %eax
        or $(PTE_P | PTE_RW | PTE_PS), %eax
        mov %eax, (%ebx, %ecx, 8)
        movl $0, 4(%ebx, %ecx, 8)
        inc %ecx
        cmp $512, %ecx
        jne 1b

        mov $PA(boot_l2) + (PTE_P | PTE_RW), %eax
        mov %eax, PA(boot_l3_low)
        mov %eax, PA(boot_l3_high) + L3_SLOT_IMAGE * 8
        mov $PA(boot_l3_low) + (PTE_P | PTE_RW), %eax
        mov %eax, PA(boot_l4)
        mov $PA(boot_l3_high) + (PTE_P | PTE_RW), %eax
        mov %eax, PA(boot_l4) + L4_SLOT_IMAGE * 8

        mov %cr4, %eax
        or $(1 << 5), %eax                      /* PAE */
        mov %eax, %cr4
        mov $PA(boot_l4), %eax
        mov %eax, %cr3
        mov $0xc0000080, %ecx                   /* EFER: LME, and NXE if present */
        rdmsr
        or $(1 << 8), %eax
        mov %eax, %ebp
        mov $0x80000001, %eax
        cpuid
        mov %ebp, %eax
        bt $20, %edx
        jnc 2f
        or $(1 << 11), %eax
2:      mov $0xc0000080, %ecx
        xor %edx, %edx
        wrmsr
        mov %cr0, %eax
        or $0x80010001, %eax                    /* PG, WP, PE */
        mov %eax, %cr0

        lgdt PA(boot_gdt_ptr)
        ljmp $BOOT_SEL_CODE64, $PA(start64_low)

no_long_mode:
        /* "NO64" on COM1, then halt: the CPU cannot run this hypervisor. */
        mov $0x3f8, %dx
        mov $'N', %al
        out %al, %dx
        mov $'O', %al
        out %al, %dx
        mov $'6', %al
        out %al, %dx
        mov $'4', %al
        out %al, %dx
3:      hlt
        jmp 3b

        .code64
start64_low:
        movabs $start64_high, %rax
        jmp *%rax

        .text
        .type start64_high, @function
start64_high:
        mov $BOOT_SEL_DATA, %eax
        mov %eax, %ds
        mov %eax, %es
        mov %eax, %ss
        xor %eax, %eax
        mov %eax, %fs
        mov %eax, %gs
        lea boot_stack_top(%rip), %rsp
        xor %ebp, %ebp
        /* edi = magic, esi = info: already the first two C arguments. */
        mov %edi, %edi
        mov %esi, %esi
        call start_xeno
4:      hlt
        jmp 4b
        .size start64_high, . - start64_high

/* Application processors arrive here from the real-mode trampoline, running on
 * boot_l4; they switch to the final page tables and their own stack. */
        .globl ap_start64
        .type ap_start64, @function
ap_start64:
        mov $BOOT_SEL_DATA, %eax
        mov %eax, %ds
        mov %eax, %es
        mov %eax, %ss
        mov ap_boot_cr3(%rip), %rax
        mov %rax, %cr3
        mov ap_boot_rsp(%rip), %rsp
        xor %ebp, %ebp
        call start_secondary
5:      hlt
        jmp 5b
        .size ap_start64, . - ap_start64

        .section .rodata
        .balign 16
boot_gdt:
        .quad 0
        .quad 0x00af9a000000ffff                /* 0x08: 64-bit code */
        .quad 0x00cf92000000ffff                /* 0x10: data */
boot_gdt_end:
        .globl boot_gdt_ptr
boot_gdt_ptr:
        .short boot_gdt_end - boot_gdt - 1
        .quad PA(boot_gdt)

        .data
        .balign 8
        .globl boot_tsc_entry, ap_boot_cr3, ap_boot_rsp
boot_tsc_entry: .quad 0
ap_boot_cr3:    .quad 0
ap_boot_rsp:    .quad 0

        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .globl boot_l4
boot_l4:        .skip 4096
boot_l3_low:    .skip 4096
boot_l3_high:   .skip 4096
boot_l2:        .skip 4096
boot_stack:     .skip 16384
boot_stack_top:
