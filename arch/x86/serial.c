/*
 * 16550 UART on COM1: the hypervisor console. Polled output, because the
 * console must work before interrupts do and while panicking.
 */
#include <asm/console.h>
#include <asm/io.h>
#include <asm/serial.h>

#define COM1 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DATA_READY 0x01
#define UART_RBR 0
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define UART_CLOCK 115200

static int serial_ready;

void serial_init(unsigned int baud)
{
    unsigned int divisor = UART_CLOCK / baud;

    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80);                 /* DLAB: program the divisor */
    outb(COM1 + 0, divisor & 0xff);
    outb(COM1 + 1, divisor >> 8);
    outb(COM1 + UART_LCR, 0x03);                 /* 8N1 */
    outb(COM1 + UART_FCR, 0xc7);                 /* FIFO on, cleared */
    outb(COM1 + UART_MCR, 0x03);                 /* DTR, RTS */
    serial_ready = 1;
}

static void serial_putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THRE))
        ;
    outb(COM1 + UART_THR, (unsigned char)c);
}

void arch_console_write(const char *s, size_t len)
{
    if (!serial_ready)
        return;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

int serial_getc(void)
{
    if (!serial_ready || !(inb(COM1 + UART_LSR) & LSR_DATA_READY))
        return -1;
    return inb(COM1 + UART_RBR);
}

void serial_drain(void)
{
    if (!serial_ready)
        return;
    /* Bochs and real UARTs lose what is still in the FIFO when the machine stops. */
    while (!(inb(COM1 + UART_LSR) & LSR_TEMT))
        ;
}
