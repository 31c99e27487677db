/*
 * The page-table attacks that have bitten real hypervisors, each through
 * mmu_update, update_va_mapping or mmuext_op (docs/abi.md), each refused with
 * the documented error, and after each the initial tables are compared with a
 * snapshot read through their read-only mappings (A and D bits aside):
 *
 *   - a writable mapping of a page-table frame, directly (-EBUSY), through an
 *     alias L1 that maps one writable (pin or hook it: -EBUSY), and the other way
 *     round (a frame mapped writable made a table: -EINVAL);
 *   - flipping the RW bit of a self-map (linear map) at L4, L3 and L2 (-EINVAL;
 *     read-only is allowed and reads the table), and update_va_mapping through one;
 *   - a writable translation left in the TLB (removed without a flush) when its
 *     frame becomes a page table: a write through it must fault;
 *   - frames that are not ours: another domain's (from the M2P), the top of
 *     memory, our neighbours (-EBUSY), beyond memory (-EPERM), the hypervisor's
 *     image at 2 MiB and its L3 behind L4 slot 256 (-EBUSY; as tables or
 *     mmu_update targets -EINVAL);
 *   - superpages, cache attributes and G above the leaves (-EINVAL);
 *   - retyping a pinned or in-use table, a linear map through another L4
 *     (-EINVAL);
 *   - M2P updates of frames that are not ours (-EINVAL);
 *   - freeing (decrease_reservation) a pinned L1 in use and a frame it maps: both
 *     keep working and are handed to nobody until their last use goes, then are
 *     gone for good;
 *   - a non-canonical INVLPG (-EINVAL);
 *   - updates aimed at the hypervisor's range: L4 slots 256-271 and
 *     update_va_mapping of its addresses (-EINVAL);
 *   - frames the hypervisor writes (shared_info, a vcpu_info page) made tables
 *     (-EINVAL);
 *   - a batch with a bad entry in the middle (5 entries, and 2048 that may be
 *     preempted and continued): the error, *done at the bad entry, the entries
 *     before applied and those after not; the same for an mmuext_op batch.
 */
#include "pagetable.h"
#include <public/memory.h>
#include <public/vcpu.h>

#define MAX_PT_FRAMES 16
#define HYPERVISOR_IMAGE_MFN 0x200UL        /* the image is loaded at 2 MiB */
#define SELF_SLOT 300                        /* a free guest L4 slot */

static uint64_t snapshot[MAX_PT_FRAMES][512];
static unsigned int nr_pt;
static uint64_t l4, l3, l2, l1;     /* the initial tables that map the scratch window */
static uint64_t sva, sva_l1e;       /* scratch page 0 and its L1 entry's machine address */
static uint64_t hook_va;            /* a free 2 MiB slot of the initial L2 */

static const char *level_name[] = { "", "L1", "L2", "L3", "L4" };

static const volatile uint64_t *table(uint64_t mfn)
{
    return initial_table(mfn);
}

static void take_snapshot(void)
{
    nr_pt = xtest_start_info->nr_pt_frames;
    if (nr_pt > MAX_PT_FRAMES)
        xtest_abort("%u page-table frames, more than the %u this test snapshots", nr_pt,
                    MAX_PT_FRAMES);
    for (unsigned int i = 0; i < nr_pt; i++)
        for (unsigned int j = 0; j < 512; j++)
            snapshot[i][j] = ((const volatile uint64_t *)(xtest_start_info->pt_base +
                                                          i * PAGE_SIZE))[j];
}

/* Every initial table as in the snapshot, but for A and D. */
static void expect_tables_unchanged(const char *after)
{
    for (unsigned int i = 0; i < nr_pt; i++) {
        const volatile uint64_t *t =
            (const volatile uint64_t *)(xtest_start_info->pt_base + i * PAGE_SIZE);
        for (unsigned int j = 0; j < 512; j++)
            if (!pte_same(t[j], snapshot[i][j])) {
                xtest_fail("after %s: page-table frame %u (mfn %#lx) slot %u went %#lx -> %#lx",
                           after, i, virt_to_mfn((uint64_t)t), j, snapshot[i][j], t[j]);
                return;
            }
    }
}

static long rc_of(const char *what, long got, long want)
{
    expect_rc(what, got, want);
    return got;
}

#define EXPECT(want, call, ...)                                                       \
    do {                                                                              \
        char what_[160];                                                              \
        snprintf(what_, sizeof(what_), __VA_ARGS__);                                  \
        rc_of(what_, (call), (want));                                                 \
    } while (0)

static void expect_uvm_unchanged(const char *what, uint64_t va, uint64_t val, long want)
{
    uint64_t before = initial_entry(va, 1, NULL);

    EXPECT(want, hc_update_va_mapping(va, val, UVMF_INVLPG),
           "update_va_mapping(%#lx, %#lx) %s", va, val, what);
    if (want == 0)
        return;
    xtest_check(pte_same(initial_entry(va, 1, NULL), before),
                "%s: the L1 entry of %#lx changed", what, va);
}

static void pin_fails(uint64_t mfn, const char *what, long want)
{
    for (unsigned int level = 1; level <= 4; level++)
        EXPECT(want, mmuext(MMUEXT_PIN_L1_TABLE + level - 1, mfn), "PIN_%s_TABLE of %s (%#lx)",
               level_name[level], what, mfn);
}

/* ---- a writable mapping of a page-table frame ---- */

static void direct(void)
{
    for (unsigned int i = 0; i < nr_pt; i++) {
        uint64_t mfn = virt_to_mfn(xtest_start_info->pt_base + i * PAGE_SIZE);
        expect_uvm_unchanged("of a page-table frame, writable", sva, pte(mfn, PTE_RW_FLAGS),
                             -EBUSY);
        EXPECT(-EBUSY, mmu_write(sva_l1e, pte(mfn, PTE_RW_FLAGS)),
               "mmu_update of an L1 entry mapping page-table frame %#lx writable", mfn);
        EXPECT(-EBUSY, mmu_write(sva_l1e | MMU_PT_UPDATE_PRESERVE_AD, pte(mfn, PTE_RW_FLAGS)),
               "mmu_update (PRESERVE_AD) mapping page-table frame %#lx writable", mfn);
    }
    /* Read-only is allowed and shows the table. */
    if (expect_rc("update_va_mapping of the L4 read-only", scratch_map(0, l4, PTE_RO_FLAGS), 0)) {
        xtest_check(*(volatile uint64_t *)(sva + 8 * 256) == table(l4)[256],
                    "the read-only alias of the L4 differs from it");
        scratch_restore(0);
    }
    expect_tables_unchanged("writable mappings of page-table frames");
}

