/*
 * The string and memory functions of xeno/string.h.  The hypervisor is
 * freestanding, and GCC may also emit calls to memcpy, memmove, memset
 * and memcmp on its own, so these must exist and must not call themselves.
 *
 * memcpy, memmove and memset use the string instructions: `rep movsq` /
 * `rep stosq` for the bulk and `rep movsb` / `rep stosb` for the tail (one
 * instruction a quadword, where a C loop takes four or five; a grant copy of
 * a page is one memmove).  A backward memmove runs with the direction flag
 * set and clears it again: the ABI wants it clear everywhere else.
 */
#include <stdint.h>
#include <xeno/string.h>

static inline void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
    size_t q = n >> 3;

    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
    q = n & 7;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    copy_forward(dst, src, n);
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n) {
        /* No harmful overlap going forwards. */
        copy_forward(d, s, n);
    } else {
        /* Backwards from the last byte: the tail bytes first, then the
         * quadwords below them, each from its own end. */
        size_t tail = n & 7, q = n >> 3;
        unsigned char *dt = d + n - 1;
        const unsigned char *st = s + n - 1;

        __asm__ volatile("std; rep movsb" : "+D"(dt), "+S"(st), "+c"(tail) : : "memory");
        dt -= 7;
        st -= 7;
        __asm__ volatile("rep movsq; cld" : "+D"(dt), "+S"(st), "+c"(q) : : "memory", "cc");
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned long pattern = (unsigned char)c * (~0UL / 0xff);
    size_t q = n >> 3;

    __asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(pattern) : "memory");
    q = n & 7;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(q) : "a"(pattern) : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

/* Bytes compare as unsigned char, as the C library does. */
int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x && *x == *y) {
        x++;
        y++;
    }
    return *x == *y ? 0 : (*x < *y ? -1 : 1);
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
        if (!*x)
            break;
    }
    return 0;
}

/* Finds the terminator too when c is 0. */
char *strchr(const char *s, int c)
{
    char ch = (char)c;

    for (;; s++) {
        if (*s == ch)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
