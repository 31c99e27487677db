/* Reading and writing guest virtual memory, never trusting the address. */
#ifndef ASM_GUEST_ACCESS_H
#define ASM_GUEST_ACCESS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>
#include <xeno/errno.h>
#include <asm/guest_range.h>
#include <asm/percpu.h>

long raw_copy_guest(void *dst, const void *src, size_t n);

/* A guest in a VT-x container (hvm/guest_access.c): its addresses go
 * through its own page tables, not the CPU's. */
int hvm_copy_from_guest_virt(void *dst, uint64_t va, size_t n);
int hvm_copy_to_guest_virt(uint64_t va, const void *src, size_t n);

static inline int copy_from_guest(void *dst, uint64_t guest_src, size_t n)
{
    if (!guest_range_ok(guest_src, n))
        return -EFAULT;
    if (this_cpu()->hvm_guest)
        return hvm_copy_from_guest_virt(dst, guest_src, n);
    return (int)raw_copy_guest(dst, (const void *)guest_src, n);
}

static inline int copy_to_guest(uint64_t guest_dst, const void *src, size_t n)
{
    if (!guest_range_ok(guest_dst, n))
        return -EFAULT;
    if (this_cpu()->hvm_guest)
        return hvm_copy_to_guest_virt(guest_dst, src, n);
    return (int)raw_copy_guest((void *)guest_dst, src, n);
}

/* The fixup for a faulting hypervisor instruction, or 0 (see .ex_table). */
uint64_t search_exception_table(uint64_t rip);
#endif