static void alias(void)
{
    uint64_t x = zeroed_frame(), y = zeroed_frame(), hook_maddr;
    struct exinfo ex;

    initial_entry(hook_va, 2, &hook_maddr);
    /* x is an ordinary frame: mmu_update writes into it are plain data. */
    EXPECT(0, mmu_write(pt_maddr(x, 0), pte(l2, PTE_RW_FLAGS)),
           "mmu_update plain write of a writable L2 mapping into an ordinary frame");
    EXPECT(-EBUSY, mmuext(MMUEXT_PIN_L1_TABLE, x), "PIN_L1_TABLE of an alias L1 mapping the L2 writable");
    EXPECT(-EBUSY, mmu_write(hook_maddr, pte(x, PTE_TABLE_FLAGS)),
           "mmu_update hooking an alias L1 (mapping the L2 writable) into the L2");
    EXPECT(0, mmu_write(pt_maddr(y, 0), pte(x, PTE_TABLE_FLAGS)), "mmu_update plain write into y");
    EXPECT(-EBUSY, mmuext(MMUEXT_PIN_L2_TABLE, y), "PIN_L2_TABLE of an L2 over the alias L1");
    EXPECT(0, try_map_writable(x), "the alias L1 stays an ordinary frame");
    EXPECT(0, try_map_writable(y), "the L2 over it stays an ordinary frame");
    xtest_check(!(table(l2)[pt_slot(hook_va, 2)] & PTE_P), "the refused hook is in the L2");

    /* The other way round: a frame mapped writable cannot become a table. */
    zero_frame(x);
    if (expect_rc("update_va_mapping of x writable", scratch_map(1, x, PTE_RW_FLAGS), 0)) {
        EXPECT(-EINVAL, mmu_write(hook_maddr, pte(x, PTE_TABLE_FLAGS)),
               "mmu_update hooking a frame mapped writable into the L2");
        EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L1_TABLE, x), "PIN_L1_TABLE of a frame mapped writable");
        scratch_restore(1);
    }
    /* Unmapped, x may be an L1; then it cannot map itself writable, read-only only. */
    if (expect_rc("mmu_update hooking the empty L1 x into the L2",
                  mmu_write(hook_maddr, pte(x, PTE_TABLE_FLAGS)), 0)) {
        EXPECT(-EBUSY, try_map_writable(x), "x, an L1 in use");
        EXPECT(-EBUSY, hc_update_va_mapping(hook_va, pte(x, PTE_RW_FLAGS), UVMF_INVLPG),
               "update_va_mapping of an L1 mapping itself writable");
        EXPECT(-EBUSY, mmu_write(pt_maddr(x, 0), pte(x, PTE_RW_FLAGS)),
               "mmu_update of an L1 mapping itself writable");
        EXPECT(0, hc_update_va_mapping(hook_va, pte(x, PTE_RO_FLAGS), UVMF_INVLPG),
               "update_va_mapping of an L1 mapping itself read-only");
        uint64_t v = 0;
        ex = probe_read64(hook_va, &v);
        expect_no_exception("a read of the L1's read-only self-mapping", &ex);
        xtest_check(pte_same(v, pte(x, PTE_RO_FLAGS)), "the L1 reads its own entry 0 as %#lx", v);
        ex = probe_write64(hook_va, pte(l4, PTE_RW_FLAGS));
        expect_exception("a write through the L1's read-only self-mapping", &ex, X86_EXC_PF,
                         PFEC_PRESENT | PFEC_WRITE);
        EXPECT(0, mmu_write(hook_maddr, 0), "mmu_update unhooking x");
        EXPECT(0, mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0), "TLB_FLUSH_LOCAL");
        EXPECT(0, try_map_writable(x), "x once unhooked");
    }
    expect_tables_unchanged("the alias attacks");
}

/* ---- self-maps ---- */

static uint64_t canonical(uint64_t va)
{
    return (va & (1UL << 47)) ? va | 0xffff000000000000UL : va;
}

