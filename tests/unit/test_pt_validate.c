/*
 * pv/pt_validate.c on top of xen/page_ref.c: every kind of entry, valid and
 * invalid, at every level, both through a single update (pv_validate_entry,
 * as mmu_update uses it) and through whole-table validation (a pin); the
 * references each takes, counted exactly and checked against an independent
 * recount (pt_audit.h); failed validations that leave every count as it was;
 * and the attacks of the PV memory issue: writable mappings of page tables
 * (directly, through an alias, by a self-map made writable), foreign frames,
 * frames beyond memory, the hypervisor's L4 slots, retyping pinned frames,
 * freeing frames still mapped.
 */
#include <asm/paging.h>
#include <pv/pt_validate.h>
#include <xeno/errno.h>
#include "page_ref_fixture.h"
#include "pt_audit.h"

#define FRAMES 4096
#define FIRST_FREE 16
#define RESERVED_FRAME 3
#define SLOT 5

#define P PTE_P
#define RW PTE_RW
#define US PTE_US
#define PWT PTE_PWT
#define PCD PTE_PCD
#define PS PTE_PS
#define G PTE_G
#define NX PTE_NX
#define A (1UL << 5)
#define D (1UL << 6)
#define PAT (1UL << 7)
#define PAT_LARGE (1UL << 12)
#define SOFT (7UL << 9 | 0x7ffUL << 52)

static unsigned int dom_options[3];
static struct pv_pt_config config;

static unsigned int options_of(uint16_t domid)
{
    return domid < ARRAY_SIZE(dom_options) ? dom_options[domid] : 0;
}

static const struct page_ref_ops pv_ops = {
    .validate = pv_validate_table,
    .devalidate = pv_devalidate_table,
    .release = fx_release,
    .retype = fx_retype,
};

static void setup_frames(unsigned long frames)
{
    fx_setup(frames, FIRST_FREE, &pv_ops);
    for (unsigned int i = 0; i < PV_XEN_L4_SLOTS; i++)
        config.xen_l4[i] = ((0x80000UL + i) << PAGE_SHIFT) | P | RW | A;
    config.domain_flags = options_of;
    pv_pt_configure(&config);
    for (unsigned int i = 0; i < ARRAY_SIZE(dom_options); i++)
        dom_options[i] = 0;
    pv_pt_error = NULL;
}

static void setup(void)
{
    setup_frames(FRAMES);
}

static uint64_t *tab(unsigned long mfn)
{
    return mfn_to_virt(mfn);
}

static uint64_t pte(unsigned long mfn, uint64_t flags)
{
    return ((uint64_t)mfn << PAGE_SHIFT) | flags;
}

static unsigned long type_of(unsigned int level)
{
    return pt_type_of_level(level);
}

/* mmu_update's view: set one entry of a validated table of domid's. */
static int update(unsigned int level, unsigned long table, unsigned int slot,
                  uint64_t val)
{
    uint64_t old;

    return pv_validate_entry(level, &old, val, page_get_owner(mfn_to_page(table)),
                             table, slot, 0, NULL);
}

static unsigned long pinned(unsigned int level)
{
    unsigned long mfn = fx_frame(DOM_A);

    BUG_ON(page_pin(mfn_to_page(mfn), DOM_A, type_of(level)));
    return mfn;
}

/* An aligned block of 2^order frames of domid's. */
static unsigned long block(uint16_t domid, unsigned int order)
{
    struct page_info *pg = alloc_frames(order);

    BUG_ON(!pg);
    for (unsigned long i = 0; i < (1UL << order); i++) {
        pg[i].order = PAGE_ORDER_NONE;
        page_assign(&pg[i], domid);
    }
    return page_to_mfn(pg);
}

#define AUDIT() audit_at(__LINE__, NULL, NULL)

static void audit_at(int line, const unsigned long *general, const unsigned long *typed)
{
    char msg[256];

    if (pt_audit(&config, general, typed, msg, sizeof(msg)))
        test_fail(__FILE__, line, "audit: %s", msg);
}

static void check_error(int line, const char *want)
{
    if (!want)
        return;
    if (!pv_pt_error || !test_contains(pv_pt_error, want))
        test_fail(__FILE__, line, "pv_pt_error is \"%s\", want \"%s\"",
                  pv_pt_error ? pv_pt_error : "(null)", want);
}

/* Counts of every frame, to show that something changed nothing. */
struct snapshot {
    unsigned long count[FRAMES];
    unsigned long type[FRAMES];
};

static struct snapshot snap;

static void take_snapshot(struct snapshot *s)
{
    for (unsigned long m = 0; m < max_page; m++) {
        s->count[m] = mfn_to_page(m)->count_info;
        s->type[m] = mfn_to_page(m)->type_info &
                     (PGT_count_mask | PGT_pinned | PGT_validated);
    }
}

static unsigned long snapshot_diff(const struct snapshot *s)
{
    for (unsigned long m = 0; m < max_page; m++)
        if (s->count[m] != mfn_to_page(m)->count_info ||
            s->type[m] != (mfn_to_page(m)->type_info &
                           (PGT_count_mask | PGT_pinned | PGT_validated)))
            return m;
    return ~0UL;
}

#define CHECK_UNCHANGED(s) do {                                               \
    unsigned long _m = snapshot_diff(s);                                      \
    if (_m != ~0UL)                                                           \
        test_fail(__FILE__, __LINE__, "frame %#lx changed", _m);              \
} while (0)

/* ---- One entry at a time, table-driven ---------------------------------- */

enum target {
    T_DATA,          /* a fresh frame of the domain's */
    T_SELF,          /* the table itself */
    T_FOREIGN,       /* a frame of the other domain */
    T_BEYOND,        /* the first frame past the end of memory */
    T_TOP,           /* the highest frame number an entry can name */
    T_FREE,          /* a frame in the allocator */
    T_RESERVED,      /* a frame that is no RAM */
    T_PINNED_L1,     /* a pinned L1 */
    T_PINNED_L4,     /* a pinned L4 */
    T_PINNED_SAME,   /* a pinned table of the entry's own level */
    T_WRITABLE,      /* a frame mapped writable by another L1 */
    T_BAD_LOWER,     /* a frame whose contents are no valid lower table */
    T_BLOCK,         /* 512 frames, aligned */
    T_BLOCK_SKEWED,  /* the same, named two frames in */
    T_BLOCK_TABLE,   /* 512 frames, one a pinned L1 */
    T_BLOCK_FOREIGN, /* 512 frames, the last the other domain's */
    T_BLOCK_BEYOND,  /* 512 frames that run past the end of memory */
};

