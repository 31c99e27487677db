/*
 * The string and memory functions of xeno/string.h.  The hypervisor is
 * freestanding, and GCC may also emit calls to memcpy, memmove, memset
 * and memcmp on its own, so these must exist and must not call themselves.
 *
 * Kept simple: byte loops, plus a word loop for memcpy/memset when the
 * pointers allow it.  Word accesses go through a may_alias type.
 */
#include <stdint.h>
#include <xeno/string.h>

typedef unsigned long __attribute__((may_alias)) word_alias;

#define WORD_SIZE sizeof(unsigned long)
#define WORD_MASK (WORD_SIZE - 1)

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if ((((uintptr_t)d | (uintptr_t)s) & WORD_MASK) == 0) {
        for (; n >= WORD_SIZE; n -= WORD_SIZE) {
            *(word_alias *)d = *(const word_alias *)s;
            d += WORD_SIZE;
            s += WORD_SIZE;
        }
    }
    while (n--)
        *d++ = *s++;
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
        while (n--)
            *d++ = *s++;
    } else {
        d += n;
        s += n;
        while (n--)
            *--d = *--s;
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char byte = (unsigned char)c;

    while (n && ((uintptr_t)d & WORD_MASK)) {
        *d++ = byte;
        n--;
    }
    if (n >= WORD_SIZE) {
        unsigned long pattern = byte * (~0UL / 0xff);

        for (; n >= WORD_SIZE; n -= WORD_SIZE) {
            *(word_alias *)d = pattern;
            d += WORD_SIZE;
        }
    }
    while (n--)
        *d++ = byte;
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
