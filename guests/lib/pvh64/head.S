/*
 * The pvh64 image: Xen ELF notes, the 32-bit entry point and the switch to long
 * mode, the runtime's GDT and page-aligned data. Linked and loaded at 1 MiB
 * physical (lib/image.lds); the runtime maps virtual = physical.
 *
 * Entry state (Xen's PVH ABI, docs/misc/pvh.pandoc): 32-bit flat protected mode,
 * paging off, CS 0x08, DS/ES/SS 0x10, EBX = guest-physical address of
 * hvm_start_info, interrupts off, every other register 0 (ESP too: no stack).
 * Everything is recorded first (pvh_entry_state; hello checks it), then .bss is
 * checked and cleared, the boot page tables built (the first GiB with 2 MiB
 * pages; lib/pvh64/setup.c refines them), long mode entered and xtest_start
 * called with the hvm_start_info address.
 */
#include "elfnote_asm.h"
#include "pvh.h"

ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz "xeno-test")
ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "1")
/* Xen needs only PHYS32_ENTRY of a PVH image; Xeno's ELF checks (pv/elf.c) still
 * ask every kernel for these two, as for PV. */
ELFNOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
/* The physical 32-bit entry point: what makes this a PVH kernel. */
ELFNOTE(XEN_ELFNOTE_PHYS32_ENTRY, .long _start)

#define X86_CR0_WP (1 << 16)
#define X86_CR0_PG (1 << 31)
#define X86_CR4_PAE (1 << 5)
#define X86_CR4_OSFXSR (1 << 9)
#define X86_CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
/* Entry bits: present, writable, user (pvh_user_hypercall runs code at CPL 3 on
 * these very tables), and a 2 MiB page at the directory level. */
#define PTE_TABLE 0x7
#define PDE_2M 0x87

        .section .text.entry, "ax", @progbits
        .code32
        .globl _start
        .type _start, @function
_start:
        mov     %eax, pvh_entry_state + 0
        mov     %ebx, pvh_entry_state + 4
        mov     %ecx, pvh_entry_state + 8
        mov     %edx, pvh_entry_state + 12
        mov     %esi, pvh_entry_state + 16
        mov     %edi, pvh_entry_state + 20
        mov     %ebp, pvh_entry_state + 24
        mov     %esp, pvh_entry_state + 28
        /* A few words of stack in .data to read EFLAGS with (.bss must stay as
         * the loader left it until it is checked). */
        mov     $entry_stack_top, %esp
        pushfl
        popl    pvh_entry_state + 32
        mov     %cr0, %eax
        mov     %eax, pvh_entry_state + 36
        mov     %cr4, %eax
        mov     %eax, pvh_entry_state + 40
        mov     %cs, pvh_entry_state + 44
        mov     %ds, pvh_entry_state + 46
        mov     %es, pvh_entry_state + 48
        mov     %ss, pvh_entry_state + 50
        mov     %fs, pvh_entry_state + 52
        mov     %gs, pvh_entry_state + 54

        /* An ELF loader leaves .bss zero: record the first word that is not (hello
         * checks it), then clear it. */
        mov     $__bss_start, %edi
        mov     $__bss_end, %ecx
1:      cmp     %ecx, %edi
        jae     3f
        cmpl    $0, (%edi)
        je      2f
        cmpl    $0, xtest_bss_dirty
        jne     2f
        mov     %edi, xtest_bss_dirty
2:      movl    $0, (%edi)
        add     $4, %edi
        jmp     1b
3:
        /* The boot page tables: L4[0] -> L3[0] -> a directory of 512 2 MiB pages. */
        movl    $pvh_boot_pdpt + PTE_TABLE, pvh_boot_pml4
        movl    $pvh_boot_pd + PTE_TABLE, pvh_boot_pdpt
        mov     $pvh_boot_pd, %edi
        mov     $PDE_2M, %eax
        mov     $512, %ecx