struct entry_case {
    const char *name;
    unsigned int level;     /* 0: every level from 2 to 4 */
    enum target target;
    uint64_t flags;
    unsigned int options;
    int rc;
    const char *why;        /* part of pv_pt_error on a refusal */
    int general, typed;     /* change on the target frame(s) when accepted */
};

static const struct entry_case cases[] = {
    /* L1: data frames. */
    { "absent entry with any bits", 1, T_FOREIGN, RW | G | PCD | PAT | NX | SOFT, 0, 0, NULL, 0, 0 },
    { "read-only data", 1, T_DATA, P, 0, 0, NULL, 1, 0 },
    { "writable data", 1, T_DATA, P | RW | US, 0, 0, NULL, 1, 1 },
    { "A D NX and software bits", 1, T_DATA, P | RW | A | D | NX | SOFT, 0, 0, NULL, 1, 1 },
    { "global (G dropped)", 1, T_DATA, P | RW | G, 0, 0, NULL, 1, 1 },
    { "PWT without the option", 1, T_DATA, P | PWT, 0, -EINVAL, "reserved", 0, 0 },
    { "PCD without the option", 1, T_DATA, P | PCD, 0, -EINVAL, "reserved", 0, 0 },
    { "PAT without the option", 1, T_DATA, P | PAT, 0, -EINVAL, "reserved", 0, 0 },
    { "cache bits with the option", 1, T_DATA, P | PWT | PCD | PAT, PV_PT_CACHE_ATTRS, 0, NULL, 1, 0 },
    { "another domain's frame", 1, T_FOREIGN, P, 0, -EBUSY, "not the domain's", 0, 0 },
    { "frame beyond memory", 1, T_BEYOND, P, 0, -EPERM, "beyond the end", 0, 0 },
    { "top frame number", 1, T_TOP, P | RW, 0, -EPERM, "beyond the end", 0, 0 },
    { "free frame", 1, T_FREE, P, 0, -EBUSY, "not the domain's", 0, 0 },
    { "frame that is no RAM", 1, T_RESERVED, P, 0, -EBUSY, "not the domain's", 0, 0 },
    { "page table read-only", 1, T_PINNED_L1, P, 0, 0, NULL, 1, 0 },
    { "page table writable", 1, T_PINNED_L1, P | RW, 0, -EBUSY, "writable mapping of a page table", 0, 0 },
    { "L4 writable", 1, T_PINNED_L4, P | RW, 0, -EBUSY, "writable mapping of a page table", 0, 0 },
    { "own table read-only", 1, T_SELF, P, 0, 0, NULL, 1, 0 },
    { "own table writable", 1, T_SELF, P | RW, 0, -EBUSY, "writable mapping of a page table", 0, 0 },
    { "frame writable elsewhere too", 1, T_WRITABLE, P | RW, 0, 0, NULL, 1, 1 },
    { "L1 2 MiB bit is PAT", 1, T_DATA, P | PS, 0, -EINVAL, "reserved", 0, 0 },

    /* L2..L4: tables one level down. */
    { "absent entry with any bits", 0, T_FOREIGN, RW | G | PCD | PS | NX | SOFT, 0, 0, NULL, 0, 0 },
    { "lower table", 0, T_DATA, P | RW | US, 0, 0, NULL, 1, 1 },
    { "lower table without U", 0, T_DATA, P | RW, 0, 0, NULL, 1, 1 },
    { "lower table read-only", 0, T_DATA, P, 0, 0, NULL, 1, 1 },
    { "A D NX and software bits", 0, T_DATA, P | RW | A | D | NX | SOFT, 0, 0, NULL, 1, 1 },
    { "G", 0, T_DATA, P | RW | G, 0, -EINVAL, "reserved", 0, 0 },
    { "PWT", 0, T_DATA, P | PWT, PV_PT_CACHE_ATTRS, -EINVAL, "reserved", 0, 0 },
    { "PCD", 0, T_DATA, P | PCD, PV_PT_CACHE_ATTRS, -EINVAL, "reserved", 0, 0 },
    { "another domain's frame", 0, T_FOREIGN, P, 0, -EINVAL, "not the domain's", 0, 0 },
    { "frame beyond memory", 0, T_BEYOND, P, 0, -EINVAL, "beyond the end", 0, 0 },
    { "top frame number", 0, T_TOP, P, 0, -EINVAL, "beyond the end", 0, 0 },
    { "free frame", 0, T_FREE, P, 0, -EINVAL, "not the domain's", 0, 0 },
    { "frame that is no RAM", 0, T_RESERVED, P, 0, -EINVAL, "not the domain's", 0, 0 },
    { "frame mapped writable", 0, T_WRITABLE, P, 0, -EINVAL, "in use as another type", 0, 0 },
    { "another table of the same level", 0, T_PINNED_SAME, P, 0, -EINVAL, "in use as another type", 0, 0 },
    { "self-map read-only", 0, T_SELF, P | A, 0, 0, NULL, 0, 0 },
    { "self-map writable", 0, T_SELF, P | RW, 0, -EINVAL, "writable linear", 0, 0 },
    { "lower table with a bad entry", 0, T_BAD_LOWER, P | RW, 0, -EBUSY, "not the domain's", 0, 0 },

    /* L2 superpages (2 MiB). */
    { "superpage without the option", 2, T_BLOCK, P | PS, 0, -EINVAL, "superpage (PS)", 0, 0 },
    { "superpage read-only", 2, T_BLOCK, P | PS, PV_PT_SUPERPAGES, 0, NULL, 1, 0 },
    { "superpage writable", 2, T_BLOCK, P | RW | PS | G | A | D, PV_PT_SUPERPAGES, 0, NULL, 1, 1 },
    { "superpage PAT without cache option", 2, T_BLOCK, P | PS | PAT_LARGE, PV_PT_SUPERPAGES, -EINVAL, "cache attribute", 0, 0 },
    { "superpage cache bits", 2, T_BLOCK, P | PS | PAT_LARGE | PCD | PWT, PV_PT_SUPERPAGES | PV_PT_CACHE_ATTRS, 0, NULL, 1, 0 },
    { "superpage PCD without cache option", 2, T_BLOCK, P | PS | PCD, PV_PT_SUPERPAGES, -EINVAL, "reserved", 0, 0 },
    { "superpage not aligned", 2, T_BLOCK_SKEWED, P | PS, PV_PT_SUPERPAGES, -EINVAL, "not aligned", 0, 0 },
    { "superpage over a page table, writable", 2, T_BLOCK_TABLE, P | RW | PS, PV_PT_SUPERPAGES, -EBUSY, "writable mapping of a page table", 0, 0 },
    { "superpage over a page table, read-only", 2, T_BLOCK_TABLE, P | PS, PV_PT_SUPERPAGES, 0, NULL, 1, 0 },
    { "superpage with a foreign frame", 2, T_BLOCK_FOREIGN, P | PS, PV_PT_SUPERPAGES, -EBUSY, "not the domain's", 0, 0 },
    { "superpage past the end of memory", 2, T_BLOCK_BEYOND, P | PS, PV_PT_SUPERPAGES, -EPERM, "beyond the end", 0, 0 },
    { "L3 superpage without the option", 3, T_BLOCK, P | PS, 0, -EINVAL, "superpage (PS)", 0, 0 },
    { "L3 superpage not aligned", 3, T_BLOCK, P | PS, PV_PT_SUPERPAGES, -EINVAL, "not aligned", 0, 0 },
    { "L4 PS is reserved", 4, T_DATA, P | PS, PV_PT_SUPERPAGES, -EINVAL, "reserved", 0, 0 },
};

