/*
 * Pinning (mmuext_op PIN_L1..L4_TABLE, UNPIN_TABLE; docs/abi.md): each level
 * pinned and unpinned on its own; a pinned or in-use table cannot be mapped
 * writable (-EBUSY, through update_va_mapping or an mmu_update of the L1 entry)
 * nor pinned as another level (-EINVAL); a frame is pinned once; unpinning
 * twice fails; a frame mapped writable cannot be pinned; a pin that fails
 * validation takes nothing; and a table in use as CR3 stays a validated table
 * after its pin is gone, until it stops being the base pointer.
 */
#include "pagetable.h"

#define NEW_VA 0x0000008000000000UL        /* L4 slot 1 */
#define PATTERN 0x5eed5eed00c0ffeeUL

static const char *level_name[] = { "", "L1", "L2", "L3", "L4" };

static void expect_pin(const char *what, unsigned int level, uint64_t mfn, long want)
{
    char buf[112];

    snprintf(buf, sizeof(buf), "PIN_%s_TABLE of %s (%#lx)", level_name[level], what, mfn);
    expect_rc(buf, mmuext(MMUEXT_PIN_L1_TABLE + level - 1, mfn), want);
}

static void expect_unpin(const char *what, uint64_t mfn, long want)
{
    char buf[112];

    snprintf(buf, sizeof(buf), "UNPIN_TABLE of %s (%#lx)", what, mfn);
    expect_rc(buf, mmuext(MMUEXT_UNPIN_TABLE, mfn), want);
}

/* Both ways to map MFN writable: update_va_mapping of a scratch page, and
 * mmu_update of that page's L1 entry; either way the entry must not change when
 * refused. */
static void expect_writable(const char *what, uint64_t mfn, long want)
{
    uint64_t va = scratch_va(0), maddr, before = initial_entry(va, 1, &maddr), after;
    char buf[112];

    snprintf(buf, sizeof(buf), "update_va_mapping of %s (%#lx) writable", what, mfn);
    if (expect_rc(buf, scratch_map(0, mfn, PTE_RW_FLAGS), want) && want == 0)
        scratch_restore(0);
    after = initial_entry(va, 1, NULL);
    xtest_check(pte_same(after, before), "%s: the L1 entry went %#lx -> %#lx", buf, before, after);

    snprintf(buf, sizeof(buf), "mmu_update of an L1 entry mapping %s (%#lx) writable", what, mfn);
    if (expect_rc(buf, mmu_write(maddr, pte(mfn, PTE_RW_FLAGS)), want) && want == 0) {
        expect_rc("INVLPG_LOCAL", mmuext(MMUEXT_INVLPG_LOCAL, va), 0);
        scratch_restore(0);
    }
    after = initial_entry(va, 1, NULL);
    xtest_check(pte_same(after, before), "%s: the L1 entry went %#lx -> %#lx", buf, before, after);
}

/* A pinned L1 alone. */
static void pin_l1(uint64_t a1)
{
    expect_pin("a zeroed frame", 1, a1, 0);
    expect_writable("a pinned L1", a1, -EBUSY);
    /* Read-only is fine, and shows the table as it is. */
    xtest_check(read_entry(a1, 0) == 0 && read_entry(a1, 511) == 0,
                "the pinned L1 does not read back empty");
    expect_pin("a pinned L1, again", 1, a1, -EINVAL);
    expect_pin("a pinned L1", 2, a1, -EINVAL);
    expect_pin("a pinned L1", 3, a1, -EINVAL);
    expect_pin("a pinned L1", 4, a1, -EINVAL);
    expect_rc("NEW_BASEPTR of a pinned L1", mmuext(MMUEXT_NEW_BASEPTR, a1), -EINVAL);
    expect_unpin("the L1", a1, 0);
    expect_unpin("the L1, twice", a1, -EINVAL);
    expect_writable("an unpinned L1", a1, 0);
}

/* L2 -> L1: the L1 is a table while the pinned L2 points at it, pinned or not. */
static void pin_l2(uint64_t a2, uint64_t a1)
{
    expect_rc("mmu_update L2 slot 0 -> L1 (plain write)",
              mmu_write(pt_maddr(a2, 0), pte(a1, PTE_TABLE_FLAGS)), 0);
    expect_pin("an L2 pointing at an L1", 2, a2, 0);
    expect_writable("a pinned L2", a2, -EBUSY);
    expect_writable("an L1 in use", a1, -EBUSY);
    expect_pin("an L1 in use", 2, a1, -EINVAL);
    expect_pin("an L1 in use", 3, a1, -EINVAL);
    expect_pin("a pinned L2", 1, a2, -EINVAL);
    expect_pin("a pinned L2", 3, a2, -EINVAL);
    /* An in-use table may be pinned at its own level, and unpinned again. */
    expect_pin("an L1 in use", 1, a1, 0);
    expect_unpin("the L1 in use", a1, 0);
    expect_writable("an unpinned L1 still in use", a1, -EBUSY);
    expect_unpin("the L2", a2, 0);
    expect_unpin("the L2, twice", a2, -EINVAL);
    expect_writable("an unpinned L2", a2, 0);
    expect_writable("an L1 no longer in use", a1, 0);
}

