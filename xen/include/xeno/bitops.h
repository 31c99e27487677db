/*
 * Bit searching and atomic bit updates on unsigned long words, for the
 * allocator's order arithmetic and the per-CPU softirq masks.
 */
#ifndef XENO_BITOPS_H
#define XENO_BITOPS_H

#include <stdbool.h>

#define BITS_PER_LONG ((unsigned int)(sizeof(unsigned long) * __CHAR_BIT__))

static inline bool is_power_of_2(unsigned long x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

/* Index of the lowest set bit; x must not be 0. */
static inline unsigned int lowest_bit(unsigned long x)
{
    return (unsigned int)__builtin_ctzl(x);
}

/* Index of the highest set bit; x must not be 0. */
static inline unsigned int highest_bit(unsigned long x)
{
    return BITS_PER_LONG - 1 - (unsigned int)__builtin_clzl(x);
}

/* Smallest n with (1UL << n) >= x; x must be at least 1. */
static inline unsigned int order_base_2(unsigned long x)
{
    return x <= 1 ? 0 : highest_bit(x - 1) + 1;
}

static inline void set_bit_atomic(unsigned int nr, unsigned long *word)
{
    __atomic_fetch_or(word, 1UL << nr, __ATOMIC_SEQ_CST);
}

static inline void clear_bit_atomic(unsigned int nr, unsigned long *word)
{
    __atomic_fetch_and(word, ~(1UL << nr), __ATOMIC_SEQ_CST);
}

/* Sets the bit and says whether it was already set. */
static inline bool test_and_set_bit_atomic(unsigned int nr, unsigned long *word)
{
    return (__atomic_fetch_or(word, 1UL << nr, __ATOMIC_SEQ_CST) >> nr) & 1;
}

#endif /* XENO_BITOPS_H */
