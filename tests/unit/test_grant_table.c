/*
 * xen/grant_table.c: the v1 entry state machine the hypervisor shares with
 * the granting guest.  Table growth (setup_table, query_size, limits),
 * set_version, acquiring grants for maps and copies (read-only and
 * writable, wrong domain, revoked, read-only grants, sub-page, pin limits),
 * the GTF_reading/GTF_writing flags following the pin counts, revoking
 * while mapped refused by the guest's own compare-and-exchange, transfer's
 * accept -> committed -> completed, map handles, and teardown.
 */
#include <stdlib.h>
#include <xeno/errno.h>
#include <xeno/grant_table.h>
#include <xeno/string.h>
#include "harness.h"

#define DOM_A 1                 /* grants */
#define DOM_B 2                 /* maps */
#define DOM_C 3                 /* an outsider */
#define POOL 140                /* frames for all the tables of a test */
#define MFN_BASE 0x1000

static struct grant_entry_v1 pool_shared[POOL][GNTTAB_ENTRIES_PER_FRAME];
static struct gnttab_active pool_active[POOL][GNTTAB_ENTRIES_PER_FRAME];
static bool pool_used[POOL];
static unsigned int allocs, frees, allocs_left;

static int fx_alloc(struct gnttab *gt, unsigned int i, struct gnttab_frame *f)
{
    (void)gt;
    (void)i;
    CHECK(spin_is_locked(&gt->lock));
    if (!allocs_left)
        return -ENOMEM;
    for (unsigned int n = 0; n < POOL; n++) {
        if (pool_used[n])
            continue;
        pool_used[n] = true;
        memset(pool_shared[n], 0, sizeof(pool_shared[n]));
        memset(pool_active[n], 0, sizeof(pool_active[n]));
        f->shared = pool_shared[n];
        f->active = pool_active[n];
        f->mfn = MFN_BASE + n;
        allocs++;
        allocs_left--;
        return 0;
    }
    return -ENOMEM;
}

static void fx_free(struct gnttab *gt, unsigned int i, struct gnttab_frame *f)
{
    (void)gt;
    (void)i;
    pool_used[f->mfn - MFN_BASE] = false;
    frees++;
}

static const struct gnttab_frame_ops frame_ops = { .alloc = fx_alloc, .free = fx_free };

static struct gnttab gt_a, gt_c;
static struct gnttab_handle slots[8];
static struct gnttab_maptrack mt_b;

static void setup(void)
{
    memset(pool_used, 0, sizeof(pool_used));
    allocs = frees = 0;
    allocs_left = POOL;
    gnttab_set_frame_ops(&frame_ops);
    CHECK_EQ(gnttab_init(&gt_a, DOM_A, 4), 0);
    CHECK_EQ(gnttab_init(&gt_c, DOM_C, 4), 0);
    CHECK_EQ(gnttab_grow(&gt_a, 1), 0);
    CHECK_EQ(gnttab_grow(&gt_c, 1), 0);
    gnttab_maptrack_init(&mt_b, slots, ARRAY_SIZE(slots));
}

static void check_unlocked(void)
{
    CHECK(!spin_is_locked(&gt_a.lock));
    CHECK(!spin_is_locked(&gt_c.lock));
    CHECK(!spin_is_locked(&mt_b.lock));
}

/* ---- The granting guest's side, as Linux does it. */

static struct grant_entry_v1 *entry_of(struct gnttab *gt, grant_ref_t ref)
{
    return &gt->frames[ref / GNTTAB_ENTRIES_PER_FRAME].shared[ref % GNTTAB_ENTRIES_PER_FRAME];
}

/* domid and frame first, then (after a barrier) the flags. */
static void guest_grant(struct gnttab *gt, grant_ref_t ref, uint16_t domid,
                        uint32_t frame, uint16_t flags)
{
    struct grant_entry_v1 *e = entry_of(gt, ref);

    e->domid = domid;
    e->frame = frame;
    __atomic_store_n(&e->flags, flags, __ATOMIC_SEQ_CST);
}

/*
 * Taking a grant back: refuse while the hypervisor says it is in use,
 * otherwise compare-and-exchange the flags to 0.  before_exchange runs
 * between the guest's read and its exchange (another CPU's map).
 */