static void selfmap(void)
{
    uint64_t l4e = pt_maddr(l4, SELF_SLOT), v = 0;
    uint64_t lin = canonical((uint64_t)SELF_SLOT << 39 | (uint64_t)SELF_SLOT << 30 |
                             (uint64_t)SELF_SLOT << 21 | (uint64_t)SELF_SLOT << 12);
    const volatile uint64_t *t4 = table(l4);
    struct exinfo ex;

    xtest_check(t4[SELF_SLOT] == 0, "L4 slot %u is in use: %#lx", SELF_SLOT, t4[SELF_SLOT]);
    EXPECT(-EINVAL, mmu_write(l4e, pte(l4, PTE_RW_FLAGS)), "mmu_update of a writable L4 self-map");
    xtest_check(t4[SELF_SLOT] == 0, "the refused writable self-map is in the L4");
    if (expect_rc("mmu_update of a read-only L4 self-map", mmu_write(l4e, pte(l4, PTE_RO_FLAGS)), 0)) {
        /* Through it the L4 maps itself: lin is the L4 page, read-only. */
        ex = probe_read64(lin + 8 * 256, &v);
        expect_no_exception("a read through the L4 self-map", &ex);
        xtest_check(v == t4[256], "the linear map shows L4 slot 256 as %#lx, not %#lx", v, t4[256]);
        ex = probe_write64(lin + 8 * 300, pte(l4, PTE_RW_FLAGS));
        expect_exception("a write through the L4 self-map", &ex, X86_EXC_PF,
                         PFEC_PRESENT | PFEC_WRITE);
        /* Flip its RW bit: refused, it stays read-only. */
        EXPECT(-EINVAL, mmu_write(l4e, pte(l4, PTE_RW_FLAGS)), "mmu_update setting RW on the L4 self-map");
        EXPECT(-EINVAL, mmu_write(l4e | MMU_PT_UPDATE_PRESERVE_AD, pte(l4, PTE_RW_FLAGS)),
               "mmu_update (PRESERVE_AD) setting RW on the L4 self-map");
        xtest_check(pte_same(t4[SELF_SLOT], pte(l4, PTE_RO_FLAGS)), "the self-map became %#lx",
                    t4[SELF_SLOT]);
        /* update_va_mapping through it would treat the L4 as an L1. */
        EXPECT(-EINVAL, hc_update_va_mapping(lin, pte(l4, PTE_RW_FLAGS), UVMF_INVLPG),
               "update_va_mapping of the L4 through its self-map");
        EXPECT(-EINVAL, hc_update_va_mapping(lin, pte(l4, PTE_RO_FLAGS), UVMF_INVLPG),
               "update_va_mapping of the L4 through its self-map, read-only");
        EXPECT(0, mmu_write(l4e, 0), "mmu_update removing the L4 self-map");
        EXPECT(0, mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0), "TLB_FLUSH_LOCAL");
    }

    /* The same at L3 and L2 (slot 511 of each is free). */
    const struct { unsigned int level; uint64_t mfn; } lower[] = { { 3, l3 }, { 2, l2 } };
    for (unsigned int i = 0; i < ARRAY_LEN(lower); i++) {
        uint64_t mfn = lower[i].mfn, e = pt_maddr(mfn, 511);
        const char *name = level_name[lower[i].level];
        xtest_check(table(mfn)[511] == 0, "%s slot 511 is in use", name);
        EXPECT(-EINVAL, mmu_write(e, pte(mfn, PTE_RW_FLAGS)), "mmu_update of a writable %s self-map", name);
        if (!expect_rc("mmu_update of a read-only self-map", mmu_write(e, pte(mfn, PTE_RO_FLAGS)), 0))
            continue;
        EXPECT(-EINVAL, mmu_write(e, pte(mfn, PTE_RW_FLAGS)), "mmu_update setting RW on the %s self-map", name);
        xtest_check(pte_same(table(mfn)[511], pte(mfn, PTE_RO_FLAGS)), "the %s self-map became %#lx",
                    name, table(mfn)[511]);
        if (lower[i].level == 2) {
            /* va 511 * 2 MiB: the L2 as an L1, so page 0 there is the L1 of 0-2 MiB. */
            uint64_t va = 511UL << 21, first_l1 = pte_mfn(table(l2)[0]);
            ex = probe_read64(va + 8, &v);
            expect_no_exception("a read through the L2 self-map", &ex);
            xtest_check(v == table(first_l1)[1], "the L2 self-map shows %#lx, the L1 has %#lx",
                        v, table(first_l1)[1]);
            ex = probe_write64(va + 8, 0);
            expect_exception("a write through the L2 self-map", &ex, X86_EXC_PF,
                             PFEC_PRESENT | PFEC_WRITE);
            /* update_va_mapping must end its walk at an L1: here it ends at the L2. */
            EXPECT(-EINVAL, hc_update_va_mapping(va, pte(first_l1, PTE_RW_FLAGS), UVMF_INVLPG),
                   "update_va_mapping of an L1 writable through the L2 self-map");
            EXPECT(-EINVAL, hc_update_va_mapping(va, 0, UVMF_INVLPG),
                   "update_va_mapping clearing an L2 entry through the L2 self-map");
        }
        EXPECT(0, mmu_write(e, 0), "mmu_update removing the %s self-map", name);
        EXPECT(0, mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0), "TLB_FLUSH_LOCAL");
    }

    /* Written into a frame while it is still ordinary (plain writes), then
     * validated by a pin: the same rules hold. */
    uint64_t n = zeroed_frame();
    EXPECT(0, mmu_write(pt_maddr(n, SELF_SLOT), pte(n, PTE_RW_FLAGS)),
           "mmu_update plain write of a writable self-map into an ordinary frame");
    EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L4_TABLE, n), "PIN_L4_TABLE of an L4 with a writable self-map");
    EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L2_TABLE, n), "PIN_L2_TABLE of an L2 with a writable self-map");
    EXPECT(-EBUSY, mmuext(MMUEXT_PIN_L1_TABLE, n), "PIN_L1_TABLE of an L1 mapping itself writable");
    EXPECT(0, try_map_writable(n), "the frame after the refused pins");
    EXPECT(0, mmu_write(pt_maddr(n, SELF_SLOT), pte(n, PTE_RO_FLAGS)),
           "mmu_update plain write of a read-only self-map");
    if (expect_rc("PIN_L4_TABLE of an L4 with a read-only self-map",
                  mmuext(MMUEXT_PIN_L4_TABLE, n), 0)) {
        EXPECT(-EINVAL, mmu_write(pt_maddr(n, SELF_SLOT), pte(n, PTE_RW_FLAGS)),
               "mmu_update setting RW on the new L4's self-map");
        EXPECT(0, mmuext(MMUEXT_UNPIN_TABLE, n), "UNPIN_TABLE of the new L4");
    }
    EXPECT(0, try_map_writable(n), "the frame once unpinned");
    expect_tables_unchanged("the self-map attacks");
}

/* ---- stale TLB entries ---- */

/* A writable translation the guest removed without flushing must not outlive the
 * frame's change into a page table: the hypervisor flushes when the type changes.
 * Otherwise the write below would land in a pinned L1. */
static void stale_tlb(void)
{
    uint64_t x = zeroed_frame(), d = zeroed_frame(), va = scratch_va(3), l1e, hook_maddr;
    struct exinfo ex;

    initial_entry(va, 1, &l1e);
    initial_entry(hook_va, 2, &hook_maddr);
    /* 1: mapped writable, used, unmapped by mmu_update (which does not flush). */
    if (expect_rc("update_va_mapping of x writable", scratch_map(3, x, PTE_RW_FLAGS), 0)) {
        *(volatile uint64_t *)va = 0;
        EXPECT(0, mmu_write(l1e, 0), "mmu_update unmapping x, no flush");
        if (expect_rc("PIN_L1_TABLE of x", mmuext(MMUEXT_PIN_L1_TABLE, x), 0)) {
            ex = probe_write64(va, pte(l4, PTE_RW_FLAGS));
            expect_exception("a write through the removed mapping of a frame now pinned",
                             &ex, X86_EXC_PF, PFEC_WRITE);
            xtest_check(read_entry(x, 0) == 0, "the pinned L1 was written: %#lx", read_entry(x, 0));
            EXPECT(0, mmuext(MMUEXT_UNPIN_TABLE, x), "UNPIN_TABLE of x");
        }
        scratch_restore(3);
    }
    /* 2: the same, unmapped by update_va_mapping without a flush flag. */
    if (expect_rc("update_va_mapping of x writable", scratch_map(3, x, PTE_RW_FLAGS), 0)) {
        *(volatile uint64_t *)va = 0;
        EXPECT(0, hc_update_va_mapping(va, 0, UVMF_NONE), "update_va_mapping unmapping x, no flush");
        if (expect_rc("PIN_L1_TABLE of x", mmuext(MMUEXT_PIN_L1_TABLE, x), 0)) {
            ex = probe_write64(va, pte(l4, PTE_RW_FLAGS));
            expect_exception("a write through the removed mapping of a frame now pinned",
                             &ex, X86_EXC_PF, PFEC_WRITE);
            xtest_check(read_entry(x, 0) == 0, "the pinned L1 was written: %#lx", read_entry(x, 0));
            EXPECT(0, mmuext(MMUEXT_UNPIN_TABLE, x), "UNPIN_TABLE of x");
        }
        scratch_restore(3);
    }
    /* 3: the writable mapping goes with its whole L1 (unhooked from the L2, no
     * flush), then the data frame becomes a table. */
    EXPECT(0, mmu_write(pt_maddr(x, 0), pte(d, PTE_RW_FLAGS)), "mmu_update plain write into x");
    if (expect_rc("mmu_update hooking x into the L2", mmu_write(hook_maddr, pte(x, PTE_TABLE_FLAGS)), 0)) {
        *(volatile uint64_t *)hook_va = 0;
        EXPECT(0, mmu_write(hook_maddr, 0), "mmu_update unhooking x, no flush");
        if (expect_rc("PIN_L1_TABLE of the data frame", mmuext(MMUEXT_PIN_L1_TABLE, d), 0)) {
            ex = probe_write64(hook_va, pte(l4, PTE_RW_FLAGS));
            expect_exception("a write through an unhooked L1's mapping of a frame now pinned",
                             &ex, X86_EXC_PF, PFEC_WRITE);
            xtest_check(read_entry(d, 0) == 0, "the pinned L1 was written: %#lx", read_entry(d, 0));
            EXPECT(0, mmuext(MMUEXT_UNPIN_TABLE, d), "UNPIN_TABLE of the data frame");
        }
    }
    expect_tables_unchanged("the stale-TLB attempts");
}

