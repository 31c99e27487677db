/*
 * Serial input for domains (xen/console_input.c). Input goes either to the
 * hypervisor's debug keys or to one domain whose console the control domain
 * serves; Ctrl-A typed three times in a row moves it to the next of them.
 * Bytes for a domain wait in a small buffer and the control domain, told by
 * VIRQ_CONSOLE, takes them with domctl console_read and puts them into that
 * domain's console ring.
 */
#ifndef XENO_CONSOLE_INPUT_H
#define XENO_CONSOLE_INPUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_INPUT_SWITCH 0x01   /* Ctrl-A */
#define CONSOLE_INPUT_BUFFER 256

struct domain;

/* May another byte be read from the serial line? Not while the domain with
 * the input has a full buffer: the bytes wait in the UART (and the
 * emulator's queue) instead of being lost. */
bool console_input_ready(void);

/* One byte from the serial line: false when it is for the debug keys. */
bool console_input_byte(int c);

/* The oldest waiting bytes, all for one domain (its id in *domid): at most
 * room of them into buf; returns how many (0: none waiting). */
size_t console_input_take(uint16_t *domid, char *buf, size_t room);

/* A domain with a console backend started: the first gets the input. */
void console_input_domain_started(const struct domain *d);
#endif