4:      mov     %eax, (%edi)
        add     $0x200000, %eax
        add     $8, %edi
        loop    4b

        /* Long mode (SDM Vol. 3A 10.8.5): PAE, CR3, EFER.LME, then paging (with
         * WP, so read-only pages hold at CPL 0 too). SSE on (OSFXSR, OSXMMEXCPT),
         * as a kernel has it: a PV guest gets it from the hypervisor. */
        mov     %cr4, %eax
        or      $(X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT), %eax
        mov     %eax, %cr4
        mov     $pvh_boot_pml4, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        wrmsr
        mov     %cr0, %eax
        or      $(X86_CR0_PG | X86_CR0_WP), %eax
        mov     %eax, %cr0
        lgdt    pvh_gdt_ptr
        ljmp    $PVH_KERNEL_CS, $start64

        .code64
start64:
        mov     $PVH_KERNEL_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lea     xtest_stack_top(%rip), %rsp
        xor     %ebp, %ebp
        mov     pvh_entry_state + 4(%rip), %edi         /* hvm_start_info */
        call    xtest_start
        ud2
        .size _start, . - _start

        .data
        .balign 8
        .globl xtest_boot_rsp, xtest_bss_dirty, pvh_entry_state
xtest_boot_rsp:                 /* there is no boot stack: ESP is 0 at entry */
        .quad 0
xtest_bss_dirty:
        .quad 0
pvh_entry_state:
        .fill 56, 1, 0
        .fill 4, 4, 0
entry_stack_top:

/*
 * The GDT: kernel code and data, user data and code (DPL 3), and a 64-bit TSS
 * whose descriptor setup.c writes (its base is only known at link time as a
 * 64-bit address). The selectors are pvh.h's.
 */
        .balign 16
        .globl pvh_gdt, pvh_gdt_ptr
pvh_gdt:
        .quad 0
        .quad 0x00af9a000000ffff        /* 0x08 64-bit code, DPL 0 */
        .quad 0x00cf92000000ffff        /* 0x10 data, DPL 0 */
        .quad 0x00cff2000000ffff        /* 0x18 data, DPL 3 */
        .quad 0x00affa000000ffff        /* 0x20 64-bit code, DPL 3 */
        .quad 0, 0                      /* 0x28 TSS */
pvh_gdt_end:
        .balign 8
        .word 0, 0, 0                   /* so that the base is 8-aligned */
pvh_gdt_ptr:                            /* 32-bit lgdt reads 6 bytes, 64-bit 10 */
        .word pvh_gdt_end - pvh_gdt - 1
        .quad pvh_gdt

/*
 * In this order, as in pv64: a mapped page, a page the runtime unmaps (bad-pointer
 * tests use the pair; a stack overflow runs into the unmapped one), the runtime's
 * stack, and the page shared_info is put over. Then the pages grant frames are put
 * over, a page mapped read-only, the stacks for entries from CPL 3 (TSS RSP0) and
 * for #DF (IST1), the stack pvh_user_hypercall runs on, and the boot page tables.
 */
#define STACK_SIZE (4 * 4096)
        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .globl xtest_below_guard_page, xtest_guard_page, xtest_stack_top
        .globl xtest_shared_info_page, pvh_grant_pages, pvh_read_only_page
        .globl pvh_ring0_stack_top, pvh_df_stack_top, pvh_user_stack_top
        .globl pvh_boot_pml4, pvh_boot_pdpt, pvh_boot_pd
xtest_below_guard_page:
        .skip 4096
xtest_guard_page:
        .skip 4096
        .skip STACK_SIZE
xtest_stack_top:
xtest_shared_info_page:
        .skip 4096
pvh_grant_pages:
        .skip PVH_GRANT_PAGES * 4096
pvh_read_only_page:
        .skip 4096
        .skip 4096
pvh_ring0_stack_top:
        .skip 4096
pvh_df_stack_top:
        .skip 4096
pvh_user_stack_top:
pvh_boot_pml4:
        .skip 4096
pvh_boot_pdpt:
        .skip 4096
pvh_boot_pd:
        .skip 4096
