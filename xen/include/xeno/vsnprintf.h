/*
 * Bounded string formatting for printk and for building messages.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, with the flags - 0 # + and
 * space, a width and a precision (numbers or *), and the length modifiers
 * hh h l ll z t j.  %p prints 0x and 16 hex digits.  %s of NULL prints
 * "(null)".  Anything else (including %n and floating point) is copied
 * to the output as written.  Widths and precisions above 4096 are capped.
 *
 * The output is always NUL-terminated when size > 0; the return value is
 * the length the full output would have had.
 */
#ifndef XENO_VSNPRINTF_H
#define XENO_VSNPRINTF_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* XENO_VSNPRINTF_H */
