/*
 * libFuzzer target for PV page-table validation: xen/page_ref.c and
 * pv/pt_validate.c, compiled unmodified, driven by random sequences of what
 * guests and the hypervisor do to frames, against a frame table of 1024
 * frames shared by two domains (domain 2 also owns an aligned 2 MiB block
 * for superpages):
 *   write an entry   through pv_validate_entry when the frame is a validated
 *                    table (as mmu_update will), with or without
 *                    compare-exchange and preserved A/D; else as a plain
 *                    guest write, allowed only if the frame could be mapped
 *                    writable;
 *   pin / unpin      L1..L4;
 *   get / put        general or typed references held from outside (as a
 *                    CR3 or a descriptor table holds them);
 *   free / allocate  drop a frame's allocation reference, or give a domain a
 *                    frame from the allocator.
 * The first byte chooses each domain's options (superpages, cache
 * attributes); they stay for the input, so the recount can check bits.
 * After every step the independent recount of tests/unit/pt_audit.h must
 * hold (counts, no page table mapped writable, no foreign frame mapped, U set
 * and G clear, the hypervisor's L4 slots intact), and a refused step must
 * have changed no count.  At the end, dropping every pin, held reference and
 * allocation must give every frame back to the allocator.
 *
 * Build: scons (build/fuzz/fuzz_pt, with clang); run: see docs/testing.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <asm/paging.h>
#include <pv/pt_validate.h>
#include <xeno/buddy.h>
#include <xeno/errno.h>
#include <xeno/page_ref.h>
#include <xeno/string.h>
#include "../unit/pt_audit.h"
#include "../unit/stubs/stub.h"

#define FRAMES 1024
#define FIRST_RAM 16
#define RESERVED_FRAME 3
#define NR_DOMS 2
#define DOM_FRAMES 24
#define MAX_HELD 64
#define MAX_STEPS 256

#define A (1UL << 5)
#define D (1UL << 6)

_Noreturn void panic(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "panic: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

static _Noreturn void violated(unsigned int step, const char *what)
{
    fprintf(stderr, "fuzz_pt: invariant broken after step %u: %s\n", step, what);
    abort();
}

struct input {
    const uint8_t *p;
    size_t n;
};

static unsigned int next(struct input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static const uint16_t dom_id[NR_DOMS] = { 1, 2 };
static unsigned int dom_options[NR_DOMS + 1];
static unsigned long handles[NR_DOMS][DOM_FRAMES];
static unsigned long block_base;
static struct {
    unsigned long mfn;
    bool typed;
} held[MAX_HELD];
static unsigned int nr_held;
static unsigned long extra_general[FRAMES], extra_typed[FRAMES];
static struct pv_pt_config config;
static _Alignas(8) unsigned char frame_storage[FRAMES * sizeof(struct page_info)];
static struct {
    unsigned long count, type;
} before[FRAMES];
/* Frames whose contents may be non-zero, cleared before the next input (the
 * arena outlives inputs; zeroing all of it each time would cost the most). */
static bool dirty[FRAMES];

static unsigned int options_of(uint16_t domid)
{
    return domid <= NR_DOMS ? dom_options[domid] : 0;
}

static void release(struct page_info *pg)
{
    free_frames(pg, 0);
}

/* Validation writes the tables it accepts (U bits, the hypervisor's slots). */
static int validate(struct page_info *pg, unsigned long type)
{
    dirty[page_to_mfn(pg)] = true;
    return pv_validate_table(pg, type);
}

/* Type changes need TLB flushes in the hypervisor; nothing to do here. */
static void retype(struct page_info *pg, unsigned long from, unsigned long to)
{
    (void)pg;
    (void)from;
    (void)to;
}

static const struct page_ref_ops ops = {
    .validate = validate,
    .devalidate = pv_devalidate_table,
    .release = release,
    .retype = retype,
};

static uint64_t *tab(unsigned long mfn)
{
    return mfn_to_virt(mfn);
}