static bool guest_end_access(struct grant_entry_v1 *e, void (*before_exchange)(void))
{
    uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_SEQ_CST);

    for (;;) {
        if (flags & (GTF_reading | GTF_writing))
            return false;
        if (before_exchange) {
            before_exchange();
            before_exchange = NULL;
        }
        if (__atomic_compare_exchange_n(&e->flags, &flags, 0, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return true;
    }
}

static uint16_t flags_of(struct gnttab *gt, grant_ref_t ref)
{
    return entry_of(gt, ref)->flags;
}

/* ------------------------------------------------------------------------ */

TEST(init_checks_the_frame_limit)
{
    struct gnttab gt;
    uint32_t frame;
    static const struct { unsigned int max; int rc; } cases[] = {
        { 1, 0 }, { GNTTAB_MAX_FRAMES, 0 }, { 0, -EINVAL }, { GNTTAB_MAX_FRAMES + 1, -EINVAL },
    };

    setup();
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        CHECK_EQ(gnttab_init(&gt, 9, cases[i].max), cases[i].rc);
    CHECK_EQ(gnttab_init(&gt, 9, 2), 0);
    CHECK_EQ(gnttab_nr_entries(&gt), 0);
    CHECK_EQ(gnttab_acquire(&gt, 0, DOM_B, true, GNTTAB_MAP, &frame), GNTST_bad_gntref);
    CHECK_EQ(GNTTAB_ENTRIES_PER_FRAME, 512);
}

TEST(setup_table_grows_up_to_the_limit)
{
    uint64_t mfns[GNTTAB_MAX_FRAMES + 1];
    struct gnttab_query_size q;
    struct gnttab big;

    setup();
    gnttab_query_size(&gt_a, &q);
    CHECK_EQ(q.nr_frames, 1);
    CHECK_EQ(q.max_nr_frames, 4);
    CHECK_EQ(q.status, GNTST_okay);

    CHECK_EQ(gnttab_setup_table(&gt_a, 3, mfns), GNTST_okay);
    CHECK_EQ(gt_a.nr_frames, 3);
    CHECK_EQ(gnttab_nr_entries(&gt_a), 3 * 512);
    for (unsigned int i = 0; i < 3; i++)
        CHECK_EQ(mfns[i], gt_a.frames[i].mfn);
    CHECK(mfns[0] != mfns[1]);
    CHECK_EQ(gnttab_setup_table(&gt_a, 1, mfns), GNTST_okay);  /* never shrinks */
    CHECK_EQ(gt_a.nr_frames, 3);
    CHECK_EQ(gnttab_setup_table(&gt_a, 0, mfns), GNTST_okay);
    CHECK_EQ(gnttab_setup_table(&gt_a, 5, mfns), GNTST_general_error);
    CHECK_EQ(gt_a.nr_frames, 3);
    CHECK_EQ(gnttab_grow(&gt_a, 5), -EINVAL);

    /* Out of memory: the frames that came stay, the call fails. */
    allocs_left = 0;
    CHECK_EQ(gnttab_setup_table(&gt_a, 4, mfns), GNTST_general_error);
    CHECK_EQ(gnttab_grow(&gt_a, 4), -ENOMEM);
    CHECK_EQ(gt_a.nr_frames, 3);
    allocs_left = POOL;
    CHECK_EQ(gnttab_grow(&gt_a, 4), 0);
    gnttab_query_size(&gt_a, &q);
    CHECK_EQ(q.nr_frames, 4);

    /* The largest table. */
    CHECK_EQ(gnttab_init(&big, 7, GNTTAB_MAX_FRAMES), 0);
    CHECK_EQ(gnttab_setup_table(&big, GNTTAB_MAX_FRAMES, mfns), GNTST_okay);
    CHECK_EQ(gnttab_nr_entries(&big), GNTTAB_MAX_FRAMES * 512);
    CHECK_EQ(gnttab_setup_table(&big, GNTTAB_MAX_FRAMES + 1, mfns), GNTST_general_error);
    CHECK_EQ(gnttab_destroy(&big), 0);
    CHECK_EQ(frees, GNTTAB_MAX_FRAMES);
    check_unlocked();
}

TEST(set_version_offers_only_v1)
{
    static const struct { uint32_t version; int rc; } cases[] = {
        { 1, 0 }, { 2, -ENOSYS }, { 0, -EINVAL }, { 3, -EINVAL }, { 0xffffffffU, -EINVAL },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        struct gnttab_set_version op = { .version = cases[i].version };

        CHECK_EQ(gnttab_set_version(&op), cases[i].rc);
        CHECK_EQ(op.version, 1);
    }
}

TEST(acquire_checks_the_entry)
{
    static const struct {
        uint16_t flags, domid, user;
        bool readonly;
        enum gnttab_use use;
        int16_t status;
        uint16_t after;                 /* the entry's flags afterwards */
    } cases[] = {
        { GTF_permit_access, DOM_B, DOM_B, true, GNTTAB_MAP, GNTST_okay,
          GTF_permit_access | GTF_reading },
        { GTF_permit_access, DOM_B, DOM_B, false, GNTTAB_MAP, GNTST_okay,
          GTF_permit_access | GTF_reading | GTF_writing },
        { GTF_permit_access | GTF_readonly, DOM_B, DOM_B, true, GNTTAB_MAP, GNTST_okay,
          GTF_permit_access | GTF_readonly | GTF_reading },
        { GTF_permit_access | GTF_readonly, DOM_B, DOM_B, false, GNTTAB_MAP,
          GNTST_general_error, GTF_permit_access | GTF_readonly },
        { GTF_permit_access | GTF_readonly, DOM_B, DOM_B, false, GNTTAB_COPY,
          GNTST_general_error, GTF_permit_access | GTF_readonly },
        { GTF_permit_access, DOM_B, DOM_C, true, GNTTAB_MAP, GNTST_general_error,
          GTF_permit_access },
        { GTF_permit_access, DOM_B, DOM_A, true, GNTTAB_MAP, GNTST_general_error,
          GTF_permit_access },
        { GTF_invalid, DOM_B, DOM_B, true, GNTTAB_MAP, GNTST_general_error, 0 },
        { GTF_invalid | GTF_readonly, DOM_B, DOM_B, true, GNTTAB_COPY, GNTST_general_error,
          GTF_readonly },
        { GTF_accept_transfer, DOM_B, DOM_B, true, GNTTAB_MAP, GNTST_general_error,
          GTF_accept_transfer },
        { GTF_transitive, DOM_B, DOM_B, true, GNTTAB_COPY, GNTST_general_error,
          GTF_transitive },
        { GTF_permit_access | GTF_sub_page, DOM_B, DOM_B, true, GNTTAB_MAP,
          GNTST_general_error, GTF_permit_access | GTF_sub_page },
        { GTF_permit_access | GTF_sub_page, DOM_B, DOM_B, true, GNTTAB_COPY, GNTST_okay,
          GTF_permit_access | GTF_sub_page | GTF_reading },
        { GTF_permit_access | GTF_PCD, DOM_B, DOM_B, false, GNTTAB_MAP, GNTST_okay,
          GTF_permit_access | GTF_PCD | GTF_reading | GTF_writing },
    };

    setup();
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        grant_ref_t ref = 10 + i;
        uint32_t frame = 0xdead;
        int16_t status;

        guest_grant(&gt_a, ref, cases[i].domid, 0x500 + i, cases[i].flags);
        status = gnttab_acquire(&gt_a, ref, cases[i].user, cases[i].readonly,
                                cases[i].use, &frame);
        CHECK_EQ(status, cases[i].status);
        CHECK_EQ(flags_of(&gt_a, ref), cases[i].after);
        CHECK_EQ(entry_of(&gt_a, ref)->domid, cases[i].domid);
        if (status == GNTST_okay) {
            CHECK_EQ(frame, 0x500 + i);
            gnttab_release(&gt_a, ref, cases[i].readonly);
            CHECK_EQ(flags_of(&gt_a, ref), cases[i].flags);
        } else {
            CHECK_EQ(frame, 0xdead);
        }
    }
    CHECK_EQ(gt_a.nr_pinned, 0);
    check_unlocked();
}

