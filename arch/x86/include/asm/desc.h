/* GDT, TSS and IDT layouts (Intel SDM Vol. 3, 3.4.5, 7.7, 6.14.1). */
#ifndef ASM_DESC_H
#define ASM_DESC_H

/* The boot GDT (head.S) used until each CPU loads its own. */
#define BOOT_SEL_CODE64 0x08
#define BOOT_SEL_DATA 0x10

/*
 * Each CPU's GDT is a 16-page window (limit 0xffff). Pages 0-13 hold the running
 * PV guest's descriptor frames (set_gdt), or an empty page; page 14 (byte 0xe000,
 * FIRST_RESERVED_GDT_BYTE in the public ABI) holds the hypervisor's descriptors
 * and the flat ring-3 selectors every PV guest may use; page 15 is empty.
 * SYSCALL/SYSRET need CS, SS in this order: STAR[47:32] = 0xe008 (SS 0xe010),
 * STAR[63:48] = 0xe023 (64-bit user CS 0xe033, SS 0xe02b).
 */
#define HYPERVISOR_CS 0xe008
#define HYPERVISOR_DS 0xe010
#define GUEST_CS32 0xe023       /* FLAT_RING3_CS32 */
#define GUEST_DS 0xe02b         /* FLAT_RING3_DS32 / SS */
#define GUEST_CS64 0xe033       /* FLAT_RING3_CS64 */
#define SEL_TSS 0xe040          /* 16-byte descriptor */
#define GDT_WINDOW_PAGES 16
#define GDT_GUEST_PAGES 14
#define GDT_RESERVED_BYTE 0xe000
#define GDT_RESERVED_ENTRIES 16 /* descriptors in the reserved page we use */

#define SEL_CODE64 HYPERVISOR_CS
#define SEL_DATA HYPERVISOR_DS

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