/* ---- frames that are not ours ---- */

static void not_ours(const char *what, uint64_t mfn)
{
    uint64_t hook_maddr, m2p_before = m2p_of(mfn);

    printf("%s: mfn %#lx (M2P %#lx)\n", what, mfn, m2p_before);
    initial_entry(hook_va, 2, &hook_maddr);
    expect_uvm_unchanged(what, sva, pte(mfn, PTE_RO_FLAGS), -EBUSY);
    expect_uvm_unchanged(what, sva, pte(mfn, PTE_RW_FLAGS), -EBUSY);
    EXPECT(-EBUSY, mmu_write(sva_l1e, pte(mfn, PTE_RO_FLAGS)), "mmu_update of an L1 entry mapping %s", what);
    EXPECT(-EINVAL, mmu_write(hook_maddr, pte(mfn, PTE_TABLE_FLAGS)),
           "mmu_update of an L2 entry pointing at %s", what);
    EXPECT(-EINVAL, mmu_write(pt_maddr(l4, SELF_SLOT), pte(mfn, PTE_TABLE_FLAGS)),
           "mmu_update of an L4 entry pointing at %s", what);
    EXPECT(-EINVAL, mmu_write(pt_maddr(mfn, 0), 0), "mmu_update writing into %s", what);
    EXPECT(-EINVAL, mmu_write(pt_maddr(mfn, 0) | MMU_MACHPHYS_UPDATE, 0),
           "MMU_MACHPHYS_UPDATE of %s", what);
    /* ~0: the frame was freed meanwhile, its domain having ended (it runs
     * beside us); our own writes would have made it 0. */
    xtest_check(m2p_of(mfn) == m2p_before || m2p_of(mfn) == ~0UL,
                "the M2P entry of %s went %#lx -> %#lx", what, m2p_before, m2p_of(mfn));
    pin_fails(mfn, what, -EINVAL);
    EXPECT(-EINVAL, mmuext(MMUEXT_UNPIN_TABLE, mfn), "UNPIN_TABLE of %s", what);
    EXPECT(-EINVAL, mmuext(MMUEXT_NEW_BASEPTR, mfn), "NEW_BASEPTR of %s", what);
    EXPECT(-EINVAL, hc_update_descriptor(pt_maddr(mfn, 0), 0), "update_descriptor into %s", what);
}

static void beyond_memory(const char *what, uint64_t mfn)
{
    uint64_t hook_maddr;

    initial_entry(hook_va, 2, &hook_maddr);
    expect_uvm_unchanged(what, sva, pte(mfn, PTE_RO_FLAGS), -EPERM);
    expect_uvm_unchanged(what, sva, pte(mfn, PTE_RW_FLAGS), -EPERM);
    EXPECT(-EPERM, mmu_write(sva_l1e, pte(mfn, PTE_RO_FLAGS)), "mmu_update of an L1 entry mapping %s", what);
    EXPECT(-EINVAL, mmu_write(hook_maddr, pte(mfn, PTE_TABLE_FLAGS)),
           "mmu_update of an L2 entry pointing at %s", what);
    EXPECT(-EINVAL, mmu_write(pt_maddr(mfn, 0), 0), "mmu_update writing into %s", what);
    EXPECT(-EINVAL, mmu_write(pt_maddr(mfn, 0) | MMU_MACHPHYS_UPDATE, 0),
           "MMU_MACHPHYS_UPDATE of %s", what);
    pin_fails(mfn, what, -EINVAL);
}

/* A frame this domain does not own: not in its p2m, and not its shared_info page
 * (the hypervisor's page, which the domain owns: no pfn, M2P entry invalid). */
static bool not_our_frame(uint64_t mfn)
{
    return !mfn_is_ours(mfn) && mfn != xtest_start_info->shared_info >> PAGE_SHIFT;
}

static void foreign(void)
{
    long max = hypercall6(__HYPERVISOR_memory_op, XENMEM_maximum_ram_page, 0, 0, 0, 0, 0);
    uint64_t lo = ~0UL, hi = 0, other = 0;

    if (max <= 0) {
        xtest_fail("memory_op(maximum_ram_page) gave %ld", max);
        return;
    }
    for (uint64_t pfn = 0; pfn < xtest_start_info->nr_pages; pfn++) {
        lo = p2m_of(pfn) < lo ? p2m_of(pfn) : lo;
        hi = p2m_of(pfn) > hi ? p2m_of(pfn) : hi;
    }
    /* Another domain's frame: the M2P names a pfn for it, and it is not ours. */
    for (uint64_t mfn = (uint64_t)max; mfn > 0 && !other; mfn--)
        if (m2p_of(mfn) != ~0UL && not_our_frame(mfn))
            other = mfn;
    if (other)
        not_ours("another domain's frame", other);
    else
        printf("no other domain's frame in the M2P (this domain boots alone)\n");
    if (not_our_frame((uint64_t)max))
        not_ours("the last frame of memory", (uint64_t)max);
    if (lo > 0 && not_our_frame(lo - 1))
        not_ours("the frame below our lowest", lo - 1);
    if (hi < (uint64_t)max && not_our_frame(hi + 1))
        not_ours("the frame above our highest", hi + 1);
    beyond_memory("the frame after the end of memory", (uint64_t)max + 1);
    beyond_memory("the largest frame number", (1UL << 40) - 1);

    /* The hypervisor's image, and its L3 behind L4 slot 256 (the M2P's). */
    not_ours("the hypervisor image's first frame", HYPERVISOR_IMAGE_MFN);
    not_ours("the hypervisor's L3 of slot 256", pte_mfn(table(l4)[256]));
    expect_tables_unchanged("mappings of frames that are not ours");
}

/* ---- entry bits ---- */