TEST(refs_outside_the_table)
{
    uint32_t frame;
    static const grant_ref_t refs[] = { 512, 513, 4 * 512, 0x7fffffff, 0xffffffffU };

    setup();
    for (unsigned int i = 0; i < ARRAY_SIZE(refs); i++) {
        CHECK_EQ(gnttab_acquire(&gt_a, refs[i], DOM_B, true, GNTTAB_MAP, &frame),
                 GNTST_bad_gntref);
        CHECK_EQ(gnttab_acquire(&gt_a, refs[i], DOM_B, false, GNTTAB_COPY, &frame),
                 GNTST_bad_gntref);
        CHECK_EQ(gnttab_transfer_begin(&gt_a, refs[i], DOM_B, 7), GNTST_general_error);
    }
    CHECK_EQ(gnttab_active_of(&gt_a, 0xffffffffU).pin_ro, 0);
    EXPECT_PANIC(gnttab_release(&gt_a, 512, true));
    EXPECT_PANIC(gnttab_release(&gt_a, 5, true));   /* not pinned */
    /* The panics left the lock held; a fresh table for the next test. */
}

TEST(flags_follow_the_pin_counts)
{
    uint32_t frame;
    struct gnttab_active act;

    setup();
    guest_grant(&gt_a, 3, DOM_B, 0x77, GTF_permit_access);
    CHECK_EQ(gnttab_acquire(&gt_a, 3, DOM_B, true, GNTTAB_MAP, &frame), GNTST_okay);
    CHECK_EQ(gnttab_acquire(&gt_a, 3, DOM_B, true, GNTTAB_MAP, &frame), GNTST_okay);
    CHECK_EQ(flags_of(&gt_a, 3), GTF_permit_access | GTF_reading);
    CHECK_EQ(gnttab_acquire(&gt_a, 3, DOM_B, false, GNTTAB_MAP, &frame), GNTST_okay);
    CHECK_EQ(gnttab_acquire(&gt_a, 3, DOM_B, false, GNTTAB_COPY, &frame), GNTST_okay);
    CHECK_EQ(flags_of(&gt_a, 3), GTF_permit_access | GTF_reading | GTF_writing);
    act = gnttab_active_of(&gt_a, 3);
    CHECK_EQ(act.pin_ro, 2);
    CHECK_EQ(act.pin_rw, 2);
    CHECK_EQ(act.domid, DOM_B);
    CHECK_EQ(act.frame, 0x77);
    CHECK_EQ(gt_a.nr_pinned, 1);

    gnttab_release(&gt_a, 3, false);
    CHECK_EQ(flags_of(&gt_a, 3), GTF_permit_access | GTF_reading | GTF_writing);
    gnttab_release(&gt_a, 3, false);                /* the last writer */
    CHECK_EQ(flags_of(&gt_a, 3), GTF_permit_access | GTF_reading);
    gnttab_release(&gt_a, 3, true);
    CHECK_EQ(flags_of(&gt_a, 3), GTF_permit_access | GTF_reading);
    gnttab_release(&gt_a, 3, true);                 /* the last pin */
    CHECK_EQ(flags_of(&gt_a, 3), GTF_permit_access);
    CHECK_EQ(gt_a.nr_pinned, 0);

    /* Writers first, readers last: reading stays until the very end. */
    CHECK_EQ(gnttab_acquire(&gt_a, 3, DOM_B, false, GNTTAB_MAP, &frame), GNTST_okay);
    CHECK_EQ(gnttab_acquire(&gt_a, 3, DOM_B, true, GNTTAB_MAP, &frame), GNTST_okay);
    gnttab_release(&gt_a, 3, true);
    CHECK_EQ(flags_of(&gt_a, 3), GTF_permit_access | GTF_reading | GTF_writing);
    gnttab_release(&gt_a, 3, false);
    CHECK_EQ(flags_of(&gt_a, 3), GTF_permit_access);
    check_unlocked();
}

