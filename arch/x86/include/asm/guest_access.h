/* Reading and writing guest virtual memory, never trusting the address. */
#ifndef ASM_GUEST_ACCESS_H
#define ASM_GUEST_ACCESS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>
#include <xeno/errno.h>

long raw_copy_guest(void *dst, const void *src, size_t n);

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

static inline int copy_from_guest(void *dst, uint64_t guest_src, size_t n)
{
    if (!guest_range_ok(guest_src, n))
        return -EFAULT;
    return (int)raw_copy_guest(dst, (const void *)guest_src, n);
}

static inline int copy_to_guest(uint64_t guest_dst, const void *src, size_t n)
{
    if (!guest_range_ok(guest_dst, n))
        return -EFAULT;
    return (int)raw_copy_guest((void *)guest_dst, src, n);
}

/* The fixup for a faulting hypervisor instruction, or 0 (see .ex_table). */
uint64_t search_exception_table(uint64_t rip);
#endif
