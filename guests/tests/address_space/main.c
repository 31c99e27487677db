/*
 * A PV kernel builds address spaces of its own with mmu_update and mmuext_op
 * (docs/abi.md): frames it does not use are zeroed through a temporary mapping,
 * unmapped, filled with entries, pinned as an L4 that also maps the kernel (the
 * current L4's guest slots, as a second reference to the same L3), made the base
 * pointer, and torn down again, after which they are ordinary frames. Then the
 * fork and copy-on-write patterns: a child address space whose L1 maps the
 * parent's frames read-only, a write through it faults with the protection bit,
 * one page gets a private copy and the other is remapped writable in place.
 */
#include "pagetable.h"

/* L4 slot 1: nothing maps it in the initial tables. */
#define NEW_VA 0x0000008000000000UL
#define PATTERN0 0x0a0b0c0d5eed0000UL
#define PATTERN1 0x1a1b1c1d5eed0001UL

static uint8_t parent[2][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

struct space {
    uint64_t l4, l3, l2, l1;
};

static const char *level_name[] = { "", "L1", "L2", "L3", "L4" };

static void expect_mmu_write(const char *what, uint64_t mfn, unsigned int slot, uint64_t val,
                             long want)
{
    char buf[128];

    snprintf(buf, sizeof(buf), "mmu_update %s (frame %#lx slot %u = %#lx)", what, mfn, slot, val);
    expect_rc(buf, mmu_write(pt_maddr(mfn, slot), val), want);
}

static void expect_pin(unsigned int level, uint64_t mfn, long want)
{
    char buf[80];

    snprintf(buf, sizeof(buf), "mmuext PIN_%s_TABLE(%#lx)", level_name[level], mfn);
    expect_rc(buf, mmuext(MMUEXT_PIN_L1_TABLE + level - 1, mfn), want);
}

static void expect_unpin(const char *what, uint64_t mfn, long want)
{
    char buf[96];

    snprintf(buf, sizeof(buf), "mmuext UNPIN_TABLE(%#lx) of the %s", mfn, what);
    expect_rc(buf, mmuext(MMUEXT_UNPIN_TABLE, mfn), want);
}

static void expect_writable(const char *what, uint64_t mfn, long want)
{
    char buf[96];

    snprintf(buf, sizeof(buf), "update_va_mapping of the %s (%#lx) writable", what, mfn);
    expect_rc(buf, try_map_writable(mfn), want);
}

static void expect_baseptr(const char *what, uint64_t mfn)
{
    char buf[96];

    snprintf(buf, sizeof(buf), "mmuext NEW_BASEPTR(%#lx), the %s", mfn, what);
    if (expect_rc(buf, mmuext(MMUEXT_NEW_BASEPTR, mfn), 0))
        xtest_check(read_cr3() == mfn << PAGE_SHIFT, "CR3 reads %#lx after NEW_BASEPTR(%#lx)",
                    read_cr3(), mfn);
}

static void expect_unmapped(const char *what, uint64_t va)
{
    struct exinfo ex = probe_read64(va, NULL);
    char buf[96];

    snprintf(buf, sizeof(buf), "a read of %#lx %s", va, what);
    expect_exception(buf, &ex, X86_EXC_PF, 0);
    xtest_check(ex.vector != X86_EXC_PF || ex.cr2 == va, "%s: cr2 %#lx", buf, ex.cr2);
}

static uint64_t expect_read(const char *what, uint64_t va, uint64_t want)
{
    uint64_t v = 0;
    struct exinfo ex = probe_read64(va, &v);
    char buf[96];

    snprintf(buf, sizeof(buf), "a read of %#lx %s", va, what);
    expect_no_exception(buf, &ex);
    xtest_check(ex.vector != EXINFO_NONE || v == want, "%s gave %#lx, expected %#lx", buf, v,
                want);
    return v;
}

/* Writes the upper levels of space S into its frames (not tables yet, so
 * mmu_update does plain writes): S.l4 slot 1 -> l3 -> l2 -> l1 maps NEW_VA, and every
 * present guest slot of the current L4 is copied, so the kernel stays mapped. A
 * hypervisor slot gets junk that validation must replace. */
static void write_upper_levels(const struct space *s)
{
    const volatile uint64_t *cur = initial_table(initial_l4_mfn());

    expect_mmu_write("L2 slot 0 -> L1, plain", s->l2, pt_slot(NEW_VA, 2),
                     pte(s->l1, PTE_TABLE_FLAGS), 0);
    expect_mmu_write("L3 slot 0 -> L2, plain", s->l3, pt_slot(NEW_VA, 3),
                     pte(s->l2, PTE_TABLE_FLAGS), 0);
    expect_mmu_write("L4 slot 1 -> L3, plain", s->l4, pt_slot(NEW_VA, 4),
                     pte(s->l3, PTE_TABLE_FLAGS), 0);
    for (unsigned int slot = 0; slot < 512; slot++)
        if (L4_GUEST_SLOT(slot) && (cur[slot] & PTE_P))
            expect_mmu_write("L4 guest slot copied from the current L4", s->l4, slot,
                             cur[slot], 0);
    expect_mmu_write("L4 slot 256 (junk in a frame that is not a table yet)", s->l4, 256,
                     pte(s->l4, PTE_RW_FLAGS), 0);
}

static bool new_space(struct space *s)
{
    s->l4 = zeroed_frame();
    s->l3 = zeroed_frame();
    s->l2 = zeroed_frame();
    s->l1 = zeroed_frame();
    return xtest_status() != XTEST_FAIL;
}

/* Every frame of S can be mapped writable again (no page-table type left). */
static void expect_ordinary(const char *when, const struct space *s)
{
    char what[96];
    const uint64_t f[] = { 0, s->l1, s->l2, s->l3, s->l4 };

    for (unsigned int level = 1; level <= 4; level++) {
        snprintf(what, sizeof(what), "%s %s", level_name[level], when);
        expect_writable(what, f[level], 0);
    }
}

static void build_switch_teardown(struct space *s)
{
    uint64_t d0 = spare_frame(), d1 = spare_frame();
    uint64_t l4_mfn = initial_l4_mfn();
    const volatile uint64_t *cur = initial_table(l4_mfn);

    printf("build: L4 %#lx L3 %#lx L2 %#lx L1 %#lx, data %#lx %#lx; region ends at %#lx\n",
           s->l4, s->l3, s->l2, s->l1, d0, d1, region_end());
    /* The data frames get their patterns through the temporary mapping. */
    if (!expect_rc("update_va_mapping of a data frame writable", scratch_map(0, d0, PTE_RW_FLAGS), 0) ||
        !expect_rc("update_va_mapping of a data frame writable", scratch_map(1, d1, PTE_RW_FLAGS), 0))
        return;
    memset((void *)scratch_va(0), 0, PAGE_SIZE);
    memset((void *)scratch_va(1), 0, PAGE_SIZE);
    *(volatile uint64_t *)scratch_va(0) = PATTERN0;
    *(volatile uint64_t *)scratch_va(1) = PATTERN1;
    scratch_restore(0);
    scratch_restore(1);

    expect_unmapped("before the new address space exists", NEW_VA);

    /* The L1 is pinned first, so its entry is a validated update; the levels above
     * are written while they are still ordinary frames and validated by the pin. */
    expect_pin(1, s->l1, 0);
    expect_mmu_write("L1 slot 0 -> data, validated", s->l1, 0, pte(d0, PTE_RW_FLAGS), 0);
    write_upper_levels(s);
    expect_pin(4, s->l4, 0);

    /* All four are tables now: none may be mapped writable. d0, mapped writable
     * by the L1, may not become a table. */
    expect_writable("pinned L4", s->l4, -EBUSY);
    expect_writable("L3 in use", s->l3, -EBUSY);
    expect_writable("L2 in use", s->l2, -EBUSY);
    expect_writable("pinned L1", s->l1, -EBUSY);
    expect_pin(1, d0, -EINVAL);

    /* The validated L4: our entries as written, the hypervisor's slots as in every
     * L4 (the junk replaced). */
    uint64_t e = read_entry(s->l4, 1);
    xtest_check(pte_same(e, pte(s->l3, PTE_TABLE_FLAGS)), "new L4 slot 1 reads %#lx", e);
    e = read_entry(s->l4, 0);
    xtest_check(pte_same(e, cur[0]), "new L4 slot 0 reads %#lx, the current L4 has %#lx",
                e, cur[0]);
    for (unsigned int slot = 256; slot < 272; slot++) {
        e = read_entry(s->l4, slot);
        xtest_check(pte_same(e, cur[slot]), "new L4 slot %u reads %#lx, the hypervisor's entry is %#lx",
                    slot, e, cur[slot]);
    }
    e = read_entry(s->l1, 0);
    xtest_check(pte_same(e, pte(d0, PTE_RW_FLAGS)), "new L1 slot 0 reads %#lx", e);

    /* Switch: the kernel keeps running (this code, its stack and data through the
     * shared L3), and NEW_VA shows the data frame. */
    expect_baseptr("new L4", s->l4);
    expect_read("in the new address space", NEW_VA, PATTERN0);
    *(volatile uint64_t *)NEW_VA = PATTERN0 + 1;
    expect_read("after writing it", NEW_VA, PATTERN0 + 1);
    *(volatile uint8_t *)parent[0] = 0x42;
    xtest_check(*(volatile uint8_t *)parent[0] == 0x42, "kernel data lost in the new address space");
    /* update_va_mapping walks the new tables. */
    expect_rc("update_va_mapping in the new address space",
              hc_update_va_mapping(NEW_VA + PAGE_SIZE, pte(d1, PTE_RO_FLAGS), UVMF_INVLPG), 0);
    expect_read("mapped by update_va_mapping", NEW_VA + PAGE_SIZE, PATTERN1);
    e = read_entry(s->l1, 1);
    xtest_check(pte_same(e, pte(d1, PTE_RO_FLAGS)), "new L1 slot 1 reads %#lx", e);

    /* Back: NEW_VA is gone again. */
    expect_baseptr("initial L4", l4_mfn);
    expect_unmapped("back in the initial address space", NEW_VA);
    expect_writable("pinned L4, no longer CR3", s->l4, -EBUSY);

    /* Unpinning the L4 releases the L3 and L2 (nothing else holds them); the L1
     * keeps its own pin. */
    expect_unpin("new L4", s->l4, 0);
    expect_writable("unpinned L4", s->l4, 0);
    expect_writable("released L3", s->l3, 0);
    expect_writable("released L2", s->l2, 0);
    expect_writable("L1, still pinned", s->l1, -EBUSY);
    expect_unpin("new L1", s->l1, 0);
    expect_ordinary("after teardown", s);

    /* The contents stay; only the type went. */
    e = read_entry(s->l4, 1);
    xtest_check(pte_same(e, pte(s->l3, PTE_TABLE_FLAGS)), "torn-down L4 slot 1 reads %#lx", e);

    /* The L1's writable mappings of d0 were dropped with it: d0 can be a table. */
    if (zero_frame(d0)) {
        expect_pin(1, d0, 0);
        expect_unpin("former data frame", d0, 0);
    }
}

/* The child maps the parent's two pages read-only at NEW_VA. */
static void fork_and_copy_on_write(struct space *c)
{
    uint64_t va0 = NEW_VA, va1 = NEW_VA + PAGE_SIZE;
    uint64_t p0 = virt_to_mfn((uint64_t)parent[0]), p1 = virt_to_mfn((uint64_t)parent[1]);
    uint64_t l4_mfn = initial_l4_mfn();
    struct exinfo ex;
    char buf[64];

    memset(parent[0], 0xaa, PAGE_SIZE);
    memset(parent[1], 0xbb, PAGE_SIZE);
    /* Reusing the torn-down frames: zeroing them maps each writable once more. */
    zero_frame(c->l4);
    zero_frame(c->l3);
    zero_frame(c->l2);
    zero_frame(c->l1);
    expect_mmu_write("child L1 slot 0 -> parent page 0 read-only, plain", c->l1, 0,
                     pte(p0, PTE_RO_FLAGS), 0);
    expect_mmu_write("child L1 slot 1 -> parent page 1 read-only, plain", c->l1, 1,
                     pte(p1, PTE_RO_FLAGS), 0);
    write_upper_levels(c);
    expect_pin(4, c->l4, 0);
    expect_baseptr("child L4", c->l4);

    /* The child sees the parent's pages; writes by the parent show through. */
    xtest_check(memcmp((const void *)va0, parent[0], PAGE_SIZE) == 0 &&
                memcmp((const void *)va1, parent[1], PAGE_SIZE) == 0,
                "the child's read-only view differs from the parent's pages");
    *(volatile uint8_t *)&parent[1][8] = 0x11;
    xtest_check(((volatile uint8_t *)va1)[8] == 0x11, "a parent write is not seen by the child");

    /* A child write faults: present, write, from the guest kernel. */
    ex = probe_write64(va0, 0x1234);
    expect_exception("a write to the child's read-only page", &ex, X86_EXC_PF,
                     PFEC_PRESENT | PFEC_WRITE);
    xtest_check(ex.vector != X86_EXC_PF || ex.cr2 == va0, "the #PF has cr2 %#lx, expected %#lx",
                ex.cr2, va0);
    xtest_check(parent[0][0] == 0xaa, "the faulting write reached the parent's page");

    /* Copy on write, page 0: a private copy, mapped writable with update_va_mapping. */
    uint64_t copy = spare_frame();
    if (expect_rc("update_va_mapping of the copy writable", scratch_map(0, copy, PTE_RW_FLAGS), 0)) {
        memcpy((void *)scratch_va(0), parent[0], PAGE_SIZE);
        scratch_restore(0);
    }
    expect_rc("update_va_mapping of the child's page 0 to its copy, writable",
              hc_update_va_mapping(va0, pte(copy, PTE_RW_FLAGS), UVMF_INVLPG), 0);
    ex = probe_write64(va0, 0x1234);
    expect_no_exception("the retried write to the child's copy", &ex);
    xtest_check(*(volatile uint64_t *)va0 == 0x1234, "the child's copy reads %#lx",
                *(volatile uint64_t *)va0);
    xtest_check(parent[0][0] == 0xaa && parent[0][7] == 0xaa,
                "the write to the child's copy reached the parent's page");
    xtest_check(((volatile uint8_t *)va0)[8] == 0xaa, "the copy lost the parent's contents");

    /* Page 1, the last sharer: remapped writable in place with mmu_update on the
     * child's L1 (a validated table now) and an INVLPG. */
    ex = probe_write64(va1, 0x5678);
    expect_exception("a write to the child's read-only page 1", &ex, X86_EXC_PF,
                     PFEC_PRESENT | PFEC_WRITE);
    expect_mmu_write("child L1 slot 1 -> parent page 1 writable, validated", c->l1, 1,
                     pte(p1, PTE_RW_FLAGS), 0);
    struct mmuext_op inv = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1 = va1 };
    expect_rc("mmuext INVLPG_LOCAL", hc_mmuext_op(&inv, 1, NULL), 0);
    ex = probe_write64(va1, 0x5678);
    expect_no_exception("the retried write to page 1", &ex);
    xtest_check(*(volatile uint64_t *)parent[1] == 0x5678,
                "the write in place is not in the parent's page: %#lx (%s)",
                *(volatile uint64_t *)parent[1], exinfo_str(&ex, buf, sizeof(buf)));

    /* The child's tables are tables while it lives. */
    expect_writable("child L1 in use", c->l1, -EBUSY);

    /* Exit: back to the parent, unpin, and everything is ordinary again. */
    expect_baseptr("initial L4", l4_mfn);
    expect_unmapped("after the child exited", va0);
    expect_unpin("child L4", c->l4, 0);
    expect_ordinary("after the child's teardown", c);
    expect_writable("child's private copy", copy, 0);
    xtest_check(*(volatile uint64_t *)parent[1] == 0x5678 && parent[0][0] == 0xaa,
                "the parent's pages changed at teardown");
}

void test_main(void)
{
    struct space s;

    region_end();
    if (!new_space(&s))
        return;
    build_switch_teardown(&s);
    fork_and_copy_on_write(&s);
    xtest_check(read_cr3() == initial_l4_mfn() << PAGE_SHIFT, "CR3 %#lx at the end", read_cr3());
}