/* A frame whose contents make it an invalid table of level `level`. */
static unsigned long bad_table(unsigned int level)
{
    unsigned long mfn = fx_frame(DOM_A);

    if (level == 1)
        tab(mfn)[17] = pte(fx_frame(DOM_B), P);                 /* -EBUSY */
    else
        tab(mfn)[17] = pte(bad_table(level - 1), P | RW);       /* the same, deeper */
    return mfn;
}

static unsigned long make_target(const struct entry_case *c, unsigned int level,
                                 unsigned long table)
{
    unsigned long mfn, aux;

    switch (c->target) {
    case T_DATA:
        return fx_frame(DOM_A);
    case T_SELF:
        return table;
    case T_FOREIGN:
        return fx_frame(DOM_B);
    case T_BEYOND:
        return max_page;
    case T_TOP:
        return PTE_ADDR_MASK >> PAGE_SHIFT;
    case T_FREE:
        mfn = fx_frame(DOM_A);
        page_drop_allocation(mfn_to_page(mfn));
        return mfn;
    case T_RESERVED:
        return RESERVED_FRAME;
    case T_PINNED_L1:
        return pinned(1);
    case T_PINNED_L4:
        return pinned(4);
    case T_PINNED_SAME:
        return pinned(level);
    case T_WRITABLE:
        mfn = fx_frame(DOM_A);
        aux = pinned(1);
        BUG_ON(update(1, aux, 0, pte(mfn, P | RW)));
        return mfn;
    case T_BAD_LOWER:
        return bad_table(level - 1);
    case T_BLOCK:
        return block(DOM_A, 9);
    case T_BLOCK_SKEWED:
        return block(DOM_A, 9) + 2;             /* + 1 would be the PAT bit */
    case T_BLOCK_TABLE:
        mfn = block(DOM_A, 9);
        BUG_ON(page_pin(mfn_to_page(mfn + 7), DOM_A, PGT_l1_page_table));
        return mfn;
    case T_BLOCK_FOREIGN:
        mfn = block(DOM_A, 9);
        page_set_owner(mfn_to_page(mfn + 511), DOM_B);
        return mfn;
    case T_BLOCK_BEYOND:            /* memory ends 256 frames into it */
        return ALIGN_DOWN(max_page, 512UL);
    }
    BUG();
}

#define CASE_FAIL(fmt, ...) \
    test_fail(__FILE__, __LINE__, "L%u %s (%s): " fmt, level, c->name, \
              via_pin ? "pin" : "update", __VA_ARGS__)

static void run_case(const struct entry_case *c, unsigned int level, bool via_pin)
{
    unsigned long table, target, frames;
    uint64_t val;
    int rc;

    setup_frames(c->target == T_BLOCK_BEYOND ? FRAMES - 256 : FRAMES);
    dom_options[DOM_A] = c->options;
    table = via_pin ? fx_frame(DOM_A) : pinned(level);
    target = make_target(c, level, table);
    frames = c->target >= T_BLOCK ? 512 : 1;
    val = pte(target, c->flags);
    take_snapshot(&snap);
    if (via_pin) {
        tab(table)[SLOT] = val;
        rc = page_pin(mfn_to_page(table), DOM_A, type_of(level));
    } else {
        rc = update(level, table, SLOT, val);
    }
    if (rc != c->rc)
        CASE_FAIL("rc %d, want %d (%s)", rc, c->rc, pv_pt_error ? pv_pt_error : "-");
    if (rc) {
        check_error(__LINE__, c->why);
        CHECK_UNCHANGED(&snap);
        CHECK_EQ(tab(table)[SLOT], via_pin ? val : 0);
        AUDIT();
        return;
    }
    uint64_t want = (val & P) ? (val | US) & ~G : val;
    if (tab(table)[SLOT] != want)
        CASE_FAIL("entry %#lx, want %#lx", (unsigned long)tab(table)[SLOT],
                  (unsigned long)want);
    if (target != table) {
        for (unsigned long m = target; m < target + frames; m++) {
            long dg = (long)(fx_general(m) - (snap.count[m] & PGC_count_mask));
            long dt = (long)(fx_typed(m) - (snap.type[m] & PGT_count_mask));
            if (dg != c->general || dt != c->typed) {
                CASE_FAIL("frame +%lu changed by %ld/%ld, want %d/%d", m - target,
                          dg, dt, c->general, c->typed);
                break;
            }
        }
    }
    AUDIT();
    /* Undo, and everything is as it was. */
    if (via_pin)
        CHECK_EQ(page_unpin(mfn_to_page(table), DOM_A), 0);
    else
        CHECK_EQ(update(level, table, SLOT, 0), 0);
    CHECK_UNCHANGED(&snap);
    AUDIT();
}

TEST(every_entry_kind_by_update)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        for (unsigned int level = 1; level <= 4; level++)
            if (cases[i].level == level || (cases[i].level == 0 && level > 1))
                run_case(&cases[i], level, false);
}

TEST(every_entry_kind_by_validating_a_table)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        for (unsigned int level = 1; level <= 4; level++)
            if (cases[i].level == level || (cases[i].level == 0 && level > 1))
                run_case(&cases[i], level, true);
}

/* ---- Whole address spaces ----------------------------------------------- */

