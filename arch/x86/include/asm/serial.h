/* COM1 console driver. */
#ifndef ASM_SERIAL_H
#define ASM_SERIAL_H
void serial_init(unsigned int baud);
void serial_drain(void);
/* A byte typed on the console, or -1 if none is waiting (never blocks). */
int serial_getc(void);
#endif
