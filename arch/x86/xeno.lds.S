/*
 * Hypervisor image layout. Linked at XEN_VIRT_OFFSET + XEN_LOAD_PHYS, loaded by
 * GRUB at XEN_LOAD_PHYS (the ELF program headers carry physical load
 * addresses). Sections are page-aligned and grouped so that the final page
 * tables can map text read-execute, rodata read-only and data read-write, all
 * but text non-executable (W^X).
 *
 * The embedded symbol table (.rodata.symtab) comes after all text, so the second
 * link that fills it in moves no function.
 */
#include <asm/page.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start32)   /* GRUB maps the entry through the segment to its physical address */

PHDRS
{
    text PT_LOAD FLAGS(5);      /* R X */
    rodata PT_LOAD FLAGS(4);    /* R */
    data PT_LOAD FLAGS(6);      /* R W */
}

SECTIONS
{
    . = XEN_VIRT_OFFSET + XEN_LOAD_PHYS;
    _start = .;
    _stext = .;
    .text : AT(ADDR(.text) - XEN_VIRT_OFFSET) {
        *(.text.head)
        /* The SYSCALL entry and its fast paths (entry_syscall.S) in a page of
         * their own: under QEMU TCG each page touched after a guest's CR3 switch
         * costs a software-TLB refill, and jumps within a page chain blocks. */
        . = ALIGN(4096);
        _stext_entry = .;
        *(.text.entry)
        _etext_entry = .;
        *(.text .text.*)
    } :text
    ASSERT(_etext_entry - _stext_entry <= 4096, "entry_syscall.S's .text.entry outgrew its page")
    . = ALIGN(4096);
    _etext = .;

    _srodata = .;
    .rodata : AT(ADDR(.rodata) - XEN_VIRT_OFFSET) {
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __start_xeno_params = .;
        KEEP(*(xeno_params))
        __stop_xeno_params = .;
        . = ALIGN(8);
        __start_ex_table = .;
        KEEP(*(.ex_table))
        __stop_ex_table = .;
        . = ALIGN(8);
        *(.rodata.symtab)
    } :rodata
    .got : AT(ADDR(.got) - XEN_VIRT_OFFSET) { *(.got .got.plt) } :rodata
    . = ALIGN(4096);
    _erodata = .;

    _sdata = .;
    .data : AT(ADDR(.data) - XEN_VIRT_OFFSET) {
        *(.data .data.*)
    } :data
    .bss : AT(ADDR(.bss) - XEN_VIRT_OFFSET) {
        _sbss = .;
        *(.bss.page_aligned)
        *(.bss .bss.* COMMON)
        _ebss = .;
    } :data
    . = ALIGN(4096);
    _end = .;


    /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame) *(.rela*) *(.dynamic) *(.interp) }
}