/*
 * L4[0] -> L3; L4[5] -> L4 (self, read-only); L3[0], L3[1] -> L2;
 * L2[0] -> L1a, L2[1] -> L1b; L1a[0..7] map data 0..7 writable, L1a[8]
 * maps L1b read-only, L1a[9] maps data 0 again read-only; L1b[0] maps the
 * L4 read-only, L1b[1..3] map data 8..10 read-only.  Data 11 is unmapped.
 * The hypervisor's slots hold what the guest left there.
 */
struct space {
    unsigned long l4, l3, l2, l1a, l1b;
    unsigned long data[12];
};

static void build_space(struct space *s)
{
    s->l4 = fx_frame(DOM_A);
    s->l3 = fx_frame(DOM_A);
    s->l2 = fx_frame(DOM_A);
    s->l1a = fx_frame(DOM_A);
    s->l1b = fx_frame(DOM_A);
    for (unsigned int i = 0; i < ARRAY_SIZE(s->data); i++)
        s->data[i] = fx_frame(DOM_A);
    tab(s->l4)[0] = pte(s->l3, P | RW);
    tab(s->l4)[5] = pte(s->l4, P);
    for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
        tab(s->l4)[i] = pte(s->data[11], P | RW | US);
    tab(s->l3)[0] = pte(s->l2, P | RW | US);
    tab(s->l3)[1] = pte(s->l2, P | RW);
    tab(s->l2)[0] = pte(s->l1a, P | RW);
    tab(s->l2)[1] = pte(s->l1b, P | RW);
    for (unsigned int i = 0; i < 8; i++)
        tab(s->l1a)[i] = pte(s->data[i], P | RW | A | D);
    tab(s->l1a)[8] = pte(s->l1b, P);
    tab(s->l1a)[9] = pte(s->data[0], P | NX);
    tab(s->l1b)[0] = pte(s->l4, P);
    for (unsigned int i = 1; i < 4; i++)
        tab(s->l1b)[i] = pte(s->data[7 + i], P | US);
}

static void check_counts(unsigned long mfn, unsigned long general, unsigned long typed)
{
    CHECK_EQ(fx_general(mfn), general);
    CHECK_EQ(fx_typed(mfn), typed);
}

TEST(pinning_an_l4_validates_everything_below)
{
    struct space s;

    setup();
    build_space(&s);
    CHECK_EQ(page_pin(mfn_to_page(s.l4), DOM_A, PGT_l4_page_table), 0);
    CHECK_EQ(pv_table_level(mfn_to_page(s.l4)), 4);
    CHECK_EQ(pv_table_level(mfn_to_page(s.l3)), 3);
    CHECK_EQ(pv_table_level(mfn_to_page(s.l2)), 2);
    CHECK_EQ(pv_table_level(mfn_to_page(s.l1a)), 1);
    CHECK_EQ(pv_table_level(mfn_to_page(s.l1b)), 1);
    check_counts(s.l4, 3, 1);           /* allocation, pin, L1b's mapping */
    check_counts(s.l3, 2, 1);
    check_counts(s.l2, 3, 2);           /* two L3 entries */
    check_counts(s.l1a, 2, 1);
    check_counts(s.l1b, 3, 1);          /* L2 entry and L1a's mapping */
    check_counts(s.data[0], 3, 1);      /* writable once, read-only once */
    for (unsigned int i = 1; i < 8; i++)
        check_counts(s.data[i], 2, 1);
    for (unsigned int i = 8; i < 11; i++)
        check_counts(s.data[i], 2, 0);
    check_counts(s.data[11], 1, 0);
    CHECK_EQ(page_type(mfn_to_page(s.data[0])), PGT_writable_page);
    for (unsigned int i = 0; i < PV_XEN_L4_SLOTS; i++)
        CHECK_EQ(tab(s.l4)[HYPERVISOR_L4_FIRST + i], config.xen_l4[i]);
    CHECK_EQ(tab(s.l4)[5], pte(s.l4, P | US));
    CHECK_EQ(tab(s.l1a)[0], pte(s.data[0], P | RW | US | A | D));
    AUDIT();

    CHECK_EQ(page_unpin(mfn_to_page(s.l4), DOM_A), 0);
    AUDIT();
    for (unsigned long m = s.l4; m <= s.data[11]; m++) {
        check_counts(m, 1, 0);
        CHECK(!page_is_validated(mfn_to_page(m)));
    }
    CHECK_EQ(fx_releases, 0);
}

TEST(unpinning_a_freed_address_space_releases_every_frame)
{
    struct space s;

    setup();
    build_space(&s);
    unsigned long free_before = free_frame_count();
    CHECK_EQ(page_pin(mfn_to_page(s.l4), DOM_A, PGT_l4_page_table), 0);
    for (unsigned long m = s.l4; m <= s.data[11]; m++)
        CHECK(page_drop_allocation(mfn_to_page(m)));
    CHECK_EQ(fx_releases, 1);           /* data 11 alone was unreferenced */
    CHECK_EQ(fx_last_released, s.data[11]);
    AUDIT();
    CHECK_EQ(page_unpin(mfn_to_page(s.l4), DOM_A), 0);
    CHECK_EQ(fx_releases, 17);
    CHECK_EQ(free_frame_count(), free_before + 17);
    for (unsigned long m = s.l4; m <= s.data[11]; m++)
        CHECK_EQ(page_state(mfn_to_page(m)), PGC_state_free);
    AUDIT();
}