/* A frame of the domain's.  domain_alloc_frame zeroes it; here it holds what
 * the input wrote to it before (as a guest's own frame may). */
static unsigned long give_frame(uint16_t domid)
{
    struct page_info *pg = alloc_frames(0);

    if (!pg)
        return RESERVED_FRAME;
    page_assign(pg, domid);
    return page_to_mfn(pg);
}

static void setup(unsigned int opts)
{
    static bool arena;

    if (!arena) {
        stub_arena_init(FRAMES);
        arena = true;
    }
    for (unsigned long m = 0; m < FRAMES; m++)
        if (dirty[m]) {
            memset(mfn_to_virt(m), 0, PAGE_SIZE);
            dirty[m] = false;
        }
    frame_table_init(FRAMES, frame_storage);
    buddy_init();
    buddy_add_free_range(FIRST_RAM, FRAMES - FIRST_RAM);
    page_ref_set_ops(&ops);
    for (unsigned int i = 0; i < PV_XEN_L4_SLOTS; i++)
        config.xen_l4[i] = ((0x90000UL + i) << PAGE_SHIFT) | PTE_P | PTE_RW;
    config.domain_flags = options_of;
    pv_pt_configure(&config);
    dom_options[1] = opts & 3;
    dom_options[2] = (opts >> 2) & 3;
    struct page_info *blk = alloc_frames(9);
    block_base = page_to_mfn(blk);
    for (unsigned int i = 0; i < 512; i++) {
        blk[i].order = PAGE_ORDER_NONE;
        page_assign(&blk[i], dom_id[1]);
    }
    for (unsigned int d = 0; d < NR_DOMS; d++)
        for (unsigned int i = 0; i < DOM_FRAMES; i++)
            handles[d][i] = give_frame(dom_id[d]);
    nr_held = 0;
    memset(extra_general, 0, sizeof(extra_general));
    memset(extra_typed, 0, sizeof(extra_typed));
}

/* A frame number an entry names: mostly the domain's, also everything else. */
static unsigned long pick_frame(struct input *in, unsigned int d, unsigned long table)
{
    unsigned int b = next(in);

    switch (b >> 5) {
    case 0: case 1: case 2:
        return handles[d][b % DOM_FRAMES];
    case 3:
        return handles[!d][b % DOM_FRAMES];
    case 4:
        return table;
    case 5:
        return block_base + ((b & 8) ? (b & 7) * 64 : (b & 7));
    case 6:
        return (b & 1) ? max_page + ((b >> 1) & 7) :
               (b & 2) ? RESERVED_FRAME : FRAMES - 1 - (b & 15);
    default:
        return (PTE_ADDR_MASK >> PAGE_SHIFT) - (b & 3);
    }
}

static uint64_t pick_flags(struct input *in)
{
    unsigned int a = next(in), b = next(in);
    uint64_t f = (a & 7) ? PTE_P : 0;

    f |= (a & 0x08) ? PTE_RW : 0;
    f |= (a & 0x10) ? PTE_US : 0;
    f |= (a & 0x20) ? A | D : 0;
    f |= (a & 0x40) ? PTE_NX : 0;
    f |= (b & 0x01) ? PTE_PS : 0;
    f |= (b & 0x02) ? PTE_G : 0;
    f |= (b & 0x04) ? PTE_PWT : 0;
    f |= (b & 0x08) ? PTE_PCD : 0;
    f |= (b & 0x10) ? (1UL << 9) | (1UL << 52) : 0;
    f |= (b & 0x20) ? 1UL << 12 : 0;            /* PAT of a superpage */
    f |= (b & 0x40) ? 1UL << 13 : 0;            /* a superpage misaligned */
    return f;
}

