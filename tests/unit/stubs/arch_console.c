/* Host serial sink: arch_console_write appends to a buffer tests read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/console.h>
#include "stub.h"

static char *captured;
static size_t captured_len, captured_cap;

void arch_console_write(const char *s, size_t len)
{
    if (captured_len + len + 1 > captured_cap) {
        size_t cap = (captured_len + len + 1) * 2;
        char *p = realloc(captured, cap);

        if (!p) {
            perror("arch_console_write");
            exit(2);
        }
        captured = p;
        captured_cap = cap;
    }
    memcpy(captured + captured_len, s, len);
    captured_len += len;
    captured[captured_len] = '\0';
}

const char *stub_console_output(void)
{
    return captured ? captured : "";
}

size_t stub_console_length(void)
{
    return captured_len;
}

void stub_console_reset(void)
{
    captured_len = 0;
    if (captured)
        captured[0] = '\0';
}