TEST(a_pinned_grant_belongs_to_its_pinner)
{
    uint32_t frame;

    setup();
    guest_grant(&gt_a, 4, DOM_B, 0x88, GTF_permit_access);
    CHECK_EQ(gnttab_acquire(&gt_a, 4, DOM_B, true, GNTTAB_MAP, &frame), GNTST_okay);
    /* The guest rewrites domid and frame while it is mapped (it may not
     * take it back, but it can scribble): the pin keeps what it saw. */
    entry_of(&gt_a, 4)->domid = DOM_C;
    entry_of(&gt_a, 4)->frame = 0x99;
    CHECK_EQ(gnttab_acquire(&gt_a, 4, DOM_C, true, GNTTAB_MAP, &frame), GNTST_general_error);
    CHECK_EQ(gnttab_acquire(&gt_a, 4, DOM_C, true, GNTTAB_COPY, &frame), GNTST_general_error);
    CHECK_EQ(gnttab_acquire(&gt_a, 4, DOM_B, true, GNTTAB_MAP, &frame), GNTST_okay);
    CHECK_EQ(frame, 0x88);
    gnttab_release(&gt_a, 4, true);
    gnttab_release(&gt_a, 4, true);
    /* Unpinned: the entry as it is now decides. */
    CHECK_EQ(gnttab_acquire(&gt_a, 4, DOM_B, true, GNTTAB_MAP, &frame), GNTST_general_error);
    CHECK_EQ(gnttab_acquire(&gt_a, 4, DOM_C, true, GNTTAB_MAP, &frame), GNTST_okay);
    CHECK_EQ(frame, 0x99);
    gnttab_release(&gt_a, 4, true);
    check_unlocked();
}

