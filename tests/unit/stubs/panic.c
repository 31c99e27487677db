/*
 * Host panic(): records the message and jumps back into the harness,
 * either to the EXPECT_PANIC that asked for it or out of the test, which
 * then fails.  It never returns, as the real one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <xeno/lib.h>
#include "../harness.h"
#include "stub.h"

char stub_panic_message[1024];
unsigned long stub_panic_count;

_Noreturn void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(stub_panic_message, sizeof(stub_panic_message), fmt, ap);
    va_end(ap);
    stub_panic_count++;
    test_panic_return();
}
