/* Which guest virtual addresses a guest may name at all: pure, so host unit
 * tests check it (tests/unit/test_guest_access.c). */
#ifndef ASM_GUEST_RANGE_H
#define ASM_GUEST_RANGE_H
#include <stdbool.h>
#include <stdint.h>
#include <public/xen.h>

/* Bits 63..47 all equal (48-bit virtual addresses). */
static inline bool is_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/*
 * A guest may name only its own half of the address space: the lower canonical
 * half, or the upper half above the hypervisor's hole. The whole range must fit
 * without wrapping.
 */
static inline bool guest_range_ok(uint64_t addr, uint64_t len)
{
    /* Compare on the last byte: a range may end at the very top of memory. */
    uint64_t last = len ? addr + len - 1 : addr;
    if (last < addr)
        return false;           /* wraps around */
    if (last < 0x0000800000000000UL)
        return true;            /* wholly in the lower canonical half */
    return addr >= HYPERVISOR_VIRT_END;     /* wholly above the hypervisor's slots */
}
#endif
