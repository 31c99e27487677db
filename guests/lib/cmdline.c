/* The guest's command line as KEY=VALUE words (cmdline.h). */
#include "cmdline.h"
#include "xtest.h"

const char *cmdline_arg(const char *key)
{
    const char *cmdline = xtest_cmdline;
    size_t n = strlen(key);

    for (const char *p = cmdline; *p; p++)
        if ((p == cmdline || p[-1] == ' ') && !strncmp(p, key, n) && p[n] == '=')
            return p + n + 1;
    return NULL;
}

const char *cmdline_number(const char *p, unsigned long *out)
{
    const char *start = p;

    *out = 0;
    while (*p >= '0' && *p <= '9')
        *out = *out * 10 + (unsigned long)(*p++ - '0');
    return p == start ? NULL : p;
}

unsigned long cmdline_value(const char *key, unsigned long dflt)
{
    const char *p = cmdline_arg(key), *end;
    unsigned long v;

    if (!p)
        return dflt;
    end = cmdline_number(p, &v);
    if (!end || (*end && *end != ' '))
        xtest_abort("%s= on the command line is not a number", key);
    return v;
}