/* One bad entry anywhere in the tree: the pin fails and nothing changes. */
TEST(failed_pin_leaves_every_count_as_it_was)
{
    static const struct {
        const char *name;
        int rc;
        const char *why;
    } bad[] = {
        { "L4 entry to a foreign frame", -EINVAL, "not the domain's" },
        { "L4 self-map writable", -EINVAL, "writable linear" },
        { "L3 entry with G", -EINVAL, "reserved" },
        { "L2 entry beyond memory", -EINVAL, "beyond the end" },
        { "L1 entry mapping a foreign frame", -EBUSY, "not the domain's" },
        { "L1 entry mapping the L2 writable", -EBUSY, "writable mapping of a page table" },
        { "L1 entry mapping itself writable", -EBUSY, "writable mapping of a page table" },
    };
    static uint64_t l4_before[PT_ENTRIES];

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        struct space s;
        uint64_t *slot;

        setup();
        build_space(&s);
        unsigned long foreign = fx_frame(DOM_B);
        switch (i) {
        case 0: slot = &tab(s.l4)[300]; *slot = pte(foreign, P); break;
        case 1: slot = &tab(s.l4)[6]; *slot = pte(s.l4, P | RW); break;
        case 2: slot = &tab(s.l3)[2]; *slot = pte(s.data[11], P | G); break;
        case 3: slot = &tab(s.l2)[3]; *slot = pte(max_page + 7, P); break;
        case 4: slot = &tab(s.l1b)[511]; *slot = pte(foreign, P | RW); break;
        case 5: slot = &tab(s.l1a)[10]; *slot = pte(s.l2, P | RW); break;
        default: slot = &tab(s.l1b)[4]; *slot = pte(s.l1b, P | RW); break;
        }
        take_snapshot(&snap);
        memcpy(l4_before, tab(s.l4), sizeof(l4_before));
        int rc = page_pin(mfn_to_page(s.l4), DOM_A, PGT_l4_page_table);
        if (rc != bad[i].rc)
            test_fail(__FILE__, __LINE__, "%s: rc %d, want %d", bad[i].name, rc, bad[i].rc);
        check_error(__LINE__, bad[i].why);
        CHECK_UNCHANGED(&snap);
        CHECK(!memcmp(l4_before, tab(s.l4), sizeof(l4_before)));
        CHECK(!page_is_pinned(mfn_to_page(s.l4)));
        AUDIT();
        /* Mended, the same tree pins. */
        *slot = 0;
        CHECK_EQ(page_pin(mfn_to_page(s.l4), DOM_A, PGT_l4_page_table), 0);
        AUDIT();
        CHECK_EQ(page_unpin(mfn_to_page(s.l4), DOM_A), 0);
        CHECK_UNCHANGED(&snap);
    }
}

/* A grant mapping: an L1 entry whose frame belongs to the granter, with the
 * same references a mapping of an own frame takes, dropped the ordinary way. */
TEST(grant_entry_references_the_granters_frame)
{
    setup();
    unsigned long l1 = pinned(1), theirs = fx_frame(DOM_B), ours = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(theirs);
    unsigned long general = page_refcount(pg);
    uint64_t old = 0;

    take_snapshot(&snap);
    /* Not through the ordinary path, and not from a third owner. */
    CHECK_EQ(update(1, l1, 5, pte(theirs, P | RW)), -EBUSY);
    CHECK_EQ(pv_validate_grant_entry(&old, pte(theirs, P | RW), DOM_A, DOM_A, l1, 5), -EBUSY);
    CHECK_EQ(pv_validate_grant_entry(&old, pte(theirs, RW), DOM_A, DOM_B, l1, 5), -EINVAL);
    CHECK_EQ(pv_validate_grant_entry(&old, pte(theirs, P | PS), DOM_A, DOM_B, l1, 5), -EINVAL);
    CHECK_UNCHANGED(&snap);
    /* Writable: a general reference and a writable type on their frame. */
    CHECK_EQ(pv_validate_grant_entry(&old, pte(theirs, P | RW), DOM_A, DOM_B, l1, 5), 0);
    CHECK_EQ(page_refcount(pg), general + 1);
    CHECK_EQ(page_type(pg), PGT_writable_page);
    CHECK_EQ(page_type_count(pg), 1);
    /* Replaced by an ordinary entry: the grant's references go. */
    CHECK_EQ(update(1, l1, 5, pte(ours, P)), 0);
    CHECK_EQ(page_refcount(pg), general);
    CHECK_EQ(page_type_count(pg), 0);
    /* Read-only: a general reference only; cleared, it goes. */
    CHECK_EQ(pv_validate_grant_entry(&old, pte(theirs, P), DOM_A, DOM_B, l1, 5), 0);
    CHECK_EQ(page_refcount(pg), general + 1);
    CHECK_EQ(page_type_count(pg), 0);
    CHECK_EQ(update(1, l1, 5, 0), 0);
    CHECK_EQ(page_refcount(pg), general);
    /* A page table of the granter's cannot be mapped writable this way either. */
    unsigned long their_l1 = fx_frame(DOM_B);
    CHECK_EQ(page_pin(mfn_to_page(their_l1), DOM_B, PGT_l1_page_table), 0);
    CHECK_EQ(pv_validate_grant_entry(&old, pte(their_l1, P | RW), DOM_A, DOM_B, l1, 5), -EBUSY);
    CHECK_EQ(page_unpin(mfn_to_page(their_l1), DOM_B), 0);
    CHECK_EQ(page_unpin(mfn_to_page(l1), DOM_A), 0);
}

TEST(no_writable_alias_of_a_page_table)
{
    struct space s;

    setup();
    build_space(&s);
    CHECK_EQ(page_pin(mfn_to_page(s.l4), DOM_A, PGT_l4_page_table), 0);
    unsigned long aux = pinned(1);
    const unsigned long tables[] = { s.l4, s.l3, s.l2, s.l1a, s.l1b, aux };
    take_snapshot(&snap);
    for (unsigned int i = 0; i < ARRAY_SIZE(tables); i++) {
        CHECK_EQ(update(1, aux, 0, pte(tables[i], P | RW)), -EBUSY);
        CHECK_EQ(update(1, s.l1a, 20, pte(tables[i], P | RW | US)), -EBUSY);
        CHECK_EQ(update(1, s.l1b, 20, pte(tables[i], P | RW | A | D)), -EBUSY);
        check_error(__LINE__, "writable mapping of a page table");
    }
    CHECK_UNCHANGED(&snap);
    CHECK_EQ(tab(aux)[0], 0);
    /* Read-only is how a guest looks at its tables. */
    for (unsigned int i = 0; i < ARRAY_SIZE(tables); i++)
        CHECK_EQ(update(1, aux, i, pte(tables[i], P)), 0);
    AUDIT();
    /* Nor by making a read-only alias writable. */
    CHECK_EQ(update(1, aux, 2, pte(s.l2, P | RW)), -EBUSY);
    CHECK_EQ(tab(aux)[2], pte(s.l2, P | US));
    /* Nor by validating a table that holds one. */
    unsigned long fresh = fx_frame(DOM_A);
    tab(fresh)[100] = pte(s.l3, P | RW);
    CHECK_EQ(page_pin(mfn_to_page(fresh), DOM_A, PGT_l1_page_table), -EBUSY);
    AUDIT();
}

