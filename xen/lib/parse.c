/*
 * Number, size and boolean parsers for command-line values (and later
 * configuration text).  Strict: every byte must belong to the value and
 * overflow is an error, so a typo never becomes a surprising setting.
 */
#include <stdbool.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/parse.h>
#include <xeno/string.h>

/* Digit value of c in any base up to 36, or 36 when c is not a digit. */
static unsigned int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned int)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned int)(c - 'a') + 10;
    if (c >= 'A' && c <= 'Z')
        return (unsigned int)(c - 'A') + 10;
    return 36;
}

static bool has_hex_prefix(const char *s)
{
    return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16;
}

int parse_ulong_prefix(const char *s, const char **end, unsigned int base,
                       unsigned long *val)
{
    const char *p = s;
    unsigned long v = 0;
    bool overflow = false;

    if (base == 1 || base > 36) {
        if (end)
            *end = s;
        return -EINVAL;
    }
    if (base == 0) {
        if (has_hex_prefix(p)) {
            base = 16;
            p += 2;
        } else if (p[0] == '0' && digit_value(p[1]) < 8) {
            base = 8;
            p++;
        } else {
            base = 10;
        }
    } else if (base == 16 && has_hex_prefix(p)) {
        p += 2;
    }

    if (digit_value(*p) >= base) {
        if (end)
            *end = s;
        return -EINVAL;
    }
    for (unsigned int d; (d = digit_value(*p)) < base; p++) {
        if (v > (~0UL - d) / base)
            overflow = true;
        else
            v = v * base + d;
    }
    if (end)
        *end = p;
    *val = overflow ? ~0UL : v;
    return overflow ? -ERANGE : 0;
}

int parse_ulong(const char *s, unsigned int base, unsigned long *val)
{
    const char *end;
    unsigned long v;
    int rc = parse_ulong_prefix(s, &end, base, &v);

    if (rc)
        return rc;
    if (*end)
        return -EINVAL;
    *val = v;
    return 0;
}

int parse_size(const char *s, unsigned long *bytes)
{
    const char *end;
    unsigned long v;
    unsigned int shift = 0;
    int rc = parse_ulong_prefix(s, &end, 0, &v);

    if (rc)
        return rc;
    switch (*end) {
    case '\0':              break;
    case 'k': case 'K':     shift = 10; end++; break;
    case 'm': case 'M':     shift = 20; end++; break;
    case 'g': case 'G':     shift = 30; end++; break;
    case 't': case 'T':     shift = 40; end++; break;
    default:                return -EINVAL;
    }
    if (*end)
        return -EINVAL;
    if (shift && v > (~0UL >> shift))
        return -ERANGE;
    *bytes = v << shift;
    return 0;
}

int parse_bool(const char *s)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };

    for (unsigned int i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i]))
            return 1;
        if (!strcmp(s, no[i]))
            return 0;
    }
    return -EINVAL;
}
