/*
 * xen/buddy.c: splitting a range into aligned blocks, merging with
 * buddies, every order, alignment, exhaustion, free-count accounting,
 * the xenheap wrappers, and the misuse it must catch (double free,
 * frames with references, bad blocks, ranges added twice).
 */
#include <xeno/buddy.h>
#include "harness.h"
#include "mm_fixture.h"

static void check_block_in_use(struct page_info *pg, unsigned int order)
{
    CHECK(IS_ALIGNED(page_to_mfn(pg), 1UL << order));
    CHECK_EQ(pg->order, order);
    for (unsigned long i = 0; i < (1UL << order); i++) {
        CHECK_EQ(page_state(&pg[i]), PGC_state_inuse);
        CHECK_EQ(page_get_owner(&pg[i]), DOMID_XEN);
        CHECK_EQ(page_refcount(&pg[i]), 0);
        CHECK_EQ(page_type(&pg[i]), PGT_none);
        CHECK_EQ(page_type_count(&pg[i]), 0);
    }
}

TEST(range_splits_into_maximal_aligned_blocks)
{
    mm_setup(64, 3, 13);                        /* frames 3..15 */
    CHECK_EQ(free_frame_count(), 13);
    CHECK_EQ(buddy_free_blocks(0), 1);          /* 3 */
    CHECK_EQ(buddy_free_blocks(2), 1);          /* 4..7 */
    CHECK_EQ(buddy_free_blocks(3), 1);          /* 8..15 */
    CHECK_EQ(buddy_free_blocks(1), 0);
    CHECK(buddy_check());
    CHECK_EQ(page_state(mfn_to_page(2)), PGC_state_reserved);
    CHECK_EQ(page_state(mfn_to_page(16)), PGC_state_reserved);
    CHECK_EQ(page_state(mfn_to_page(3)), PGC_state_free);
}

TEST(frames_added_one_by_one_merge)
{
    unsigned long order[64];

    mm_setup(64, 0, 0);
    for (unsigned long i = 0; i < 64; i++)
        order[i] = i;
    for (unsigned long i = 63; i > 0; i--) {    /* shuffle */
        unsigned long j = test_rand() % (i + 1), t = order[i];

        order[i] = order[j];
        order[j] = t;
    }
    for (unsigned long i = 0; i < 64; i++) {
        buddy_add_free_range(order[i], 1);
        CHECK(buddy_check());
    }
    CHECK_EQ(free_frame_count(), 64);
    CHECK_EQ(buddy_free_blocks(6), 1);
    for (unsigned int o = 0; o < 6; o++)
        CHECK_EQ(buddy_free_blocks(o), 0);
}

TEST(every_order_allocates_aligned_blocks)
{
    unsigned long total = (1UL << MAX_ORDER) + 3;

    mm_setup(total, 0, total);
    for (unsigned int order = 0; order <= MAX_ORDER; order++) {
        struct page_info *pg = alloc_frames(order);

        CHECK(pg != NULL);
        if (!pg)
            continue;
        check_block_in_use(pg, order);
        CHECK_EQ(free_frame_count(), total - (1UL << order));
        free_frames(pg, order);
        CHECK_EQ(free_frame_count(), total);
    }
    CHECK(alloc_frames(MAX_ORDER + 1) == NULL);
    CHECK_EQ(buddy_free_blocks(MAX_ORDER), 1);
    CHECK(buddy_check());
}

TEST(largest_block_once)
{
    struct page_info *pg;

    mm_setup(1UL << MAX_ORDER, 0, 1UL << MAX_ORDER);
    pg = alloc_frames(MAX_ORDER);
    CHECK(pg != NULL);
    CHECK(alloc_frames(MAX_ORDER) == NULL);
    CHECK(alloc_frames(0) == NULL);
    CHECK_EQ(free_frame_count(), 0);
    free_frames(pg, MAX_ORDER);
    CHECK_EQ(free_frame_count(), 1UL << MAX_ORDER);
}

TEST(exhaustion_and_full_merge_back)
{
    static struct page_info *got[1024];
    unsigned long n = 0;

    mm_setup(1024, 0, 1000);
    while ((got[n] = alloc_frames(0)) != NULL)
        n++;
    CHECK_EQ(n, 1000);
    CHECK_EQ(free_frame_count(), 0);
    CHECK(alloc_frames(0) == NULL);
    for (unsigned long i = n - 1; i > 0; i--) {
        unsigned long j = test_rand() % (i + 1);
        struct page_info *t = got[i];

        got[i] = got[j];
        got[j] = t;
    }
    for (unsigned long i = 0; i < n; i++)
        free_frames(got[i], 0);
    CHECK_EQ(free_frame_count(), 1000);
    CHECK(buddy_check());
    /* 1000 = 512 + 256 + 128 + 64 + 32 + 8: merged back to those blocks. */
    CHECK_EQ(buddy_free_blocks(9), 1);
    CHECK_EQ(buddy_free_blocks(8), 1);
    CHECK_EQ(buddy_free_blocks(3), 1);
    CHECK_EQ(buddy_free_blocks(0), 0);
}

TEST(fragmentation_blocks_bigger_orders)
{
    struct page_info *pg[16];

    mm_setup(16, 0, 16);
    for (unsigned int i = 0; i < 16; i++)
        pg[i] = alloc_frames(0);
    for (unsigned int i = 0; i < 16; i += 2)
        free_frames(pg[i], 0);                  /* every other frame */
    CHECK_EQ(free_frame_count(), 8);
    CHECK(alloc_frames(1) == NULL);
    free_frames(pg[1], 0);                      /* 0 and 1 merge */
    CHECK(alloc_frames(1) == pg[0]);
}

