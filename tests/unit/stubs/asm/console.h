/* Host stand-in for asm/console.h: output is captured for the tests. */
#ifndef STUB_ASM_CONSOLE_H
#define STUB_ASM_CONSOLE_H

#include <stddef.h>

void arch_console_write(const char *s, size_t len);

#endif