static unsigned int pick_slot(struct input *in)
{
    static const unsigned int slots[] = { 0, 1, 2, 3, 4, 5, 255, 256, 263, 271, 272, 511 };
    unsigned int b = next(in);

    return (b & 0x80) ? (b * 7 + next(in)) % PT_ENTRIES : slots[b % ARRAY_SIZE(slots)];
}

static unsigned long pick_type(struct input *in)
{
    static const unsigned long types[] = {
        PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table,
        PGT_l4_page_table, PGT_writable_page, PGT_seg_desc_page,
    };

    return types[next(in) % ARRAY_SIZE(types)];
}

static void snapshot(void)
{
    for (unsigned long m = 0; m < FRAMES; m++) {
        before[m].count = mfn_to_page(m)->count_info;
        before[m].type = mfn_to_page(m)->type_info &
                         (PGT_count_mask | PGT_pinned | PGT_validated);
    }
}

static bool unchanged(void)
{
    for (unsigned long m = 0; m < FRAMES; m++)
        if (before[m].count != mfn_to_page(m)->count_info ||
            before[m].type != (mfn_to_page(m)->type_info &
                               (PGT_count_mask | PGT_pinned | PGT_validated)))
            return false;
    return true;
}

static uint64_t adjusted(uint64_t e)
{
    return (e & PTE_P) ? (e | PTE_US) & ~PTE_G : e;
}

static void op_write(struct input *in, unsigned int step)
{
    unsigned int d = next(in) & 1, slot;
    unsigned long t = pick_frame(in, d, 0);
    uint64_t val, cur, old, stored = 0;
    unsigned int level, flags;
    int rc;

    slot = pick_slot(in);
    val = ((uint64_t)pick_frame(in, d, t) << PAGE_SHIFT) | pick_flags(in);
    flags = next(in);
    if (t >= max_page)
        return;
    dirty[t] = true;
    level = pv_table_level(mfn_to_page(t));
    if (!level) {
        /* Plain memory: the guest writes what it could map writable. */
        if (!get_page_and_type(mfn_to_page(t), dom_id[d], PGT_writable_page)) {
            tab(t)[slot] = val;
            put_page_and_type(mfn_to_page(t));
        }
        return;
    }
    cur = tab(t)[slot];
    old = (flags & 4) ? cur ^ PTE_RW : cur;
    snapshot();
    rc = pv_validate_entry(level, &old, val, dom_id[d], t, slot,
                           flags & (PV_ENTRY_PRESERVE_AD | PV_ENTRY_CMPXCHG), &stored);
    if (rc) {
        if (!unchanged() || tab(t)[slot] != cur)
            violated(step, "a refused update changed something");
        if (rc == PV_ENTRY_CHANGED && old != cur)
            violated(step, "compare-exchange reported the wrong value");
        if (rc > 0 && !(flags & PV_ENTRY_CMPXCHG))
            violated(step, "a plain update reported a changed entry");
        return;
    }
    if (page_get_owner(mfn_to_page(t)) != dom_id[d])
        violated(step, "an update of another domain's table was accepted");
    if (level == 4 && !pv_l4_slot_is_guest(slot))
        violated(step, "an update of a hypervisor slot was accepted");
    uint64_t want = adjusted(val);
    if (flags & PV_ENTRY_PRESERVE_AD)
        want = (want & ~(A | D)) | (cur & (A | D));
    if (old != cur || stored != want || tab(t)[slot] != want)
        violated(step, "the stored entry is not the adjusted new one");
}

static void op_pin(struct input *in, unsigned int step)
{
    unsigned int d = next(in) & 1;
    unsigned long t = pick_frame(in, d, 0);
    unsigned int level = next(in) % 4 + 1;

    if (t >= max_page)
        return;
    snapshot();
    if (page_pin(mfn_to_page(t), dom_id[d], pt_type_of_level(level)) && !unchanged())
        violated(step, "a refused pin changed a count");
}

