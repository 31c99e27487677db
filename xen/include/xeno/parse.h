/*
 * Strict number, size and boolean parsers for command-line values and
 * configuration text: they report bad input instead of guessing.
 * Each returns 0 or a negative errno.
 */
#ifndef XENO_PARSE_H
#define XENO_PARSE_H

/*
 * Parse an unsigned number at the start of s.  base 0 accepts 0x (hex),
 * a leading 0 (octal) or decimal; base 16 also accepts a 0x prefix.
 * *end (if end is not NULL) gets the first byte not parsed.
 * -EINVAL: no digits (*end = s).  -ERANGE: too big (*val = ULONG_MAX).
 */
int parse_ulong_prefix(const char *s, const char **end, unsigned int base,
                       unsigned long *val);

/* As parse_ulong_prefix, but the whole string must be the number. */
int parse_ulong(const char *s, unsigned int base, unsigned long *val);

/* A number (base 0) with an optional K, M, G or T suffix (powers of 1024). */
int parse_size(const char *s, unsigned long *bytes);

/*
 * 1/yes/on/true/enable -> 1, 0/no/off/false/disable -> 0, else -EINVAL.
 */
int parse_bool(const char *s);

#endif /* XENO_PARSE_H */