static void bad_bits(void)
{
    uint64_t hook_maddr, mine = spare_frame(), e;
    uint64_t l3_slot = pt_maddr(l3, 511);

    initial_entry(hook_va, 2, &hook_maddr);
    /* Superpages: no option for them, so PS is refused at L2 and L3. */
    EXPECT(-EINVAL, mmu_write(hook_maddr, pte(mine & ~511UL, PTE_RW_FLAGS | PTE_PS)),
           "mmu_update of a 2 MiB superpage (PS in an L2 entry)");
    EXPECT(-EINVAL, mmu_write(hook_maddr, pte(mine & ~511UL, PTE_RO_FLAGS | PTE_PS)),
           "mmu_update of a read-only 2 MiB superpage");
    EXPECT(-EINVAL, mmu_write(l3_slot, pte(mine & ~(512UL * 512 - 1), PTE_RO_FLAGS | PTE_PS)),
           "mmu_update of a 1 GiB superpage (PS in an L3 entry)");
    /* Cache attributes (PWT, PCD, PAT) in an L1 entry, G above the leaves. */
    EXPECT(-EINVAL, mmu_write(sva_l1e, pte(mine, PTE_RW_FLAGS | (1UL << 4))), "mmu_update of an L1 entry with PCD");
    EXPECT(-EINVAL, mmu_write(sva_l1e, pte(mine, PTE_RW_FLAGS | (1UL << 3))), "mmu_update of an L1 entry with PWT");
    EXPECT(-EINVAL, mmu_write(sva_l1e, pte(mine, PTE_RW_FLAGS | (1UL << 7))), "mmu_update of an L1 entry with PAT");
    EXPECT(-EINVAL, hc_update_va_mapping(sva, pte(mine, PTE_RW_FLAGS | (1UL << 4)), UVMF_INVLPG),
           "update_va_mapping with PCD");
    EXPECT(-EINVAL, mmu_write(pt_maddr(l4, SELF_SLOT), pte(l4, PTE_RO_FLAGS | (1UL << 8))),
           "mmu_update of an L4 self-map with G");
    /* G in a leaf is accepted and cleared (guest mappings are never global); U is
     * forced on. */
    if (expect_rc("mmu_update of an L1 entry with G and without U",
                  mmu_write(sva_l1e, pte(mine, PTE_P | PTE_RW | PTE_A | PTE_D | (1UL << 8))), 0)) {
        e = initial_entry(sva, 1, NULL);
        xtest_check(pte_same(e, pte(mine, PTE_RW_FLAGS)), "the entry was stored as %#lx", e);
        EXPECT(0, mmuext(MMUEXT_INVLPG_LOCAL, sva), "INVLPG_LOCAL");
        scratch_restore(0);
    }
    expect_tables_unchanged("entries with bad bits");
}

/* ---- retyping tables ---- */

static void retype(void)
{
    uint64_t p = zeroed_frame(), hook_maddr, l3_slot = pt_maddr(l3, 511);

    initial_entry(hook_va, 2, &hook_maddr);
    /* The initial L4 (pinned by the builder, CR3), L3 and L2 (in use). */
    EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L3_TABLE, l4), "PIN_L3_TABLE of the pinned initial L4");
    EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L1_TABLE, l4), "PIN_L1_TABLE of the pinned initial L4");
    EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L4_TABLE, l4), "PIN_L4_TABLE of the pinned initial L4, again");
    EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L4_TABLE, l3), "PIN_L4_TABLE of the initial L3");
    EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L1_TABLE, l2), "PIN_L1_TABLE of the initial L2");
    EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L2_TABLE, l1), "PIN_L2_TABLE of an initial L1");
    EXPECT(-EINVAL, mmu_write(hook_maddr, pte(l4, PTE_TABLE_FLAGS)), "mmu_update using the L4 as an L1");
    EXPECT(-EINVAL, mmu_write(hook_maddr, pte(l2, PTE_TABLE_FLAGS)), "mmu_update using the L2 as an L1 (under itself, writable)");
    EXPECT(-EINVAL, mmu_write(hook_maddr, pte(l3, PTE_TABLE_FLAGS)), "mmu_update using the L3 as an L1");
    EXPECT(-EINVAL, mmu_write(l3_slot, pte(l4, PTE_TABLE_FLAGS)), "mmu_update using the L4 as an L2");
    EXPECT(-EINVAL, mmu_write(l3_slot, pte(l1, PTE_TABLE_FLAGS)), "mmu_update using an L1 as an L2");
    EXPECT(-EINVAL, mmu_write(pt_maddr(l4, SELF_SLOT), pte(l2, PTE_TABLE_FLAGS)),
           "mmu_update using the L2 as an L3");
    EXPECT(-EINVAL, mmuext(MMUEXT_NEW_BASEPTR, l3), "NEW_BASEPTR of the L3");
    EXPECT(-EINVAL, mmuext(MMUEXT_NEW_USER_BASEPTR, l1), "NEW_USER_BASEPTR of an L1");

    /* A linear map through another L4 (read-only): only a table's own frame may
     * be mapped at its own level. */
    uint64_t q = zeroed_frame();
    if (expect_rc("PIN_L4_TABLE of a second, empty L4", mmuext(MMUEXT_PIN_L4_TABLE, q), 0)) {
        EXPECT(-EINVAL, mmu_write(pt_maddr(l4, SELF_SLOT), pte(q, PTE_RO_FLAGS)),
               "mmu_update of an L4 entry -> another L4, read-only");
        EXPECT(-EINVAL, mmu_write(pt_maddr(q, SELF_SLOT), pte(l4, PTE_RO_FLAGS)),
               "mmu_update of the second L4's entry -> the initial L4, read-only");
        EXPECT(0, mmuext(MMUEXT_UNPIN_TABLE, q), "UNPIN_TABLE of the second L4");
    }

    /* A pinned L1 of our own. */
    if (expect_rc("PIN_L1_TABLE of a zeroed frame", mmuext(MMUEXT_PIN_L1_TABLE, p), 0)) {
        EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L2_TABLE, p), "PIN_L2_TABLE of a pinned L1");
        EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L4_TABLE, p), "PIN_L4_TABLE of a pinned L1");
        EXPECT(-EINVAL, mmu_write(l3_slot, pte(p, PTE_TABLE_FLAGS)), "mmu_update using a pinned L1 as an L2");
        EXPECT(-EINVAL, mmuext(MMUEXT_NEW_BASEPTR, p), "NEW_BASEPTR of a pinned L1");
        EXPECT(-EBUSY, try_map_writable(p), "a pinned L1 mapped writable");
        EXPECT(-EINVAL, hc_update_descriptor(pt_maddr(p, 0), 0), "update_descriptor into a pinned L1");
        /* At its own level it may be used, and let go. */
        EXPECT(0, mmu_write(hook_maddr, pte(p, PTE_TABLE_FLAGS)), "mmu_update using a pinned L1 as an L1");
        EXPECT(0, mmu_write(hook_maddr, 0), "mmu_update unhooking it");
        EXPECT(0, mmuext(MMUEXT_UNPIN_TABLE, p), "UNPIN_TABLE of the L1");
        EXPECT(0, try_map_writable(p), "the unpinned L1 mapped writable");
    }
    expect_tables_unchanged("the retyping attempts");
}

/* ---- M2P updates ---- */

