/*
 * xen/frame_table.c and xeno/mm.h: layout of page_info, the state of a
 * fresh table, mfn <-> page <-> virtual conversions, the count and type
 * fields, and the frame-number-linked page lists.
 */
#include <xeno/mm.h>
#include "harness.h"
#include "mm_fixture.h"

TEST(page_info_is_32_bytes)
{
    CHECK_EQ(sizeof(struct page_info), 32);
    CHECK_EQ(frame_table_bytes(1), PAGE_SIZE);
    CHECK_EQ(frame_table_bytes(PAGE_SIZE / 32), PAGE_SIZE);
    CHECK_EQ(frame_table_bytes(PAGE_SIZE / 32 + 1), 2 * PAGE_SIZE);
    CHECK_EQ(frame_table_bytes(0), 0);
}

TEST(fresh_table_is_all_reserved)
{
    mm_setup(300, 0, 0);
    CHECK_EQ(max_page, 300);
    for (unsigned long mfn = 0; mfn < 300; mfn++) {
        struct page_info *pg = mfn_to_page(mfn);

        CHECK_EQ(page_state(pg), PGC_state_reserved);
        CHECK_EQ(page_refcount(pg), 0);
        CHECK_EQ(page_type(pg), PGT_none);
        CHECK_EQ(page_type_count(pg), 0);
        CHECK_EQ(page_get_owner(pg), DOMID_INVALID);
        CHECK_EQ(pg->list_next, PAGE_LIST_NULL);
        CHECK_EQ(pg->list_prev, PAGE_LIST_NULL);
        CHECK_EQ(pg->xmalloc_class, 0);
    }
}

TEST(domid_constants_match_xen)
{
    CHECK_EQ(DOMID_XEN, 0x7FF2);
    CHECK_EQ(DOMID_INVALID, 0x7FF4);
}

TEST(mfn_page_virt_conversions)
{
    mm_setup(64, 0, 0);
    CHECK(mfn_valid(0));
    CHECK(mfn_valid(63));
    CHECK(!mfn_valid(64));
    CHECK(!mfn_valid(~0UL));
    for (unsigned long mfn = 0; mfn < 64; mfn++) {
        struct page_info *pg = mfn_to_page(mfn);

        CHECK_EQ(page_to_mfn(pg), mfn);
        CHECK(page_to_virt(pg) == mfn_to_virt(mfn));
        CHECK(virt_to_page((char *)page_to_virt(pg) + 123) == pg);
    }
    if (XENO_DEBUG)
        EXPECT_PANIC(mfn_to_page(64));
}

TEST(count_and_type_fields_do_not_overlap)
{
    struct page_info *pg;

    mm_setup(4, 0, 0);
    pg = mfn_to_page(1);
    pg->count_info = PGC_allocated | PGC_xen_heap | PGC_state_inuse | 5;
    CHECK_EQ(page_refcount(pg), 5);
    CHECK_EQ(page_state(pg), PGC_state_inuse);
    CHECK(pg->count_info & PGC_allocated);
    pg->type_info = PGT_l4_page_table | PGT_validated | PGT_pinned | 7;
    CHECK_EQ(page_type(pg), PGT_l4_page_table);
    CHECK_EQ(page_type_count(pg), 7);
    CHECK(pg->type_info & PGT_validated);
    page_set_owner(pg, 3);
    CHECK_EQ(page_get_owner(pg), 3);

    CHECK_EQ((PGC_allocated | PGC_xen_heap | PGC_state_mask) & PGC_count_mask, 0);
    CHECK_EQ((PGC_allocated | PGC_xen_heap) & PGC_state_mask, 0);
    CHECK_EQ((PGT_type_mask | PGT_validated | PGT_pinned) & PGT_count_mask, 0);
    CHECK_EQ((PGT_validated | PGT_pinned) & PGT_type_mask, 0);

    /* Every type is distinct and fits the type field. */
    const unsigned long types[] = {
        PGT_none, PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table,
        PGT_l4_page_table, PGT_seg_desc_page, PGT_writable_page,
    };
    for (unsigned int i = 0; i < 7; i++) {
        CHECK_EQ(types[i] & ~PGT_type_mask, 0);
        for (unsigned int j = 0; j < i; j++)
            CHECK(types[i] != types[j]);
    }
}

TEST(too_many_frames_is_refused)
{
    static unsigned long storage[4];

    EXPECT_PANIC(frame_table_init(0xFFFFFFFFUL, storage));
}

static unsigned long list_mfns(const struct page_list_head *h, unsigned long *out)
{
    struct page_info *pg;
    unsigned long n = 0;

    page_list_for_each(pg, h)
        out[n++] = page_to_mfn(pg);
    return n;
}

TEST(page_lists)
{
    struct page_list_head h = PAGE_LIST_HEAD_INIT;
    unsigned long got[8];

    mm_setup(16, 0, 0);
    CHECK(page_list_empty(&h));
    CHECK(page_list_remove_head(&h) == NULL);
    page_list_add(mfn_to_page(5), &h);          /* 5 */
    page_list_add(mfn_to_page(3), &h);          /* 3 5 */
    page_list_add_tail(mfn_to_page(9), &h);     /* 3 5 9 */
    page_list_add_tail(mfn_to_page(0), &h);     /* 3 5 9 0 */
    CHECK_EQ(list_mfns(&h, got), 4);
    CHECK_EQ(got[0], 3);
    CHECK_EQ(got[1], 5);
    CHECK_EQ(got[2], 9);
    CHECK_EQ(got[3], 0);

    page_list_del(mfn_to_page(9), &h);          /* middle: 3 5 0 */
    page_list_del(mfn_to_page(0), &h);          /* last: 3 5 */
    CHECK(h.last == mfn_to_page(5));
    CHECK(page_list_remove_head(&h) == mfn_to_page(3));
    CHECK(page_list_first(&h) == mfn_to_page(5));
    CHECK(h.last == mfn_to_page(5));
    page_list_del(mfn_to_page(5), &h);
    CHECK(page_list_empty(&h));
    CHECK(h.last == NULL);
    CHECK_EQ(mfn_to_page(5)->list_next, PAGE_LIST_NULL);
}
