/*
 * Writable page tables (vm_assist writable_pagetables, docs/abi.md): the guest
 * writes an entry of one of its own L1 tables in place through the read-only
 * mapping of that table, with each instruction form Linux uses. The hypervisor
 * must emulate the write (validated like mmu_update), so the mapping changes and
 * the instruction's register and flag results are right; a write it must refuse
 * (a page-table frame made writable) stays a #PF, and without the assist every
 * such write is a #PF.
 */
#include "xtest.h"

#define PTE_P 0x1UL
#define PTE_RW 0x2UL
#define PTE_US 0x4UL
#define PTE_A 0x20UL
#define VIRT(mfn) ((uint64_t)m2p[(mfn)] << 12)       /* VIRT_BASE 0: va = pfn * 4K */

static const uint64_t *m2p = (const uint64_t *)MACH2PHYS_VIRT_START;
static uint8_t data_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t *pte;          /* the live L1 entry for xtest_guard_page, read-only */

static long vm_assist(unsigned int cmd, unsigned int type)
{
    return hypercall6(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0, 0);
}

/* Walk the read-only mappings of our tables to the L1 entry that maps va. */
static volatile uint64_t *l1_entry_for(uint64_t va)
{
    uint64_t table = xtest_start_info->pt_base;
    static const unsigned int shifts[] = { 39, 30, 21 };
    for (int level = 0; level < 3; level++) {
        uint64_t e = ((const uint64_t *)table)[(va >> shifts[level]) & 511];
        table = VIRT(e >> 12 & 0xffffffffffUL);
    }
    return (volatile uint64_t *)table + ((va >> 12) & 511);
}

static uint64_t mapping(uint64_t mfn, uint64_t flags)
{
    return (mfn << 12) | flags;
}

struct op { uint64_t val; };

static void store_mov(void *arg)
{
    uint64_t v = ((struct op *)arg)->val;
    __asm__ volatile("movq %1, %0" : "=m"(*pte) : "r"(v) : "memory");
}

static void store_mov_imm0(void *arg)
{
    (void)arg;
    __asm__ volatile("movq $0, %0" : "=m"(*pte) :: "memory");
}

void test_main(void)
{
    uint64_t guard = (uint64_t)xtest_guard_page, data_mfn = virt_to_mfn((uint64_t)data_page);
    uint64_t rw = mapping(data_mfn, PTE_P | PTE_RW | PTE_US | PTE_A);
    struct exinfo ex;
    struct op op;
    char buf[64];

    pte = l1_entry_for(guard);
    xtest_check(*pte == 0, "the guard page's entry is %#lx, expected empty", *pte);
    memset(data_page, 0x5a, sizeof(data_page));

    /* Without the assist a direct write is the #PF it is. */
    op.val = rw;
    ex = probe(store_mov, &op);
    xtest_check(ex.vector == 14, "a direct PTE write without vm_assist gave %s",
                exinfo_str(&ex, buf, sizeof(buf)));
    expect_rc("vm_assist(enable writable_pagetables)",
              vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);

    /* mov reg: map the data page at the guard address. */
    ex = probe(store_mov, &op);
    xtest_check(ex.vector == EXINFO_NONE, "mov of a PTE gave %s", exinfo_str(&ex, buf, sizeof(buf)));
    xtest_check((*pte & ~0x60UL) == (rw & ~0x60UL), "the entry reads %#lx, expected %#lx", *pte, rw);
    xtest_check(*(volatile uint8_t *)guard == 0x5a, "the new mapping does not show the data page");

    /* btr: clear RW (bit 1), CF = old bit; then a write through it faults. */
    uint8_t cf;
    __asm__ volatile("lock btrq $1, %0; setc %1" : "+m"(*pte), "=q"(cf) :: "memory", "cc");
    xtest_check(cf == 1 && !(*pte & PTE_RW), "btr: CF %u, entry %#lx", cf, *pte);
    hc_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_INVLPG_LOCAL, .arg1 = guard }, 1, NULL);
    ex = probe_write64(guard, 1);
    xtest_check(ex.vector == 14, "a write through the read-only mapping gave %s",
                exinfo_str(&ex, buf, sizeof(buf)));

    /* bts: set RW again. */
    __asm__ volatile("lock btsq $1, %0; setc %1" : "+m"(*pte), "=q"(cf) :: "memory", "cc");
    xtest_check(cf == 0 && (*pte & PTE_RW), "bts: CF %u, entry %#lx", cf, *pte);

    /* and/or with immediates, and their flags. */
    uint8_t zf;
    __asm__ volatile("lock andq $-3, %0; setz %1" : "+m"(*pte), "=q"(zf) :: "memory", "cc");
    xtest_check(!(*pte & PTE_RW) && zf == 0, "and: entry %#lx ZF %u", *pte, zf);
    __asm__ volatile("lock orq $2, %0" : "+m"(*pte) :: "memory", "cc");
    xtest_check(*pte & PTE_RW, "or: entry %#lx", *pte);

    /* cmpxchg: a wrong expected value fails and loads the current one; the right one swaps. */
    uint64_t expected = 12345, current = *pte, swapped;
    __asm__ volatile("lock cmpxchgq %3, %0; setz %1" : "+m"(*pte), "=q"(zf), "+a"(expected)
                     : "r"(0UL) : "memory", "cc");
    xtest_check(zf == 0 && expected == current && *pte == current,
                "failing cmpxchg: ZF %u, rax %#lx, entry %#lx", zf, expected, *pte);
    __asm__ volatile("lock cmpxchgq %3, %0; setz %1" : "+m"(*pte), "=q"(zf), "+a"(expected)
                     : "r"(0UL) : "memory", "cc");
    xtest_check(zf == 1 && *pte == 0, "cmpxchg to 0: ZF %u, entry %#lx", zf, *pte);

    /* xchg maps it again and returns the old (empty) entry. */
    swapped = rw;
    __asm__ volatile("xchgq %0, %1" : "+m"(*pte), "+r"(swapped) :: "memory");
    xtest_check(swapped == 0 && (*pte & PTE_P), "xchg: got %#lx, entry %#lx", swapped, *pte);

    /* A 4-byte mov of the low half (flags and frame bits 12-31). */
    uint32_t low = (uint32_t)(*pte & ~PTE_RW);
    __asm__ volatile("movl %1, %0" : "=m"(*(volatile uint32_t *)pte) : "r"(low) : "memory");
    xtest_check((*pte & PTE_RW) == 0 && (*pte & PTE_P), "4-byte mov: entry %#lx", *pte);

    /* Refused: making one of our page-table frames writable stays a #PF. */
    op.val = mapping(virt_to_mfn(xtest_start_info->pt_base), PTE_P | PTE_RW | PTE_US | PTE_A);
    uint64_t before = *pte;
    ex = probe(store_mov, &op);
    xtest_check(ex.vector == 14, "mapping the L4 writable by a direct write gave %s",
                exinfo_str(&ex, buf, sizeof(buf)));
    xtest_check(*pte == before, "the refused write changed the entry to %#lx", *pte);

    /* mov imm 0: unmap, leaving things as they were. */
    ex = probe(store_mov_imm0, NULL);
    xtest_check(ex.vector == EXINFO_NONE && *pte == 0, "mov $0: %s, entry %#lx",
                exinfo_str(&ex, buf, sizeof(buf)), *pte);
    hc_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_INVLPG_LOCAL, .arg1 = guard }, 1, NULL);
}