static void machphys(void)
{
    uint64_t x = spare_frame(), pfn = m2p_of(x), nr = xtest_start_info->nr_pages;

    EXPECT(-EINVAL, mmu_write(pt_maddr(x, 0) | MMU_MACHPHYS_UPDATE, nr),
           "MMU_MACHPHYS_UPDATE of our frame to pfn nr_pages");
    EXPECT(-EINVAL, mmu_write(pt_maddr(x, 0) | MMU_MACHPHYS_UPDATE, ~0UL),
           "MMU_MACHPHYS_UPDATE of our frame to pfn ~0");
    xtest_check(m2p_of(x) == pfn, "the refused M2P update changed it to %#lx", m2p_of(x));
    if (expect_rc("MMU_MACHPHYS_UPDATE of our frame to pfn 5",
                  mmu_write(pt_maddr(x, 0) | MMU_MACHPHYS_UPDATE, 5), 0)) {
        xtest_check(m2p_of(x) == 5, "the M2P says %#lx after the update", m2p_of(x));
        EXPECT(0, mmu_write(pt_maddr(x, 0) | MMU_MACHPHYS_UPDATE, pfn), "MMU_MACHPHYS_UPDATE back");
    }
    xtest_check(m2p_of(x) == pfn, "the M2P entry of %#lx is %#lx, not %#lx", x, m2p_of(x), pfn);
}

/* ---- INVLPG ---- */

