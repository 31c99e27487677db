/* Console output of a test guest through console_io (see console.h). */
#include "xtest.h"

#define CONSOLE_LINE_MAX 256

void console_write(const char *s, size_t len)
{
    hc_console_io(CONSOLEIO_write, len, s);
}

void vprintf(const char *fmt, va_list ap)
{
    char buf[CONSOLE_LINE_MAX];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf)) {
        /* Cut: still end the line, so the next one starts at a line of its own. */
        n = sizeof(buf) - 1;
        buf[n - 1] = '\n';
    }
    console_write(buf, n);
}

void printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}
