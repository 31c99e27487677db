/*
 * Console output of a test guest: console_io(CONSOLEIO_write), which the
 * hypervisor prints with a "(dN) " prefix per line.
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

/* Formats with the hypervisor's vsnprintf (xen/lib/vsnprintf.c: integers, %s, %p,
 * %c; no floating point). Lines longer than 255 characters are cut. */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Writes LEN bytes as they are. */
void console_write(const char *s, size_t len);

#endif /* GUEST_CONSOLE_H */