static void pin_l3(uint64_t a3, uint64_t a2, uint64_t a1)
{
    expect_rc("mmu_update L3 slot 0 -> L2 (plain write)",
              mmu_write(pt_maddr(a3, 0), pte(a2, PTE_TABLE_FLAGS)), 0);
    expect_pin("an L3 -> L2 -> L1", 3, a3, 0);
    expect_writable("a pinned L3", a3, -EBUSY);
    expect_writable("an L2 in use", a2, -EBUSY);
    expect_writable("an L1 in use", a1, -EBUSY);
    expect_pin("a pinned L3", 2, a3, -EINVAL);
    expect_pin("a pinned L3", 4, a3, -EINVAL);
    expect_pin("an L2 in use", 1, a2, -EINVAL);
    expect_unpin("the L3", a3, 0);
    expect_unpin("the L3, twice", a3, -EINVAL);
    expect_writable("an unpinned L3", a3, 0);
    expect_writable("an L2 no longer in use", a2, 0);
    expect_writable("an L1 no longer in use", a1, 0);
}

/* L4 -> L3 -> L2 -> L1 -> a data page at NEW_VA, plus the kernel's slots. */
static void fill_l4(uint64_t a4, uint64_t a3, uint64_t a1, uint64_t data)
{
    const volatile uint64_t *cur = initial_table(initial_l4_mfn());

    expect_rc("mmu_update L4 slot 1 -> L3 (plain write)",
              mmu_write(pt_maddr(a4, pt_slot(NEW_VA, 4)), pte(a3, PTE_TABLE_FLAGS)), 0);
    for (unsigned int slot = 0; slot < 512; slot++)
        if (L4_GUEST_SLOT(slot) && (cur[slot] & PTE_P))
            expect_rc("mmu_update L4 slot copied from the current L4 (plain write)",
                      mmu_write(pt_maddr(a4, slot), cur[slot]), 0);
    expect_rc("mmu_update L1 slot 0 -> data, read-only (plain write)",
              mmu_write(pt_maddr(a1, 0), pte(data, PTE_RO_FLAGS)), 0);
}

static void pin_l4(uint64_t a4, uint64_t a3, uint64_t a2, uint64_t a1)
{
    expect_pin("an L4 -> L3 -> L2 -> L1", 4, a4, 0);
    expect_writable("a pinned L4", a4, -EBUSY);
    expect_writable("an L3 in use", a3, -EBUSY);
    expect_writable("an L1 in use", a1, -EBUSY);
    expect_pin("a pinned L4", 3, a4, -EINVAL);
    expect_pin("a pinned L4", 1, a4, -EINVAL);
    expect_pin("a pinned L4, again", 4, a4, -EINVAL);
    expect_unpin("the L4", a4, 0);
    expect_unpin("the L4, twice", a4, -EINVAL);
    expect_writable("an unpinned L4", a4, 0);
    expect_writable("an L3 no longer in use", a3, 0);
    expect_writable("an L2 no longer in use", a2, 0);
    expect_writable("an L1 no longer in use", a1, 0);
}

/* The base pointer holds its L4 as a validated table, pin or no pin. */
static void cr3_outlives_pin(uint64_t a4, uint64_t a3, uint64_t a1, uint64_t data)
{
    uint64_t l4 = initial_l4_mfn(), v = 0;
    struct exinfo ex;

    expect_pin("the new L4", 4, a4, 0);
    if (!expect_rc("NEW_BASEPTR to the new L4", mmuext(MMUEXT_NEW_BASEPTR, a4), 0))
        return;
    expect_unpin("the new L4 while it is CR3", a4, 0);
    expect_unpin("the new L4 while it is CR3, twice", a4, -EINVAL);
    /* Still a table: not writable, updates validated (a plain write would take a
     * writable self-map), update_va_mapping walks it. */
    expect_writable("an unpinned L4 in use as CR3", a4, -EBUSY);
    expect_writable("an L3 under CR3", a3, -EBUSY);
    expect_rc("mmu_update of a writable self-map into the CR3 L4",
              mmu_write(pt_maddr(a4, 300), pte(a4, PTE_RW_FLAGS)), -EINVAL);
    expect_rc("mmu_update of a read-only self-map into the CR3 L4",
              mmu_write(pt_maddr(a4, 300), pte(a4, PTE_RO_FLAGS)), 0);
    expect_rc("mmu_update removing it", mmu_write(pt_maddr(a4, 300), 0), 0);
    ex = probe_read64(NEW_VA, &v);
    expect_no_exception("a read of NEW_VA under the unpinned CR3", &ex);
    xtest_check(v == PATTERN, "NEW_VA reads %#lx", v);
    expect_rc("update_va_mapping through the unpinned CR3",
              hc_update_va_mapping(NEW_VA, pte(data, PTE_RW_FLAGS), UVMF_INVLPG), 0);
    *(volatile uint64_t *)NEW_VA = PATTERN + 1;
    expect_writable("an L1 under CR3", a1, -EBUSY);
    /* Leaving it drops the last reference: the tables become ordinary frames. */
    expect_rc("NEW_BASEPTR back to the initial L4", mmuext(MMUEXT_NEW_BASEPTR, l4), 0);
    xtest_check(read_cr3() == l4 << PAGE_SHIFT, "CR3 reads %#lx", read_cr3());
    expect_writable("the former CR3 L4", a4, 0);
    expect_writable("its L3", a3, 0);
    expect_writable("its L1", a1, 0);
    /* The data frame is no longer held writable by the L1: it may become a table. */
    if (zero_frame(data)) {
        expect_pin("the former data frame", 1, data, 0);
        expect_unpin("the former data frame", data, 0);
    }
}

