/*
 * The legacy 8259 PICs are not used (the LAPIC and, later, the IOAPIC are),
 * but firmware may leave them routing IRQ0-7 to vectors 8-15, which are CPU
 * exceptions. Remap them above the exceptions and mask every line.
 */
#include <asm/io.h>
#include <asm/pic.h>

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_REMAP_BASE 0x20

void pic_disable(void)
{
    outb(PIC1_CMD, 0x11);               /* ICW1: init, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, PIC_REMAP_BASE);    /* ICW2: vector base */
    outb(PIC2_DATA, PIC_REMAP_BASE + 8);
    outb(PIC1_DATA, 0x04);              /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);              /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xff);              /* mask all */
    outb(PIC2_DATA, 0xff);
}
