/* GDT, TSS and IDT layouts (Intel SDM Vol. 3, 3.4.5, 7.7, 6.14.1). */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#define SEL_CODE64 0x08
#define SEL_DATA 0x10
#define SEL_TSS 0x18     /* 16-byte descriptor: two slots */
#define GDT_ENTRIES 5

#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "TSS is 104 bytes");
_Static_assert(offsetof(struct tss64, ist) == 36, "IST1 at offset 36");

struct idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_entry) == 16, "IDT gate is 16 bytes");

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

void idt_init(void);
void idt_load(void);
#endif
#endif