static void map_ref_5_for_b(void)
{
    uint32_t frame;

    CHECK_EQ(gnttab_acquire(&gt_a, 5, DOM_B, true, GNTTAB_MAP, &frame), GNTST_okay);
}

TEST(revoking_a_mapped_grant_is_refused)
{
    uint32_t frame;

    setup();
    guest_grant(&gt_a, 5, DOM_B, 0x42, GTF_permit_access);
    CHECK_EQ(gnttab_acquire(&gt_a, 5, DOM_B, false, GNTTAB_MAP, &frame), GNTST_okay);
    CHECK(!guest_end_access(entry_of(&gt_a, 5), NULL));
    CHECK_EQ(flags_of(&gt_a, 5), GTF_permit_access | GTF_reading | GTF_writing);
    /* A blunt overwrite is the guest's own fault; the pin still holds the
     * frame and a second writer still needs a grant that permits it. */
    gnttab_release(&gt_a, 5, false);
    CHECK(guest_end_access(entry_of(&gt_a, 5), NULL));
    CHECK_EQ(flags_of(&gt_a, 5), 0);
    CHECK_EQ(gnttab_acquire(&gt_a, 5, DOM_B, true, GNTTAB_MAP, &frame), GNTST_general_error);

    /* The race: the guest has read the flags (not in use) when another CPU
     * maps the grant; the guest's exchange then fails and it sees the flag. */
    guest_grant(&gt_a, 5, DOM_B, 0x42, GTF_permit_access);
    CHECK(!guest_end_access(entry_of(&gt_a, 5), map_ref_5_for_b));
    CHECK_EQ(flags_of(&gt_a, 5), GTF_permit_access | GTF_reading);
    gnttab_release(&gt_a, 5, true);
    CHECK(guest_end_access(entry_of(&gt_a, 5), NULL));
    check_unlocked();
}