static void op_unpin(struct input *in, unsigned int step)
{
    unsigned int d = next(in) & 1;
    unsigned long t = pick_frame(in, d, 0);

    if (t >= max_page)
        return;
    snapshot();
    if (page_unpin(mfn_to_page(t), dom_id[d]) && !unchanged())
        violated(step, "a refused unpin changed a count");
}

static void op_get(struct input *in, unsigned int step)
{
    unsigned int d = next(in) & 1, how = next(in);
    unsigned long t = pick_frame(in, d, 0), type = pick_type(in);
    struct page_info *pg;
    int rc;

    if (t >= max_page || nr_held == MAX_HELD)
        return;
    pg = mfn_to_page(t);
    snapshot();
    rc = (how & 1) ? !get_page(pg, dom_id[d]) : get_page_and_type(pg, dom_id[d], type);
    if (rc) {
        if (!unchanged())
            violated(step, "a refused reference changed a count");
        return;
    }
    held[nr_held].mfn = t;
    held[nr_held].typed = !(how & 1);
    nr_held++;
    extra_general[t]++;
    extra_typed[t] += !(how & 1);
}

static void drop_held(unsigned int i)
{
    unsigned long t = held[i].mfn;

    extra_general[t]--;
    if (held[i].typed) {
        extra_typed[t]--;
        put_page_and_type(mfn_to_page(t));
    } else {
        put_page(mfn_to_page(t));
    }
    held[i] = held[--nr_held];
}

static void op_put(struct input *in)
{
    unsigned int i = next(in);

    if (nr_held)
        drop_held(i % nr_held);
}

static void op_free(struct input *in)
{
    unsigned int d = next(in) & 1;
    unsigned long t = pick_frame(in, d, 0);
    struct page_info *pg;

    if (t >= max_page)
        return;
    pg = mfn_to_page(t);
    /* decrease_reservation: the domain's own frames only. */
    if (page_state(pg) == PGC_state_inuse && page_get_owner(pg) == dom_id[d])
        page_drop_allocation(pg);
}

static void op_alloc(struct input *in)
{
    unsigned int d = next(in) & 1, i = next(in) % DOM_FRAMES;

    handles[d][i] = give_frame(dom_id[d]);
}

static void check(unsigned int step)
{
    char msg[256];

    if (pt_audit(&config, extra_general, extra_typed, msg, sizeof(msg)))
        violated(step, msg);
}

/* Domain destruction: every frame must come back. */
static void teardown(unsigned int step)
{
    while (nr_held)
        drop_held(nr_held - 1);
    for (unsigned long m = 0; m < FRAMES; m++) {
        struct page_info *pg = mfn_to_page(m);
        if (page_state(pg) == PGC_state_inuse && page_is_pinned(pg) &&
            page_unpin(pg, page_get_owner(pg)))
            violated(step, "a pinned frame could not be unpinned");
    }
    check(step);
    for (unsigned long m = 0; m < FRAMES; m++)
        if (page_state(mfn_to_page(m)) == PGC_state_inuse)
            page_drop_allocation(mfn_to_page(m));
    for (unsigned long m = FIRST_RAM; m < FRAMES; m++)
        if (page_state(mfn_to_page(m)) != PGC_state_free)
            violated(step, "a frame was not released (leak)");
    if (free_frame_count() != FRAMES - FIRST_RAM || !buddy_check())
        violated(step, "the allocator did not get every frame back");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    unsigned int step;

    setup(next(&in));
    for (step = 0; in.n && step < MAX_STEPS; step++) {
        switch (next(&in) % 11) {
        case 0: case 1: case 2: case 3:
            op_write(&in, step);
            break;
        case 4: op_pin(&in, step); break;
        case 5: op_unpin(&in, step); break;
        case 6: op_get(&in, step); break;
        case 7: op_put(&in); break;
        case 8: op_free(&in); break;
        case 9: op_alloc(&in); break;
        default:
            op_pin(&in, step);
            break;
        }
        check(step);
    }
    teardown(step);
    return 0;
}