TEST(writable_frame_cannot_become_a_table_until_unmapped)
{
    setup();
    unsigned long x = fx_frame(DOM_A), aux = pinned(1), l2 = pinned(2);

    CHECK_EQ(update(1, aux, 0, pte(x, P | RW)), 0);
    CHECK_EQ(update(2, l2, 0, pte(x, P | RW)), -EINVAL);
    check_error(__LINE__, "in use as another type");
    CHECK_EQ(page_pin(mfn_to_page(x), DOM_A, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(fx_retypes, 0);
    CHECK_EQ(update(1, aux, 0, pte(x, P)), 0);      /* read-only is no type */
    CHECK_EQ(update(2, l2, 0, pte(x, P | RW)), 0);
    CHECK_EQ(fx_retypes, 1);                        /* stale writable TLB entries */
    CHECK_EQ(fx_retype_from, PGT_writable_page);
    CHECK_EQ(fx_retype_to, PGT_l1_page_table);
    CHECK_EQ(update(1, aux, 1, pte(x, P | RW)), -EBUSY);
    AUDIT();
}

TEST(self_map_cannot_be_made_writable)
{
    for (unsigned int level = 2; level <= 4; level++) {
        setup();
        unsigned long t = pinned(level);

        CHECK_EQ(update(level, t, 7, pte(t, P | A)), 0);
        check_counts(t, 2, 1);                      /* a self-map holds nothing */
        CHECK_EQ(update(level, t, 7, pte(t, P | RW | A)), -EINVAL);
        check_error(__LINE__, "writable linear");
        CHECK_EQ(update(level, t, 8, pte(t, P | RW)), -EINVAL);
        CHECK_EQ(tab(t)[7], pte(t, P | US | A));
        CHECK_EQ(tab(t)[8], 0);
        check_counts(t, 2, 1);
        AUDIT();
        CHECK_EQ(page_unpin(mfn_to_page(t), DOM_A), 0);
        check_counts(t, 1, 0);
    }
}

TEST(hypervisor_slots_belong_to_the_hypervisor)
{
    setup();
    unsigned long l4 = fx_frame(DOM_A), l3 = fx_frame(DOM_A);

    for (unsigned int i = HYPERVISOR_L4_FIRST; i <= HYPERVISOR_L4_LAST; i++)
        tab(l4)[i] = pte(l4, P | RW);               /* would be refused elsewhere */
    CHECK_EQ(page_pin(mfn_to_page(l4), DOM_A, PGT_l4_page_table), 0);
    for (unsigned int i = 0; i < PV_XEN_L4_SLOTS; i++)
        CHECK_EQ(tab(l4)[HYPERVISOR_L4_FIRST + i], config.xen_l4[i]);
    take_snapshot(&snap);
    const unsigned int slots[] = { HYPERVISOR_L4_FIRST, 261, HYPERVISOR_L4_LAST };
    for (unsigned int i = 0; i < ARRAY_SIZE(slots); i++) {
        CHECK_EQ(update(4, l4, slots[i], pte(l3, P | RW)), -EINVAL);
        check_error(__LINE__, "slot of the hypervisor");
        CHECK_EQ(update(4, l4, slots[i], 0), -EINVAL);
        CHECK_EQ(tab(l4)[slots[i]], config.xen_l4[slots[i] - HYPERVISOR_L4_FIRST]);
    }
    CHECK_UNCHANGED(&snap);
    CHECK_EQ(update(4, l4, HYPERVISOR_L4_FIRST - 1, pte(l3, P | RW)), 0);
    CHECK_EQ(update(4, l4, HYPERVISOR_L4_LAST + 1, pte(l3, P | RW)), 0);
    check_counts(l3, 3, 2);
    AUDIT();
}

TEST(pinned_frames_keep_their_type)
{
    setup();
    unsigned long x = pinned(2), l3 = pinned(3), other_l2 = pinned(2), l4 = pinned(4);

    CHECK_EQ(update(3, l3, 0, pte(x, P | RW)), 0);  /* the type it has: fine */
    check_counts(x, 3, 2);
    CHECK_EQ(update(2, other_l2, 0, pte(x, P)), -EINVAL);
    CHECK_EQ(update(4, l4, 0, pte(x, P)), -EINVAL);
    CHECK_EQ(page_pin(mfn_to_page(x), DOM_A, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(page_pin(mfn_to_page(x), DOM_A, PGT_l2_page_table), -EINVAL);
    check_counts(x, 3, 2);
    /* Unpinned, it stays a table as long as the L3 refers to it. */
    CHECK_EQ(page_unpin(mfn_to_page(x), DOM_A), 0);
    CHECK_EQ(pv_table_level(mfn_to_page(x)), 2);
    check_counts(x, 2, 1);
    AUDIT();
    CHECK_EQ(update(3, l3, 0, 0), 0);
    CHECK_EQ(pv_table_level(mfn_to_page(x)), 0);
    check_counts(x, 1, 0);
    CHECK_EQ(update(1, pinned(1), 0, pte(x, P | RW)), 0);   /* plain memory again */
    AUDIT();
}

TEST(freed_frame_lives_until_its_last_mapping_goes)
{
    setup();
    unsigned long d = fx_frame(DOM_A), t = pinned(1);

    CHECK_EQ(update(1, t, 0, pte(d, P | RW)), 0);
    CHECK(page_drop_allocation(mfn_to_page(d)));
    CHECK_EQ(fx_releases, 0);
    CHECK_EQ(page_get_owner(mfn_to_page(d)), DOM_A);
    CHECK_EQ(update(1, t, 1, pte(d, P)), 0);        /* still the domain's */
    AUDIT();
    CHECK_EQ(update(1, t, 0, 0), 0);
    CHECK_EQ(fx_releases, 0);
    CHECK_EQ(update(1, t, 1, pte(d, P | NX)), 0);   /* replaced, not dropped */
    CHECK_EQ(update(1, t, 1, 0), 0);
    CHECK_EQ(fx_releases, 1);
    CHECK_EQ(fx_last_released, d);
    CHECK_EQ(update(1, t, 2, pte(d, P)), -EBUSY);
    AUDIT();
}

TEST(updates_swap_references)
{
    setup();
    unsigned long t = pinned(2), x = fx_frame(DOM_A), y = fx_frame(DOM_A);
    unsigned long d1 = fx_frame(DOM_A), d2 = fx_frame(DOM_A), d3 = fx_frame(DOM_A);

    tab(x)[0] = pte(d1, P | RW);
    tab(y)[0] = pte(d2, P);
    CHECK_EQ(update(2, t, 0, pte(x, P | RW)), 0);
    check_counts(d1, 2, 1);
    CHECK_EQ(update(2, t, 0, pte(y, P | RW)), 0);
    CHECK_EQ(pv_table_level(mfn_to_page(x)), 0);
    CHECK_EQ(pv_table_level(mfn_to_page(y)), 1);
    check_counts(d1, 1, 0);
    check_counts(d2, 2, 0);
    CHECK_EQ(update(1, y, 3, pte(d3, P | RW)), 0);
    check_counts(d3, 2, 1);
    CHECK_EQ(update(1, y, 3, pte(d3, P)), 0);       /* writable -> read-only */
    check_counts(d3, 2, 0);
    CHECK_EQ(update(1, y, 3, pte(d3, P | RW)), 0);  /* and back */
    check_counts(d3, 2, 1);
    AUDIT();
}

TEST(compare_exchange_and_preserved_accessed_dirty)
{
    setup();
    unsigned long t = pinned(1), d = fx_frame(DOM_A), e = fx_frame(DOM_A);
    uint64_t old = 0, stored = 0;

    CHECK_EQ(update(1, t, 0, pte(d, P | RW)), 0);
    take_snapshot(&snap);
    old = pte(d, P | RW);                           /* without the U it got */
    CHECK_EQ(pv_validate_entry(1, &old, pte(e, P), DOM_A, t, 0, PV_ENTRY_CMPXCHG,
                               &stored), PV_ENTRY_CHANGED);
    CHECK_EQ(old, pte(d, P | RW | US));
    CHECK_UNCHANGED(&snap);
    CHECK_EQ(pv_validate_entry(1, &old, pte(e, P), DOM_A, t, 0, PV_ENTRY_CMPXCHG,
                               &stored), 0);
    CHECK_EQ(old, pte(d, P | RW | US));
    CHECK_EQ(stored, pte(e, P | US));
    check_counts(d, 1, 0);
    check_counts(e, 2, 0);
    /* The hardware sets A and D; an update may keep them. */
    tab(t)[0] |= A | D;
    CHECK_EQ(pv_validate_entry(1, &old, pte(e, P | NX), DOM_A, t, 0,
                               PV_ENTRY_PRESERVE_AD, &stored), 0);
    CHECK_EQ(stored, pte(e, P | US | NX | A | D));
    CHECK_EQ(tab(t)[0], stored);
    CHECK_EQ(pv_validate_entry(1, &old, pte(e, P), DOM_A, t, 0, 0, &stored), 0);
    CHECK_EQ(old, pte(e, P | US | NX | A | D));
    CHECK_EQ(tab(t)[0], pte(e, P | US));
    AUDIT();
}

TEST(update_needs_a_validated_table_of_that_level_of_the_domains)
{
    setup();
    unsigned long fresh = fx_frame(DOM_A), l1 = pinned(1), d = fx_frame(DOM_A);
    unsigned long theirs = fx_frame(DOM_B);
    uint64_t old;

    BUG_ON(page_pin(mfn_to_page(theirs), DOM_B, PGT_l1_page_table));
    take_snapshot(&snap);
    CHECK_EQ(update(1, fresh, 0, pte(d, P)), -EINVAL);
    check_error(__LINE__, "not a validated page table");
    CHECK_EQ(pv_validate_entry(2, &old, 0, DOM_A, l1, 0, 0, NULL), -EINVAL);
    CHECK_EQ(pv_validate_entry(1, &old, 0, DOM_A, theirs, 0, 0, NULL), -EINVAL);
    CHECK_EQ(pv_validate_entry(1, &old, 0, DOM_A, l1, PT_ENTRIES, 0, NULL), -EINVAL);
    CHECK_EQ(pv_validate_entry(0, &old, 0, DOM_A, l1, 0, 0, NULL), -EINVAL);
    CHECK_EQ(pv_validate_entry(5, &old, 0, DOM_A, l1, 0, 0, NULL), -EINVAL);
    CHECK_EQ(pv_validate_entry(1, &old, 0, DOM_A, max_page, 0, 0, NULL), -EINVAL);
    CHECK_UNCHANGED(&snap);
    CHECK_EQ(tab(fresh)[0], 0);
    AUDIT();
}

TEST(descriptor_pages_cannot_be_mapped_writable)
{
    static unsigned long general[FRAMES], typed[FRAMES];

    setup();
    unsigned long f = fx_frame(DOM_A), aux = pinned(1);

    CHECK_EQ(get_page_and_type(mfn_to_page(f), DOM_A, PGT_seg_desc_page), 0);
    CHECK_EQ(update(1, aux, 0, pte(f, P | RW)), -EBUSY);
    CHECK_EQ(update(1, aux, 0, pte(f, P)), 0);
    general[f] = typed[f] = 1;
    audit_at(__LINE__, general, typed);
    general[f] = typed[f] = 0;
    put_page_and_type(mfn_to_page(f));
}

TEST(superpage_frames_cannot_become_tables)
{
    setup();
    dom_options[DOM_A] = PV_PT_SUPERPAGES;
    unsigned long b = block(DOM_A, 9), l2 = pinned(2);

    CHECK_EQ(update(2, l2, 0, pte(b, P | RW | PS)), 0);
    CHECK_EQ(page_pin(mfn_to_page(b + 3), DOM_A, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(update(2, l2, 1, pte(b + 3, P | RW)), -EINVAL);
    AUDIT();
    /* The option went away: what was validated still comes apart. */
    dom_options[DOM_A] = 0;
    CHECK_EQ(update(2, l2, 0, 0), 0);
    for (unsigned long m = b; m < b + 512; m++)
        check_counts(m, 1, 0);
    AUDIT();
    CHECK_EQ(update(2, l2, 0, pte(b, P | PS)), -EINVAL);
}

TEST(one_gib_superpage)
{
    setup_frames(1UL << 19);
    dom_options[DOM_A] = PV_PT_SUPERPAGES;
    unsigned long b = block(DOM_A, 18), l3 = pinned(3);

    CHECK_EQ(update(3, l3, 1, pte(b + 512, P | PS)), -EINVAL);
    check_error(__LINE__, "not aligned");
    CHECK_EQ(update(3, l3, 1, pte(b, P | RW | PS)), 0);
    check_counts(b, 2, 1);
    check_counts(b + 262143, 2, 1);
    CHECK_EQ(page_pin(mfn_to_page(b + 1000), DOM_A, PGT_l2_page_table), -EINVAL);
    AUDIT();
    CHECK_EQ(update(3, l3, 1, 0), 0);
    check_counts(b, 1, 0);
    check_counts(b + 262143, 1, 0);
}

/* ---- mmu_update's fast path for L1 entries, table-driven ---------------- */

/*
 * pv_update_checked_entry at level 1 with no flags, as a batch of mmu_update
 * calls it: a plain mapping of the domain's own frame (or an entry not
 * present) goes pv_update_l1_fast's straight line; every refusal, and every
 * entry it does not handle, must come out of the general path exactly as
 * before. Each case replaces a present RW mapping of the domain's, so the
 * fast path also drops references.
 */
enum fast_target {
    F_OWN,         /* a fresh frame of the domain's */
    F_OWN_L1,      /* a pinned L1 of the domain's */
    F_THE_TABLE,   /* the table being updated */
    F_FOREIGN,     /* a frame of the other domain */
    F_BEYOND,      /* the first frame past the end of memory */
    F_FREE,        /* a frame in the allocator */
    F_OLD,         /* the frame the entry maps already */
};

struct fast_case {
    const char *name;
    enum fast_target target;
    uint64_t flags;
    unsigned int options;   /* the domain's PV_PT_* options */
    int rc;
    bool fast;              /* applied by pv_update_l1_fast */
    const char *error;      /* pv_pt_error, for a refusal */
};

static const struct fast_case fast_cases[] = {
    { "valid RW leaf", F_OWN, P | RW | A | D, 0, 0, true, NULL },
    { "valid read-only leaf, NX and software bits", F_OWN, P | NX | SOFT, 0, 0, true, NULL },
    { "G is cleared, U set", F_OWN, P | RW | G, 0, 0, true, NULL },
    { "not present, anything in it", F_OWN, 0xdead0UL & ~P, 0, 0, true, NULL },
    { "same frame, RW dropped", F_OLD, P, 0, 0, true, NULL },
    { "same frame again", F_OLD, P | RW | A, 0, 0, true, NULL },
    { "read-only mapping of an L1", F_OWN_L1, P, 0, 0, true, NULL },
    { "RW mapping of an L1-typed frame", F_OWN_L1, P | RW, 0, -EBUSY, false,
      "writable mapping of a page table" },
    { "RW mapping of the table itself", F_THE_TABLE, P | RW, 0, -EBUSY, false,
      "writable mapping of a page table" },
    { "foreign frame", F_FOREIGN, P, 0, -EBUSY, false, "not the domain's" },
    { "foreign frame, RW", F_FOREIGN, P | RW, 0, -EBUSY, false, "not the domain's" },
    { "free frame", F_FREE, P, 0, -EBUSY, false, "not the domain's" },
    { "frame beyond memory", F_BEYOND, P, 0, -EPERM, false, "beyond the end of memory" },
    { "reserved bit: PAT without the option", F_OWN, P | PAT, 0, -EINVAL, false,
      "reserved or unsupported bits" },
    { "reserved bit: PCD without the option", F_OWN, P | PCD, 0, -EINVAL, false,
      "reserved or unsupported bits" },
    { "cache attributes with the option: general path", F_OWN, P | RW | PWT | PCD,
      PV_PT_CACHE_ATTRS, 0, false, NULL },
};

static unsigned long fast_target(enum fast_target t, unsigned long table, unsigned long old)
{
    switch (t) {
    case F_OWN:       return fx_frame(DOM_A);
    case F_OWN_L1:    return pinned(1);
    case F_THE_TABLE: return table;
    case F_FOREIGN:   return fx_frame(DOM_B);
    case F_BEYOND:    return max_page;
    case F_FREE: {
        unsigned long mfn = fx_frame(DOM_A);

        page_drop_allocation(mfn_to_page(mfn));
        return mfn;
    }
    case F_OLD:       return old;
    }
    BUG();
}

static void run_fast_case(const struct fast_case *c)
{
    unsigned long table = pinned(1), before = fx_frame(DOM_A);
    uint64_t old = 0, stored = 0, val;
    unsigned long hits;
    int rc;

    dom_options[DOM_A] = c->options;
    CHECK_EQ(update(1, table, SLOT, pte(before, P | RW)), 0);
    val = pte(fast_target(c->target, table, before), c->flags);
    take_snapshot(&snap);
    hits = pv_l1_fast_hits;
    pv_pt_error = NULL;
    rc = pv_update_checked_entry(1, &old, val, DOM_A, table, SLOT, 0, &stored);
    if (rc != c->rc)
        test_fail(__FILE__, __LINE__, "%s: rc %d, want %d", c->name, rc, c->rc);
    if ((pv_l1_fast_hits - hits == 1) != c->fast)
        test_fail(__FILE__, __LINE__, "%s: %s the fast path", c->name,
                  c->fast ? "missed" : "took");
    if (c->rc) {
        check_error(__LINE__, c->error);
        CHECK_UNCHANGED(&snap);
        CHECK_EQ(tab(table)[SLOT], pte(before, P | RW | US));
    } else {
        uint64_t want = (val & P) ? (val | US) & ~G : val;
        CHECK_EQ(old, pte(before, P | RW | US));
        CHECK_EQ(stored, want);
        CHECK_EQ(tab(table)[SLOT], want);
    }
    AUDIT();
    /* Clearing the entry is the fast path's too, and leaves counts exact. */
    hits = pv_l1_fast_hits;
    CHECK_EQ(pv_update_checked_entry(1, &old, 0, DOM_A, table, SLOT, 0, NULL), 0);
    CHECK_EQ(pv_l1_fast_hits - hits, 1);
    AUDIT();
}

TEST(l1_fast_path_cases)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(fast_cases); i++) {
        setup();
        run_fast_case(&fast_cases[i]);
    }
}

TEST(l1_fast_path_only_without_flags)
{
    unsigned long table, frame;
    uint64_t old, stored;
    unsigned long hits;

    setup();
    table = pinned(1);
    frame = fx_frame(DOM_A);
    hits = pv_l1_fast_hits;
    /* PRESERVE_AD keeps the general path (and its A/D semantics). */
    tab(table)[SLOT] = 0;
    CHECK_EQ(pv_update_checked_entry(1, &old, pte(frame, P | RW), DOM_A, table, SLOT,
                                     PV_ENTRY_PRESERVE_AD, &stored), 0);
    CHECK_EQ(pv_l1_fast_hits, hits);
    CHECK_EQ(stored, pte(frame, P | RW | US));
    /* Nor is an upper level's entry ever the fast path's. */
    unsigned long l2 = pinned(2);
    CHECK_EQ(pv_update_checked_entry(2, &old, pte(table, P | RW), DOM_A, l2, 0, 0, NULL), 0);
    CHECK_EQ(pv_l1_fast_hits, hits);
    AUDIT();
}
