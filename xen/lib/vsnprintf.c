/*
 * vsnprintf/snprintf for the freestanding hypervisor (see xeno/vsnprintf.h
 * for what is supported).  Integers only: the hypervisor is built without
 * floating point registers.
 */
#include <stdbool.h>
#include <stdint.h>
#include <xeno/lib.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>

#define FORMAT_MAX_WIDTH 4096

enum {
    F_LEFT  = 1 << 0,   /* '-' */
    F_ZERO  = 1 << 1,   /* '0' */
    F_ALT   = 1 << 2,   /* '#' */
    F_PLUS  = 1 << 3,   /* '+' */
    F_SPACE = 1 << 4,   /* ' ' */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct spec {
    unsigned int flags;
    int width;
    int precision;      /* -1: none given */
    enum length length;
};

/* The output buffer; len counts every byte, written or not. */
struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put_char(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_repeat(struct out *o, char c, int n)
{
    while (n-- > 0)
        put_char(o, c);
}

static void put_string(struct out *o, const char *s, size_t n)
{
    while (n--)
        put_char(o, *s++);
}

/* Reads a decimal number, saturating at FORMAT_MAX_WIDTH. */
static int read_count(const char **p)
{
    int n = 0;

    while (**p >= '0' && **p <= '9') {
        if (n < FORMAT_MAX_WIDTH)
            n = n * 10 + (**p - '0');
        (*p)++;
    }
    return n > FORMAT_MAX_WIDTH ? FORMAT_MAX_WIDTH : n;
}

static void parse_flags(const char **p, struct spec *s)
{
    for (;; (*p)++) {
        switch (**p) {
        case '-': s->flags |= F_LEFT; break;
        case '0': s->flags |= F_ZERO; break;
        case '#': s->flags |= F_ALT; break;
        case '+': s->flags |= F_PLUS; break;
        case ' ': s->flags |= F_SPACE; break;
        default:  return;
        }
    }
}

static void parse_width_precision(const char **p, struct spec *s, va_list *ap)
{
    if (**p == '*') {
        int w = va_arg(*ap, int);

        (*p)++;
        if (w < 0) {
            s->flags |= F_LEFT;
            w = w < -FORMAT_MAX_WIDTH ? FORMAT_MAX_WIDTH : -w;
        }
        s->width = w > FORMAT_MAX_WIDTH ? FORMAT_MAX_WIDTH : w;
    } else {
        s->width = read_count(p);
    }

    s->precision = -1;
    if (**p != '.')
        return;
    (*p)++;
    if (**p == '*') {
        int prec = va_arg(*ap, int);

        (*p)++;
        s->precision = prec < 0 ? -1 :
                       (prec > FORMAT_MAX_WIDTH ? FORMAT_MAX_WIDTH : prec);
    } else {
        s->precision = read_count(p);
    }
}

static void parse_length(const char **p, struct spec *s)
{
    switch (**p) {
    case 'h':
        (*p)++;
        s->length = LEN_H;
        if (**p == 'h') {
            (*p)++;
            s->length = LEN_HH;
        }
        break;
    case 'l':
        (*p)++;
        s->length = LEN_L;
        if (**p == 'l') {
            (*p)++;
            s->length = LEN_LL;
        }
        break;
    case 'z': (*p)++; s->length = LEN_Z; break;
    case 't': (*p)++; s->length = LEN_T; break;
    case 'j': (*p)++; s->length = LEN_J; break;
    default:  s->length = LEN_NONE; break;
    }
}

static long long fetch_signed(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_HH: return (signed char)va_arg(*ap, int);
    case LEN_H:  return (short)va_arg(*ap, int);
    case LEN_L:  return va_arg(*ap, long);
    case LEN_LL: return va_arg(*ap, long long);
    case LEN_Z:  return (ptrdiff_t)va_arg(*ap, size_t);
    case LEN_T:  return va_arg(*ap, ptrdiff_t);
    case LEN_J:  return va_arg(*ap, intmax_t);
    default:     return va_arg(*ap, int);
    }
}

static unsigned long long fetch_unsigned(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:  return va_arg(*ap, unsigned long);
    case LEN_LL: return va_arg(*ap, unsigned long long);
    case LEN_Z:  return va_arg(*ap, size_t);
    case LEN_T:  return (size_t)va_arg(*ap, ptrdiff_t);
    case LEN_J:  return va_arg(*ap, uintmax_t);
    default:     return va_arg(*ap, unsigned int);
    }
}

/*
 * Lays out [spaces][sign/prefix][zeros][digits][spaces] the way C does:
 * a precision is a minimum digit count and turns off '0' padding.
 */