TEST(random_alloc_free_keeps_invariants)
{
    static struct { struct page_info *pg; unsigned int order; } live[512];
    unsigned int nlive = 0;
    unsigned long total = 4096, used = 0;

    mm_setup(total + 5, 5, total);
    for (unsigned int step = 0; step < 20000; step++) {
        if (nlive < 512 && (test_rand() % 3 || !nlive)) {
            unsigned int order = (unsigned int)(test_rand() % 6);
            struct page_info *pg = alloc_frames(order);

            if (pg) {
                CHECK(IS_ALIGNED(page_to_mfn(pg), 1UL << order));
                live[nlive].pg = pg;
                live[nlive++].order = order;
                used += 1UL << order;
            }
        } else {
            unsigned int i = (unsigned int)(test_rand() % nlive);

            free_frames(live[i].pg, live[i].order);
            used -= 1UL << live[i].order;
            live[i] = live[--nlive];
        }
        CHECK_EQ(free_frame_count(), total - used);
        if (step % 1000 == 0)
            CHECK(buddy_check());
    }
    while (nlive) {
        nlive--;
        free_frames(live[nlive].pg, live[nlive].order);
    }
    CHECK_EQ(free_frame_count(), total);
    CHECK(buddy_check());
}

TEST(double_free_is_caught)
{
    struct page_info *pg;

    mm_setup(64, 0, 64);
    pg = alloc_frames(2);
    free_frames(pg, 2);
    EXPECT_PANIC(free_frames(pg, 2));
    CHECK(test_contains(stub_panic_message, "double free"));
    /* A frame inside a free block, as a smaller block: */
    EXPECT_PANIC(free_frames(pg + 2, 0));
    CHECK(buddy_check());
    CHECK_EQ(free_frame_count(), 64);
}

TEST(double_free_of_a_tail_frame_is_caught_in_debug)
{
    struct page_info *pg, *rest;

    if (!XENO_DEBUG)
        return;
    mm_setup(8, 0, 8);
    pg = alloc_frames(1);                       /* frames 0..1 */
    rest = alloc_frames(1);                     /* frames 2..3 */
    free_frames(pg, 1);
    free_frames(rest, 1);                       /* merged: 0..3 free */
    pg = alloc_frames(0);                       /* frame 0 in use, 1 free */
    CHECK(pg == mfn_to_page(0));
    /* The head is in use; only the per-frame check sees frame 1. */
    EXPECT_PANIC(free_frames(pg, 1));
    CHECK(test_contains(stub_panic_message, "frame 0x1"));
    CHECK(buddy_check());
}

TEST(frames_with_references_cannot_be_freed)
{
    struct page_info *pg;

    mm_setup(16, 0, 16);
    pg = alloc_frames(1);
    pg[XENO_DEBUG ? 1 : 0].count_info += 1;     /* a general reference */
    EXPECT_PANIC(free_frames(pg, 1));
    CHECK(test_contains(stub_panic_message, "references"));
    pg[XENO_DEBUG ? 1 : 0].count_info -= 1;
    pg->type_info = PGT_writable_page | 1;      /* a type reference */
    EXPECT_PANIC(free_frames(pg, 1));
    pg->type_info = PGT_none;
    free_frames(pg, 1);
    CHECK_EQ(free_frame_count(), 16);
}

TEST(bad_blocks_are_refused)
{
    struct page_info *pg;

    mm_setup(16, 4, 12);
    pg = alloc_frames(1);
    EXPECT_PANIC(free_frames(pg + 1, 1));       /* misaligned */
    EXPECT_PANIC(free_frames(mfn_to_page(0), 0)); /* never given to us */
    CHECK(test_contains(stub_panic_message, "not from the allocator"));
    EXPECT_PANIC(free_frames(mfn_to_page(15), 2)); /* runs off the table */
    EXPECT_PANIC(free_frames(pg, MAX_ORDER + 1));
    free_frames(pg, 1);
    CHECK(buddy_check());
}

TEST(ranges_must_be_new_and_inside_the_table)
{
    mm_setup(32, 0, 16);
    EXPECT_PANIC(buddy_add_free_range(8, 16)); /* 8..15 already free */
    EXPECT_PANIC(buddy_add_free_range(20, 13)); /* past the end */
    EXPECT_PANIC(buddy_add_free_range(~0UL, 2)); /* wraps */
    buddy_add_free_range(16, 16);
    CHECK_EQ(free_frame_count(), 32);
    CHECK_EQ(buddy_free_blocks(5), 1);
    CHECK(buddy_check());
    buddy_add_free_range(0, 0);                 /* empty: nothing */
}

TEST(xenheap_pages)
{
    unsigned char *va;
    struct page_info *pg;

    mm_setup(64, 0, 64);
    va = alloc_xenheap_pages(2);
    CHECK(va != NULL);
    pg = virt_to_page(va);
    CHECK(va == mfn_to_virt(page_to_mfn(pg)));
    CHECK(pg->count_info & PGC_xen_heap);
    CHECK(IS_ALIGNED(page_to_mfn(pg), 4));
    for (unsigned long i = 0; i < 4 * PAGE_SIZE; i++)
        va[i] = (unsigned char)i;               /* ASan: really ours */
    free_xenheap_pages(va, 2);
    free_xenheap_pages(NULL, 3);
    CHECK_EQ(free_frame_count(), 64);
    EXPECT_PANIC(free_xenheap_pages(page_to_virt(alloc_frames(0)), 0));
    CHECK(alloc_xenheap_pages(7) == NULL);
}