TEST(downgrade_to_readonly_while_read_mapped)
{
    uint32_t frame;
    uint16_t flags;

    setup();
    guest_grant(&gt_a, 6, DOM_B, 0x43, GTF_permit_access);
    CHECK_EQ(gnttab_acquire(&gt_a, 6, DOM_B, true, GNTTAB_MAP, &frame), GNTST_okay);
    /* The ABI's way: set GTF_readonly with a compare-and-exchange while
     * GTF_writing is clear. */
    flags = flags_of(&gt_a, 6);
    CHECK(!(flags & GTF_writing));
    CHECK(__atomic_compare_exchange_n(&entry_of(&gt_a, 6)->flags, &flags,
                                      (uint16_t)(flags | GTF_readonly), false,
                                      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    CHECK_EQ(gnttab_acquire(&gt_a, 6, DOM_B, false, GNTTAB_MAP, &frame), GNTST_general_error);
    CHECK_EQ(gnttab_acquire(&gt_a, 6, DOM_B, true, GNTTAB_MAP, &frame), GNTST_okay);
    CHECK_EQ(gnttab_active_of(&gt_a, 6).pin_rw, 0);
    gnttab_release(&gt_a, 6, true);
    gnttab_release(&gt_a, 6, true);
    CHECK_EQ(flags_of(&gt_a, 6), GTF_permit_access | GTF_readonly);
    check_unlocked();
}

TEST(pin_counts_cannot_overflow)
{
    uint32_t frame;
    struct gnttab_active *act;

    setup();
    guest_grant(&gt_a, 7, DOM_B, 0x44, GTF_permit_access);
    CHECK_EQ(gnttab_acquire(&gt_a, 7, DOM_B, true, GNTTAB_MAP, &frame), GNTST_okay);
    act = &gt_a.frames[0].active[7];
    act->pin_ro = GNTTAB_MAX_PINS;
    CHECK_EQ(gnttab_acquire(&gt_a, 7, DOM_B, true, GNTTAB_MAP, &frame), GNTST_general_error);
    CHECK_EQ(gnttab_acquire(&gt_a, 7, DOM_B, true, GNTTAB_COPY, &frame), GNTST_general_error);
    CHECK_EQ(act->pin_ro, GNTTAB_MAX_PINS);
    CHECK_EQ(gnttab_acquire(&gt_a, 7, DOM_B, false, GNTTAB_MAP, &frame), GNTST_okay);
    gnttab_release(&gt_a, 7, false);
    act->pin_ro = 1;
    gnttab_release(&gt_a, 7, true);
    CHECK_EQ(flags_of(&gt_a, 7), GTF_permit_access);
    check_unlocked();
}

TEST(copy_pins_for_its_duration)
{
    uint32_t frame;
    static const struct { uint16_t src_off, dst_off, len; int16_t status; } cases[] = {
        { 0, 0, 4096, GNTST_okay },
        { 0, 0, 0, GNTST_okay },
        { 4095, 0, 1, GNTST_okay },
        { 2048, 2048, 2048, GNTST_okay },
        { 4095, 0, 2, GNTST_bad_copy_arg },
        { 0, 4095, 2, GNTST_bad_copy_arg },
        { 0, 0, 4097, GNTST_bad_copy_arg },
        { 0xffff, 0, 1, GNTST_bad_copy_arg },
        { 0, 0, 0xffff, GNTST_bad_copy_arg },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        struct gnttab_copy op = { .len = cases[i].len };

        op.source.offset = cases[i].src_off;
        op.dest.offset = cases[i].dst_off;
        CHECK_EQ(gnttab_copy_check(&op), cases[i].status);
    }

    setup();
    /* B copies out of A's read-only grant and into C's writable one. */
    guest_grant(&gt_a, 8, DOM_B, 0x45, GTF_permit_access | GTF_readonly);
    guest_grant(&gt_c, 9, DOM_B, 0x46, GTF_permit_access);
    CHECK_EQ(gnttab_acquire(&gt_a, 8, DOM_B, true, GNTTAB_COPY, &frame), GNTST_okay);
    CHECK_EQ(frame, 0x45);
    CHECK_EQ(gnttab_acquire(&gt_c, 9, DOM_B, false, GNTTAB_COPY, &frame), GNTST_okay);
    CHECK_EQ(frame, 0x46);
    /* Mid-copy neither granter can take its grant back. */
    CHECK(!guest_end_access(entry_of(&gt_a, 8), NULL));
    CHECK(!guest_end_access(entry_of(&gt_c, 9), NULL));
    gnttab_release(&gt_a, 8, true);
    gnttab_release(&gt_c, 9, false);
    CHECK_EQ(flags_of(&gt_a, 8), GTF_permit_access | GTF_readonly);
    CHECK_EQ(flags_of(&gt_c, 9), GTF_permit_access);
    /* Copying into a read-only grant is refused. */
    CHECK_EQ(gnttab_acquire(&gt_a, 8, DOM_B, false, GNTTAB_COPY, &frame), GNTST_general_error);
    CHECK(guest_end_access(entry_of(&gt_a, 8), NULL));
    check_unlocked();
}

TEST(transfer_commits_then_completes)
{
    struct grant_entry_v1 *e;

    setup();
    guest_grant(&gt_a, 11, DOM_B, 0, GTF_accept_transfer);
    e = entry_of(&gt_a, 11);
    CHECK_EQ(gnttab_transfer_begin(&gt_a, 11, DOM_B, 0x123456789ULL), GNTST_address_too_big);
    CHECK_EQ(e->flags, GTF_accept_transfer);
    CHECK_EQ(gnttab_transfer_begin(&gt_a, 11, DOM_C, 0x1234), GNTST_general_error);
    CHECK_EQ(gnttab_transfer_begin(&gt_a, 11, DOM_B, 0x1234), GNTST_okay);
    CHECK_EQ(e->flags, GTF_accept_transfer | GTF_transfer_committed);
    /* Committed: a second transfer into it, or a map of it, is refused. */
    CHECK_EQ(gnttab_transfer_begin(&gt_a, 11, DOM_B, 0x1234), GNTST_general_error);
    uint32_t frame;
    CHECK_EQ(gnttab_acquire(&gt_a, 11, DOM_B, true, GNTTAB_MAP, &frame), GNTST_general_error);
    gnttab_transfer_end(&gt_a, 11, 0x1234);
    CHECK_EQ(e->frame, 0x1234);
    CHECK_EQ(e->flags, GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed);

    static const struct { uint16_t flags, domid; } refused[] = {
        { GTF_permit_access, DOM_B },
        { GTF_invalid, DOM_B },
        { GTF_accept_transfer | GTF_transfer_completed, DOM_B },
        { GTF_accept_transfer | GTF_readonly, DOM_B },      /* any subflag */
        { GTF_accept_transfer, DOM_A },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(refused); i++) {
        guest_grant(&gt_a, 12, refused[i].domid, 0, refused[i].flags);
        CHECK_EQ(gnttab_transfer_begin(&gt_a, 12, DOM_B, 0x10), GNTST_general_error);
        CHECK_EQ(flags_of(&gt_a, 12), refused[i].flags);
    }
    EXPECT_PANIC(gnttab_transfer_end(&gt_a, 12, 0x10));  /* never committed */
}

TEST(handles_track_maps)
{
    grant_handle_t h[ARRAY_SIZE(slots) + 1], extra;
    struct gnttab_handle got;
    uint32_t frame;

    setup();
    for (grant_ref_t ref = 0; ref < 10; ref++)
        guest_grant(&gt_a, ref, DOM_B, 0x600 + ref, GTF_permit_access);
    for (unsigned int i = 0; i < ARRAY_SIZE(slots); i++) {
        CHECK_EQ(gnttab_map(&mt_b, &gt_a, i, DOM_B, i & 1, &h[i], &frame), GNTST_okay);
        CHECK_EQ(h[i], i);
        CHECK_EQ(frame, 0x600 + i);
    }
    CHECK_EQ(mt_b.used, ARRAY_SIZE(slots));
    /* No handle left: refused, and no pin taken. */
    CHECK_EQ(gnttab_map(&mt_b, &gt_a, 9, DOM_B, true, &extra, &frame), GNTST_no_space);
    CHECK_EQ(flags_of(&gt_a, 9), GTF_permit_access);
    /* A refused grant takes no handle. */
    CHECK_EQ(gnttab_unmap(&mt_b, 3, &gt_a), GNTST_okay);
    CHECK_EQ(gnttab_map(&mt_b, &gt_a, 600, DOM_B, true, &extra, &frame), GNTST_bad_gntref);
    CHECK_EQ(mt_b.used, ARRAY_SIZE(slots) - 1);

    CHECK_EQ(gnttab_handle_get(&mt_b, 2, &got), GNTST_okay);
    CHECK_EQ(got.domid, DOM_A);
    CHECK_EQ(got.ref, 2);
    CHECK_EQ(got.flags, GNTTAB_HANDLE_USED);
    CHECK_EQ(gnttab_handle_get(&mt_b, 1, &got), GNTST_okay);
    CHECK_EQ(got.flags, GNTTAB_HANDLE_USED | GNTTAB_HANDLE_READONLY);

    static const struct { grant_handle_t handle; bool other_table; int16_t status; } cases[] = {
        { 3, false, GNTST_bad_handle },             /* already unmapped */
        { ARRAY_SIZE(slots), false, GNTST_bad_handle },
        { 0xffffffffU, false, GNTST_bad_handle },
        { 2, true, GNTST_bad_handle },              /* not C's grant */
        { 2, false, GNTST_okay },
        { 2, false, GNTST_bad_handle },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        CHECK_EQ(gnttab_unmap(&mt_b, cases[i].handle,
                              cases[i].other_table ? &gt_c : &gt_a), cases[i].status);
    CHECK_EQ(gnttab_handle_get(&mt_b, 2, &got), GNTST_bad_handle);
    CHECK_EQ(gnttab_handle_get(&mt_b, ARRAY_SIZE(slots), &got), GNTST_bad_handle);
    CHECK_EQ(flags_of(&gt_a, 2), GTF_permit_access);
    CHECK_EQ(flags_of(&gt_a, 1), GTF_permit_access | GTF_reading);
    /* Freed handles come back, most recent first. */
    CHECK_EQ(gnttab_map(&mt_b, &gt_a, 9, DOM_B, true, &extra, &frame), GNTST_okay);
    CHECK_EQ(extra, 2);
    check_unlocked();
}

TEST(handles_grow_keeping_those_in_use)
{
    struct gnttab_handle small[2], *big = malloc(5 * sizeof(*big)), got;
    struct gnttab_maptrack mt;
    grant_handle_t h;
    uint32_t frame;

    setup();
    CHECK(big != NULL);
    for (grant_ref_t ref = 0; ref < 6; ref++)
        guest_grant(&gt_a, ref, DOM_B, 0x700 + ref, GTF_permit_access);
    /* None at first: a domain that never maps holds no handles. */
    gnttab_maptrack_init(&mt, NULL, 0);
    CHECK_EQ(gnttab_map(&mt, &gt_a, 0, DOM_B, true, &h, &frame), GNTST_no_space);
    CHECK(gnttab_maptrack_grow(&mt, small, 2) == NULL);
    CHECK_EQ(gnttab_map(&mt, &gt_a, 0, DOM_B, true, &h, &frame), GNTST_okay);
    CHECK_EQ(h, 0);
    CHECK_EQ(gnttab_map(&mt, &gt_a, 1, DOM_B, false, &h, &frame), GNTST_okay);
    CHECK_EQ(h, 1);
    CHECK_EQ(gnttab_map(&mt, &gt_a, 2, DOM_B, true, &h, &frame), GNTST_no_space);
    /* Grown: the two in use keep their numbers and grants, three more are free. */
    CHECK(gnttab_maptrack_grow(&mt, big, 5) == small);
    CHECK_EQ(mt.nr, 5);
    CHECK_EQ(gnttab_handle_get(&mt, 1, &got), GNTST_okay);
    CHECK_EQ(got.ref, 1);
    CHECK_EQ(got.flags, GNTTAB_HANDLE_USED);
    for (grant_handle_t want = 2; want < 5; want++) {
        CHECK_EQ(gnttab_map(&mt, &gt_a, want, DOM_B, true, &h, &frame), GNTST_okay);
        CHECK_EQ(h, want);
        CHECK_EQ(frame, 0x700 + want);
    }
    CHECK_EQ(gnttab_map(&mt, &gt_a, 5, DOM_B, true, &h, &frame), GNTST_no_space);
    /* A handle freed after the growth comes back. */
    CHECK_EQ(gnttab_unmap(&mt, 0, &gt_a), GNTST_okay);
    CHECK_EQ(gnttab_map(&mt, &gt_a, 5, DOM_B, true, &h, &frame), GNTST_okay);
    CHECK_EQ(h, 0);
    CHECK_EQ(mt.used, 5);
    for (grant_handle_t i = 0; i < 5; i++)
        CHECK_EQ(gnttab_unmap(&mt, i, &gt_a), GNTST_okay);
    for (grant_ref_t ref = 0; ref < 6; ref++)
        CHECK_EQ(flags_of(&gt_a, ref), GTF_permit_access);
    free(big);
    check_unlocked();
}

TEST(destroy_waits_for_the_mappers)
{
    grant_handle_t h;
    uint32_t frame;

    setup();
    CHECK_EQ(gnttab_grow(&gt_a, 3), 0);
    guest_grant(&gt_a, 1000, DOM_B, 0x700, GTF_permit_access);
    CHECK_EQ(gnttab_map(&mt_b, &gt_a, 1000, DOM_B, false, &h, &frame), GNTST_okay);
    CHECK_EQ(gnttab_destroy(&gt_a), -EBUSY);
    CHECK_EQ(gt_a.nr_frames, 3);
    CHECK_EQ(frees, 0);
    CHECK_EQ(gnttab_unmap(&mt_b, h, &gt_a), GNTST_okay);
    CHECK_EQ(gnttab_destroy(&gt_a), 0);
    CHECK_EQ(gt_a.nr_frames, 0);
    CHECK_EQ(frees, 3);
    CHECK_EQ(gnttab_acquire(&gt_a, 0, DOM_B, true, GNTTAB_MAP, &frame), GNTST_bad_gntref);
    check_unlocked();
}
