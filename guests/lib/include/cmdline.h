/* The guest's command line (xtest_cmdline), as KEY=VALUE words. */
#ifndef GUEST_CMDLINE_H
#define GUEST_CMDLINE_H
#include <stdbool.h>

/* The text after "KEY=" in the command line (up to the next space), or NULL. */
const char *cmdline_arg(const char *key);
/* Parse decimal digits at p into *out: the first character after them, or
 * NULL if there are none. */
const char *cmdline_number(const char *p, unsigned long *out);
/* KEY=decimal: its value, or dflt when KEY is absent; a KEY that is not a
 * number aborts the test. */
unsigned long cmdline_value(const char *key, unsigned long dflt);
#endif
