/* The console sink that xen/console.c writes to. */
#ifndef ASM_CONSOLE_H
#define ASM_CONSOLE_H
#include <stddef.h>

void arch_console_write(const char *s, size_t len);
#endif