/* The builder pinned the initial L4; unpinning it while it is CR3 leaves it a
 * table; it can be pinned again. */
static void initial_l4_unpinned(void)
{
    uint64_t l4 = initial_l4_mfn();
    const volatile uint64_t *t = initial_table(l4);
    uint64_t before = t[256];

    expect_unpin("the initial L4 (pinned by the builder, CR3)", l4, 0);
    expect_unpin("the initial L4, twice", l4, -EINVAL);
    expect_writable("the unpinned initial L4 (CR3)", l4, -EBUSY);
    expect_rc("mmu_update of the initial L4's slot 256 (the hypervisor's)",
              mmu_write(pt_maddr(l4, 256), 0), -EINVAL);
    xtest_check(t[256] == before, "L4 slot 256 went %#lx -> %#lx", before, t[256]);
    expect_pin("the initial L4, again", 4, l4, 0);
    expect_pin("the initial L4, a second time", 4, l4, -EINVAL);
}

/* A frame mapped writable cannot be pinned; one whose entries fail validation
 * cannot either, and the failed pin leaves no reference behind. */
static void failed_pins(uint64_t a1, uint64_t a2, uint64_t data)
{
    expect_rc("update_va_mapping of a frame writable", scratch_map(1, data, PTE_RW_FLAGS), 0);
    expect_pin("a frame mapped writable", 1, data, -EINVAL);
    expect_pin("a frame mapped writable", 4, data, -EINVAL);
    expect_rc("NEW_BASEPTR of a frame mapped writable", mmuext(MMUEXT_NEW_BASEPTR, data), -EINVAL);
    expect_rc("NEW_USER_BASEPTR of a frame mapped writable",
              mmuext(MMUEXT_NEW_USER_BASEPTR, data), -EINVAL);
    *(volatile uint64_t *)scratch_va(1) = 0;       /* still writable */
    scratch_restore(1);

    /* a1: slot 0 maps data writable (fine), slot 1 the initial L4 writable (not). */
    expect_rc("mmu_update L1 slot 0 -> data, writable (plain write)",
              mmu_write(pt_maddr(a1, 0), pte(data, PTE_RW_FLAGS)), 0);
    expect_rc("mmu_update L1 slot 1 -> the initial L4, writable (plain write)",
              mmu_write(pt_maddr(a1, 1), pte(initial_l4_mfn(), PTE_RW_FLAGS)), 0);
    expect_pin("an L1 mapping a page table writable", 1, a1, -EBUSY);
    expect_rc("mmu_update L2 slot 0 -> that L1 (plain write)",
              mmu_write(pt_maddr(a2, 0), pte(a1, PTE_TABLE_FLAGS)), 0);
    expect_pin("an L2 over that L1", 2, a2, -EBUSY);
    expect_writable("the L1 that failed to pin", a1, 0);
    expect_writable("the L2 that failed to pin", a2, 0);
    /* No writable reference to data stayed behind: it can be a table. */
    expect_pin("the data frame of the failed L1", 1, data, 0);
    expect_unpin("the data frame", data, 0);
    expect_unpin("an L1 that never pinned", a1, -EINVAL);
}

void test_main(void)
{
    uint64_t a4, a3, a2, a1, data;

    region_end();
    a4 = zeroed_frame();
    a3 = zeroed_frame();
    a2 = zeroed_frame();
    a1 = zeroed_frame();
    data = spare_frame();
    if (xtest_status() == XTEST_FAIL)
        return;
    if (expect_rc("update_va_mapping of the data frame", scratch_map(1, data, PTE_RW_FLAGS), 0)) {
        memset((void *)scratch_va(1), 0, PAGE_SIZE);
        *(volatile uint64_t *)scratch_va(1) = PATTERN;
        scratch_restore(1);
    }
    expect_unpin("a frame never pinned", a4, -EINVAL);

    pin_l1(a1);
    pin_l2(a2, a1);
    pin_l3(a3, a2, a1);
    fill_l4(a4, a3, a1, data);
    pin_l4(a4, a3, a2, a1);
    cr3_outlives_pin(a4, a3, a1, data);
    initial_l4_unpinned();
    zero_frame(a1);
    zero_frame(a2);
    failed_pins(a1, a2, data);
    xtest_check(read_cr3() == initial_l4_mfn() << PAGE_SHIFT, "CR3 %#lx at the end", read_cr3());
}