static void invlpg(void)
{
    static const uint64_t bad[] = { 0x8000000000000000UL, 0x0000800000000000UL,
                                    0xffff7ffffffff000UL };
    static uint64_t vcpumask = 1;
    struct mmuext_op ops[3];
    unsigned int done;

    for (unsigned int i = 0; i < ARRAY_LEN(bad); i++) {
        const unsigned int cmds[] = { MMUEXT_INVLPG_LOCAL, MMUEXT_INVLPG_MULTI, MMUEXT_INVLPG_ALL };
        for (unsigned int c = 0; c < ARRAY_LEN(cmds); c++) {
            ops[0] = (struct mmuext_op){ .cmd = cmds[c], .arg1 = bad[i],
                                         .arg2 = (uint64_t)&vcpumask };
            EXPECT(-EINVAL, hc_mmuext_op(ops, 1, NULL), "mmuext %s of %#lx",
                   c == 0 ? "INVLPG_LOCAL" : c == 1 ? "INVLPG_MULTI" : "INVLPG_ALL", bad[i]);
        }
    }
    ops[0] = (struct mmuext_op){ .cmd = MMUEXT_INVLPG_LOCAL, .arg1 = sva };
    ops[1] = (struct mmuext_op){ .cmd = MMUEXT_INVLPG_LOCAL, .arg1 = 0x8000000000000000UL };
    ops[2] = (struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    done = 0xdeadbeef;
    EXPECT(-EINVAL, hc_mmuext_op(ops, 3, &done), "mmuext batch [INVLPG, non-canonical INVLPG, flush]");
    xtest_check(done == 1, "the INVLPG batch says %u done, expected 1", done);
    EXPECT(0, hc_mmuext_op(ops, 1, NULL), "mmuext INVLPG_LOCAL of a canonical address");
}

/* ---- the hypervisor's range ---- */

static void hypervisor_range(void)
{
    static const unsigned int slots[] = { 256, 257, 261, 262, 271 };
    static const uint64_t vas[] = { 0xffff800000000000UL, 0xffff82d080200000UL,
                                    0xffff830000000000UL, 0xffff87fffffff000UL };
    const volatile uint64_t *t4 = table(l4);
    uint64_t mine = spare_frame();

    for (unsigned int i = 0; i < ARRAY_LEN(slots); i++) {
        uint64_t e = pt_maddr(l4, slots[i]);
        EXPECT(-EINVAL, mmu_write(e, 0), "mmu_update clearing L4 slot %u", slots[i]);
        EXPECT(-EINVAL, mmu_write(e, t4[slots[i]]), "mmu_update rewriting L4 slot %u as it is", slots[i]);
        EXPECT(-EINVAL, mmu_write(e, pte(l3, PTE_TABLE_FLAGS)), "mmu_update of L4 slot %u -> our L3",
               slots[i]);
        EXPECT(-EINVAL, mmu_write(e, pte(l4, PTE_RO_FLAGS)), "mmu_update of L4 slot %u -> self, read-only",
               slots[i]);
        EXPECT(-EINVAL, mmu_write(e | MMU_PT_UPDATE_PRESERVE_AD, 0),
               "mmu_update (PRESERVE_AD) clearing L4 slot %u", slots[i]);
    }
    EXPECT(0, mmu_write(pt_maddr(l4, 255), 0), "mmu_update of L4 slot 255 (the guest's)");
    EXPECT(0, mmu_write(pt_maddr(l4, 272), 0), "mmu_update of L4 slot 272 (the guest's)");
    for (unsigned int i = 0; i < ARRAY_LEN(vas); i++) {
        EXPECT(-EINVAL, hc_update_va_mapping(vas[i], pte(mine, PTE_RW_FLAGS), UVMF_INVLPG),
               "update_va_mapping of hypervisor address %#lx", vas[i]);
        EXPECT(-EINVAL, hc_update_va_mapping(vas[i], 0, UVMF_INVLPG),
               "update_va_mapping unmapping hypervisor address %#lx", vas[i]);
    }
    EXPECT(-EINVAL, hc_update_va_mapping(0x0000800000000000UL, pte(mine, PTE_RW_FLAGS), 0),
           "update_va_mapping of a non-canonical address");
    /* The M2P is read-only; the rest of the range is not the guest's at all. */
    struct exinfo ex = probe_write64(MACH2PHYS_VIRT_START, 0);
    expect_exception("a write to the M2P", &ex, X86_EXC_PF, PFEC_PRESENT | PFEC_WRITE);
    for (unsigned int i = 1; i < ARRAY_LEN(vas); i++) {
        char what[80];
        ex = probe_read64(vas[i], NULL);
        snprintf(what, sizeof(what), "a read of hypervisor address %#lx", vas[i]);
        xtest_check(ex.vector == X86_EXC_PF && ex.cr2 == vas[i], "%s gave %s, cr2 %#lx", what,
                    exinfo_str(&ex, what, sizeof(what)), ex.cr2);
    }
    /* The hypervisor's mappings still work: the M2P reads as before. */
    xtest_check(m2p_of(virt_to_mfn((uint64_t)_image_start)) == (uint64_t)_image_start >> PAGE_SHIFT,
                "the M2P no longer maps our image");
    expect_tables_unchanged("updates aimed at the hypervisor's range");
}

/* ---- a batch with a bad entry in the middle ---- */

static void batch(void)
{
    struct mmu_update reqs[5];
    uint64_t maddr[5], before[5], data[5], seen[5];
    unsigned int done;
    long rc;

    for (unsigned int i = 0; i < 5; i++) {
        before[i] = initial_entry(scratch_va(i), 1, &maddr[i]);
        seen[i] = *(volatile uint64_t *)scratch_va(i);
        data[i] = spare_frame();
        if (expect_rc("update_va_mapping of a data frame", scratch_map(i, data[i], PTE_RW_FLAGS), 0)) {
            *(volatile uint64_t *)scratch_va(i) = 0xba7c400000000000UL + i;
            scratch_restore(i);
        }
        reqs[i] = (struct mmu_update){ .ptr = maddr[i], .val = pte(data[i], PTE_RO_FLAGS) };
    }
    reqs[2].val = pte(l4, PTE_RW_FLAGS);            /* the bad one: the L4 writable */
    done = 0xdeadbeef;
    rc = hc_mmu_update(reqs, 5, &done);
    expect_rc("mmu_update batch of 5 with the third mapping the L4 writable", rc, -EBUSY);
    xtest_check(done == 2, "the batch says %u done, expected 2", done);
    expect_rc("TLB_FLUSH_LOCAL", mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
    for (unsigned int i = 0; i < 5; i++) {
        uint64_t now = initial_entry(scratch_va(i), 1, NULL);
        uint64_t want = i < 2 ? pte(data[i], PTE_RO_FLAGS) : before[i];
        xtest_check(pte_same(now, want), "batch entry %u: the L1 entry is %#lx, expected %#lx",
                    i, now, want);
        uint64_t v = *(volatile uint64_t *)scratch_va(i);
        xtest_check(v == (i < 2 ? 0xba7c400000000000UL + i : seen[i]),
                    "batch entry %u: scratch page %u reads %#lx", i, i, v);
    }

    /* A bad first entry: nothing done. */
    struct mmu_update bad_first[2] = {
        { .ptr = maddr[3], .val = pte(l2, PTE_RW_FLAGS) },
        { .ptr = maddr[4], .val = pte(data[4], PTE_RO_FLAGS) },
    };
    done = 0xdeadbeef;
    expect_rc("mmu_update batch whose first entry is bad", hc_mmu_update(bad_first, 2, &done), -EBUSY);
    xtest_check(done == 0, "the batch says %u done, expected 0", done);
    xtest_check(pte_same(initial_entry(scratch_va(4), 1, NULL), before[4]),
                "an entry after a bad first one was applied");

    /* Put all five back in one batch. */
    for (unsigned int i = 0; i < 5; i++)
        reqs[i] = (struct mmu_update){ .ptr = maddr[i],
                                       .val = pte(p2m_of(scratch_va(i) >> PAGE_SHIFT), PTE_BUILDER_FLAGS) };
    done = 0xdeadbeef;
    expect_rc("mmu_update batch restoring the five", hc_mmu_update(reqs, 5, &done), 0);
    xtest_check(done == 5, "the restoring batch says %u done", done);
    expect_rc("TLB_FLUSH_LOCAL", mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);

    /* A long batch (it may be preempted and continued: *done must still count
     * across) into a pinned L1 with its bad entry at 1500: request i writes slot
     * i % 512, a read-only mapping of data[0] on even rounds and 0 on odd ones. */
    static struct mmu_update big[2048];
    uint64_t t = zeroed_frame();
    if (expect_rc("PIN_L1_TABLE for the long batch", mmuext(MMUEXT_PIN_L1_TABLE, t), 0)) {
        for (unsigned int i = 0; i < ARRAY_LEN(big); i++)
            big[i] = (struct mmu_update){ .ptr = pt_maddr(t, i % 512),
                                          .val = (i / 512) % 2 ? 0 : pte(data[0], PTE_RO_FLAGS) };
        big[1500].val = pte(t, PTE_RW_FLAGS);       /* the L1 mapping itself writable */
        done = 0xdeadbeef;
        expect_rc("mmu_update batch of 2048 with a bad entry at 1500",
                  hc_mmu_update(big, ARRAY_LEN(big), &done), -EBUSY);
        xtest_check(done == 1500, "the long batch says %u done, expected 1500", done);
        if (expect_rc("update_va_mapping of the L1 read-only", scratch_map(2, t, PTE_RO_FLAGS), 0)) {
            const volatile uint64_t *te = (const volatile uint64_t *)scratch_va(2);
            for (unsigned int slot = 0; slot < 512; slot++) {
                /* The last request before 1500 for this slot: round 2 below 476. */
                uint64_t want = slot < 1500 - 1024 ? pte(data[0], PTE_RO_FLAGS) : 0;
                if (!pte_same(te[slot], want)) {
                    xtest_fail("after the long batch slot %u is %#lx, expected %#lx", slot,
                               te[slot], want);
                    break;
                }
            }
            scratch_restore(2);
        }
        big[1500].val = 0;
        done = 0xdeadbeef;
        expect_rc("mmu_update batch of 2048", hc_mmu_update(big, ARRAY_LEN(big), &done), 0);
        xtest_check(done == 2048, "the long batch says %u done, expected 2048", done);
        EXPECT(0, mmuext(MMUEXT_UNPIN_TABLE, t), "UNPIN_TABLE after the long batch");
        EXPECT(0, try_map_writable(t), "the L1 of the long batch, unpinned");
    }

    /* mmuext: pins stop at the bad one as well. */
    uint64_t a = zeroed_frame(), b = zeroed_frame();
    struct mmuext_op ops[3] = {
        { .cmd = MMUEXT_PIN_L1_TABLE, .arg1 = a },
        { .cmd = MMUEXT_PIN_L1_TABLE, .arg1 = l4 },
        { .cmd = MMUEXT_PIN_L1_TABLE, .arg1 = b },
    };
    done = 0xdeadbeef;
    expect_rc("mmuext batch [pin, pin of the L4 as an L1, pin]", hc_mmuext_op(ops, 3, &done), -EINVAL);
    xtest_check(done == 1, "the pin batch says %u done, expected 1", done);
    expect_rc("PIN_L1_TABLE of the first, pinned by the batch", mmuext(MMUEXT_PIN_L1_TABLE, a), -EINVAL);
    expect_rc("UNPIN_TABLE of the third, not reached", mmuext(MMUEXT_UNPIN_TABLE, b), -EINVAL);
    expect_rc("UNPIN_TABLE of the first", mmuext(MMUEXT_UNPIN_TABLE, a), 0);
    expect_tables_unchanged("the batches");
}

/* ---- freeing frames still in use ---- */

static long reservation(unsigned int cmd, uint64_t *list, unsigned long n)
{
    struct xen_memory_reservation r = {
        .extent_start = (uint64_t)list, .nr_extents = n, .extent_order = 0, .domid = DOMID_SELF,
    };
    return hypercall6(__HYPERVISOR_memory_op, cmd, (unsigned long)&r, 0, 0, 0, 0);
}

/* Three frames given back at once: e unused, t a pinned L1 hooked into the L2,
 * d mapped by t. e leaves at once; t and d stay what they are until their last
 * use goes, and are not handed to anyone meanwhile; then they are gone for good. */
static void free_in_use(void)
{
    const uint64_t marker = 0xf4ee0000d00dUL;
    uint64_t e = zeroed_frame(), t = zeroed_frame(), d = zeroed_frame(), hook_maddr, v = 0;
    uint64_t list[3] = { e, t, d }, got = 0;
    struct exinfo ex;
    long rc;

    initial_entry(hook_va, 2, &hook_maddr);
    if (!expect_rc("update_va_mapping of d", scratch_map(1, d, PTE_RW_FLAGS), 0))
        return;
    *(volatile uint64_t *)scratch_va(1) = marker;
    scratch_restore(1);
    EXPECT(0, mmu_write(pt_maddr(t, 0), pte(d, PTE_RO_FLAGS)), "mmu_update plain write into t");
    EXPECT(0, mmuext(MMUEXT_PIN_L1_TABLE, t), "PIN_L1_TABLE of t");
    if (!expect_rc("mmu_update hooking t into the L2", mmu_write(hook_maddr, pte(t, PTE_TABLE_FLAGS)), 0))
        return;
    xtest_check(*(volatile uint64_t *)hook_va == marker, "d does not show at the hook address");

    rc = reservation(XENMEM_decrease_reservation, list, 3);
    expect_rc("decrease_reservation of an unused frame, a pinned L1 in use and a frame it maps",
              rc, 3);
    /* Still in use: the mapping works, the table is still a table. */
    ex = probe_read64(hook_va, &v);
    expect_no_exception("a read through the given-back L1 of the given-back frame", &ex);
    xtest_check(v == marker, "the given-back frame reads %#lx", v);
    EXPECT(-EBUSY, try_map_writable(t), "the given-back L1, still in use");
    EXPECT(-EBUSY, mmu_write(pt_maddr(t, 1), pte(l4, PTE_RW_FLAGS)),
           "mmu_update of the given-back L1 mapping the L4 writable");
    /* Nobody may get t or d while they are in use: the next frame handed out is
     * another (e left at once, so there is room for one). */
    rc = reservation(XENMEM_increase_reservation, &got, 1);
    if (expect_rc("increase_reservation of one frame", rc, 1)) {
        xtest_check(got != t && got != d, "increase_reservation handed out %#lx, still in use "
                    "(t %#lx, d %#lx)", got, t, d);
        expect_rc("decrease_reservation of it", reservation(XENMEM_decrease_reservation, &got, 1), 1);
    }
    /* Let them go: unhook t and drop its pin (Xen drops the pin of a frame given
     * back, so -EINVAL is as good as 0 here). */
    EXPECT(0, mmu_write(hook_maddr, 0), "mmu_update unhooking t");
    rc = mmuext(MMUEXT_UNPIN_TABLE, t);
    xtest_check(rc == 0 || rc == -EINVAL, "UNPIN_TABLE of the given-back L1 returned %ld", rc);
    EXPECT(0, mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0), "TLB_FLUSH_LOCAL");
    /* Gone for good. */
    for (unsigned int i = 0; i < 3; i++) {
        EXPECT(-EBUSY, scratch_map(1, list[i], PTE_RO_FLAGS), "update_va_mapping of given-back "
               "frame %c (%#lx) once unused", "etd"[i], list[i]);
        EXPECT(-EINVAL, mmuext(MMUEXT_PIN_L1_TABLE, list[i]), "PIN_L1_TABLE of given-back frame "
               "%c (%#lx)", "etd"[i], list[i]);
        xtest_check(m2p_of(list[i]) == ~0UL, "the M2P still names pfn %#lx for given-back frame %#lx",
                    m2p_of(list[i]), list[i]);
    }
    ex = probe_read64(hook_va, NULL);
    expect_exception("a read at the unhooked address", &ex, X86_EXC_PF, 0);
    expect_tables_unchanged("freeing frames still in use");
}

/* ---- frames the hypervisor writes ---- */

/* shared_info (the domain's, written by the hypervisor) and a vcpu_info page are
 * held writable by the hypervisor: neither may become a page table. Runs last: the
 * vcpu_info stays at scratch page 4. */
static void hypervisor_written(void)
{
    uint64_t si = xtest_start_info->shared_info >> PAGE_SHIFT, v = zeroed_frame(), hook_maddr;
    struct vcpu_register_vcpu_info r = { .mfn = v, .offset = 0 };
    struct exinfo ex;

    initial_entry(hook_va, 2, &hook_maddr);
    pin_fails(si, "the shared_info frame", -EINVAL);
    EXPECT(-EINVAL, mmu_write(hook_maddr, pte(si, PTE_TABLE_FLAGS)),
           "mmu_update using the shared_info frame as an L1");
    expect_tables_unchanged("making shared_info a table");
    if (!expect_rc("update_va_mapping of the vcpu_info frame", scratch_map(4, v, PTE_RW_FLAGS), 0) ||
        !expect_rc("register_vcpu_info onto a frame of ours", hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &r), 0))
        return;
    xtest_vcpu_info = (struct vcpu_info *)scratch_va(4);
    pin_fails(v, "the vcpu_info frame", -EINVAL);
    EXPECT(-EINVAL, mmu_write(hook_maddr, pte(v, PTE_TABLE_FLAGS)),
           "mmu_update using the vcpu_info frame as an L1");
    xtest_check(!(table(l2)[pt_slot(hook_va, 2)] & PTE_P), "the refused hook is in the L2");
    /* The hypervisor still writes it: a #PF's CR2 arrives there. */
    ex = probe_read64(hook_va, NULL);
    expect_exception("a read of the unmapped hook address", &ex, X86_EXC_PF, 0);
    xtest_check(ex.cr2 == hook_va, "CR2 in the moved vcpu_info is %#lx, expected %#lx", ex.cr2,
                hook_va);
}

void test_main(void)
{
    region_end();
    sva = scratch_va(0);
    l4 = initial_l4_mfn();
    l3 = initial_table_of(sva, 3);
    l2 = initial_table_of(sva, 2);
    l1 = initial_table_of(sva, 1);
    initial_entry(sva, 1, &sva_l1e);
    /* The first 2 MiB boundary at or after the region's end: not mapped. */
    hook_va = (region_end() + (1UL << 21) - 1) & ~((1UL << 21) - 1);
    if (!l3 || !l2 || !l1 || !sva_l1e || initial_table_of(hook_va, 2) != l2 ||
        (initial_entry(hook_va, 2, NULL) & PTE_P))
        xtest_abort("unexpected initial tables: L3 %#lx L2 %#lx L1 %#lx, hook va %#lx", l3, l2,
                    l1, hook_va);
    take_snapshot();

    direct();
    alias();
    selfmap();
    stale_tlb();
    foreign();
    bad_bits();
    retype();
    machphys();
    invlpg();
    hypervisor_range();
    batch();
    free_in_use();
    hypervisor_written();
}
