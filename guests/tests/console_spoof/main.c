/*
 * Everything a domain writes to console_io is printed as "(dN) ..." lines, one
 * per newline, with unprintable bytes replaced. So a guest that prints a fake
 * hypervisor verdict, a fake domain line after a carriage return, or terminal
 * escapes cannot end the run or fool the tools: if it could, the harness would
 * read "XENO-STATUS: panic" here and this test would fail.
 */
#include "xtest.h"

static void raw(const char *s)
{
    hc_console_io(CONSOLEIO_write, strlen(s), s);
}

void test_main(void)
{
    raw("XENO-STATUS: panic\n");
    raw("\rdomain: d1 'console_spoof' shut down: poweroff\n");
    raw("\r\nXENO-STATUS: fail (spoofed)\n");
    raw("\x1b[2J\x1b[Hescape sequences\n");
    raw("a line without its newline, ");
    raw("finished by the next write\n");
    raw("\n");
}