static void put_number(struct out *o, unsigned long long v, unsigned int base,
                       bool upper, const char *prefix, struct spec s)
{
    const char *digit_chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24];                /* 22 octal digits cover 64 bits */
    int ndigits = 0;

    if (v != 0 || s.precision != 0) {
        do {
            digits[ndigits++] = digit_chars[v % base];
            v /= base;
        } while (v);
    }

    int prefix_len = (int)strlen(prefix);
    int zeros = s.precision > ndigits ? s.precision - ndigits : 0;

    /* '#' with 'o': the first digit printed must be a 0. */
    if (base == 8 && (s.flags & F_ALT) && zeros == 0 &&
        (ndigits == 0 || digits[ndigits - 1] != '0'))
        zeros = 1;

    if ((s.flags & F_ZERO) && !(s.flags & F_LEFT) && s.precision < 0) {
        int room = s.width - prefix_len - ndigits;

        if (room > zeros)
            zeros = room;
    }

    int pad = s.width - prefix_len - zeros - ndigits;

    if (!(s.flags & F_LEFT))
        put_repeat(o, ' ', pad);
    put_string(o, prefix, (size_t)prefix_len);
    put_repeat(o, '0', zeros);
    while (ndigits)
        put_char(o, digits[--ndigits]);
    if (s.flags & F_LEFT)
        put_repeat(o, ' ', pad);
}

static void put_padded(struct out *o, const char *s, size_t n,
                       const struct spec *sp)
{
    int pad = sp->width > (int)n ? sp->width - (int)n : 0;

    if (!(sp->flags & F_LEFT))
        put_repeat(o, ' ', pad);
    put_string(o, s, n);
    if (sp->flags & F_LEFT)
        put_repeat(o, ' ', pad);
}

static void format_signed(struct out *o, const struct spec *s, va_list *ap)
{
    long long v = fetch_signed(s->length, ap);
    /* Negate in unsigned arithmetic so LLONG_MIN is fine. */
    unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v
                                   : (unsigned long long)v;
    const char *sign = v < 0 ? "-" :
                       (s->flags & F_PLUS) ? "+" :
                       (s->flags & F_SPACE) ? " " : "";

    put_number(o, mag, 10, false, sign, *s);
}

static void format_unsigned(struct out *o, char conv, const struct spec *s,
                            va_list *ap)
{
    unsigned long long v = fetch_unsigned(s->length, ap);
    unsigned int base = conv == 'o' ? 8 : (conv == 'u' ? 10 : 16);
    const char *prefix = "";

    if ((s->flags & F_ALT) && v != 0 && base == 16)
        prefix = conv == 'X' ? "0X" : "0x";
    put_number(o, v, base, conv == 'X', prefix, *s);
}

static void format_pointer(struct out *o, const struct spec *s, va_list *ap)
{
    struct spec p = *s;

    p.precision = 2 * (int)sizeof(void *);
    put_number(o, (uintptr_t)va_arg(*ap, void *), 16, false, "0x", p);
}

static void format_string(struct out *o, const struct spec *s, va_list *ap)
{
    const char *str = va_arg(*ap, const char *);

    if (!str)
        str = "(null)";
    size_t n = s->precision >= 0 ? strnlen(str, (size_t)s->precision)
                                 : strlen(str);
    put_padded(o, str, n, s);
}

/* Formats one conversion; returns false when the conversion is unknown. */
static bool format_one(struct out *o, char conv, const struct spec *s,
                       va_list *ap)
{
    switch (conv) {
    case 'd':
    case 'i':
        format_signed(o, s, ap);
        return true;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        format_unsigned(o, conv, s, ap);
        return true;
    case 'p':
        format_pointer(o, s, ap);
        return true;
    case 's':
        format_string(o, s, ap);
        return true;
    case 'c': {
        char c = (char)va_arg(*ap, int);

        put_padded(o, &c, 1, s);
        return true;
    }
    case '%':
        put_char(o, '%');
        return true;
    default:
        return false;
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { .buf = buf, .size = size, .len = 0 };
    va_list args;

    va_copy(args, ap);
    for (const char *p = fmt; *p; ) {
        if (*p != '%') {
            put_char(&o, *p++);
            continue;
        }

        const char *start = p++;
        struct spec s = { 0 };

        parse_flags(&p, &s);
        parse_width_precision(&p, &s, &args);
        parse_length(&p, &s);
        if (*p && format_one(&o, *p, &s, &args)) {
            p++;
        } else {
            /* Unknown or truncated conversion: show it as written. */
            if (*p)
                p++;
            put_string(&o, start, (size_t)(p - start));
        }
    }
    va_end(args);

    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > __INT_MAX__ ? __INT_MAX__ : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
