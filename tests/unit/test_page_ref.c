/*
 * xen/page_ref.c: general references (ownership, overflow, release of the
 * last), typed references (one type at a time, validation on the first
 * page-table reference and de-validation on the last, a failed validation
 * undone exactly, the retype hook), pins, and the allocation reference.
 * The validate hook here is a fake that counts calls and fails on demand;
 * test_pt_validate.c runs the real PV one.
 */
#include <xeno/errno.h>
#include "page_ref_fixture.h"

static unsigned long validations, devalidations;
static unsigned long last_validated = ~0UL;
static int validate_result;
static int (*validate_extra)(struct page_info *pg, unsigned long type);

static int fake_validate(struct page_info *pg, unsigned long type)
{
    validations++;
    last_validated = page_to_mfn(pg);
    if (validate_extra)
        return validate_extra(pg, type);
    return validate_result;
}

static void fake_devalidate(struct page_info *pg, unsigned long type)
{
    (void)pg;
    (void)type;
    devalidations++;
}

static const struct page_ref_ops fake_ops = {
    .validate = fake_validate,
    .devalidate = fake_devalidate,
    .release = fx_release,
    .retype = fx_retype,
};

static void setup(void)
{
    fx_setup(64, 8, &fake_ops);
    validations = devalidations = 0;
    last_validated = ~0UL;
    validate_result = 0;
    validate_extra = NULL;
}

TEST(assign_takes_the_allocation_reference)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    CHECK_EQ(page_get_owner(pg), DOM_A);
    CHECK_EQ(page_refcount(pg), 1);
    CHECK(pg->count_info & PGC_allocated);
    CHECK_EQ(page_state(pg), PGC_state_inuse);
    CHECK_EQ(page_type(pg), PGT_none);
    EXPECT_PANIC(page_assign(pg, DOM_B));           /* already someone's */
}

TEST(get_page_only_for_the_owner_of_a_live_frame)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    CHECK(get_page(pg, DOM_A));
    CHECK_EQ(fx_general(mfn), 2);
    CHECK(!get_page(pg, DOM_B));
    CHECK(!get_page(pg, DOMID_XEN));
    CHECK(!get_page(mfn_to_page(2), DOM_A));        /* reserved frame */
    CHECK(!get_page(mfn_to_page(2), DOMID_INVALID));
    CHECK(!get_page(mfn_to_page(40), DOMID_INVALID)); /* free frame */
    CHECK_EQ(fx_general(mfn), 2);
    put_page(pg);
    CHECK_EQ(fx_general(mfn), 1);
    CHECK_EQ(fx_releases, 0);
}

TEST(get_page_refuses_to_overflow)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    pg->count_info += PGC_count_mask - 2;           /* one below the limit */
    CHECK(get_page(pg, DOM_A));
    CHECK_EQ(fx_general(mfn), PGC_count_mask);
    CHECK(!get_page(pg, DOM_A));
    CHECK_EQ(fx_general(mfn), PGC_count_mask);
    CHECK(pg->count_info & PGC_allocated);          /* the count did not spill */
    CHECK_EQ(page_state(pg), PGC_state_inuse);
    pg->count_info -= PGC_count_mask - 1;
}

TEST(last_general_reference_releases)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    CHECK(get_page(pg, DOM_A));
    CHECK(page_drop_allocation(pg));
    CHECK(!page_drop_allocation(pg));               /* only once */
    CHECK_EQ(fx_releases, 0);
    CHECK(get_page(pg, DOM_A));                     /* still referenced: still d1's */
    put_page(pg);
    put_page(pg);
    CHECK_EQ(fx_releases, 1);
    CHECK_EQ(fx_last_released, mfn);
    CHECK_EQ(page_state(pg), PGC_state_free);
    CHECK(!get_page(pg, DOM_A));
    EXPECT_PANIC(put_page(pg));
}

TEST(writable_type_needs_no_validation)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_writable_page), 0);
    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_writable_page), 0);
    CHECK_EQ(validations, 0);
    CHECK_EQ(page_type(pg), PGT_writable_page);
    CHECK(page_is_validated(pg));
    CHECK_EQ(fx_typed(mfn), 2);
    CHECK_EQ(fx_general(mfn), 3);
    put_page_and_type(pg);
    put_page_and_type(pg);
    CHECK_EQ(fx_typed(mfn), 0);
    CHECK_EQ(fx_general(mfn), 1);
    CHECK_EQ(devalidations, 0);
    CHECK_EQ(fx_retypes, 0);                        /* none -> writable */
}

TEST(table_type_validates_on_first_and_devalidates_on_last)
{
    static const unsigned long types[] = {
        PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table, PGT_l4_page_table,
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(types); i++) {
        setup();
        unsigned long mfn = fx_frame(DOM_A);
        struct page_info *pg = mfn_to_page(mfn);

        CHECK_EQ(get_page_and_type(pg, DOM_A, types[i]), 0);
        CHECK_EQ(validations, 1);
        CHECK_EQ(last_validated, mfn);
        CHECK(page_is_validated(pg));
        CHECK_EQ(get_page_and_type(pg, DOM_A, types[i]), 0);
        CHECK_EQ(validations, 1);
        CHECK_EQ(fx_typed(mfn), 2);
        put_page_and_type(pg);
        CHECK_EQ(devalidations, 0);
        put_page_and_type(pg);
        CHECK_EQ(devalidations, 1);
        CHECK(!page_is_validated(pg));
        CHECK_EQ(page_type(pg), types[i]);          /* kept until another type */
        CHECK_EQ(fx_typed(mfn), 0);
        CHECK_EQ(fx_general(mfn), 1);
        CHECK_EQ(get_page_and_type(pg, DOM_A, types[i]), 0);
        CHECK_EQ(validations, 2);                   /* checked again */
        put_page_and_type(pg);
    }
}

TEST(failed_validation_changes_nothing)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_writable_page), 0);
    put_page_and_type(pg);
    unsigned long type_before = pg->type_info, count_before = pg->count_info;
    validate_result = -EBUSY;
    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_l1_page_table), -EBUSY);
    CHECK_EQ(pg->type_info, type_before);
    CHECK_EQ(pg->count_info, count_before);
    CHECK_EQ(devalidations, 0);
    CHECK(get_page(pg, DOM_A));
    CHECK_EQ(page_pin(pg, DOM_A, PGT_l2_page_table), -EBUSY);
    CHECK(!page_is_pinned(pg));
    CHECK_EQ(pg->type_info, type_before);
    put_page(pg);
    CHECK_EQ(pg->count_info, count_before);
}

TEST(one_type_at_a_time)
{
    static const unsigned long types[] = {
        PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table,
        PGT_l4_page_table, PGT_seg_desc_page, PGT_writable_page,
    };

    for (unsigned int held = 0; held < ARRAY_SIZE(types); held++) {
        setup();
        unsigned long mfn = fx_frame(DOM_A);
        struct page_info *pg = mfn_to_page(mfn);

        CHECK_EQ(get_page_and_type(pg, DOM_A, types[held]), 0);
        for (unsigned int other = 0; other < ARRAY_SIZE(types); other++) {
            if (other == held)
                continue;
            unsigned long before = pg->type_info;
            CHECK_EQ(get_page_and_type(pg, DOM_A, types[other]), -EINVAL);
            CHECK_EQ(pg->type_info, before);
            CHECK_EQ(fx_general(mfn), 2);
        }
        put_page_and_type(pg);
        /* With the count at zero the frame may change type. */
        unsigned long next = types[(held + 1) % ARRAY_SIZE(types)];
        CHECK_EQ(get_page_and_type(pg, DOM_A, next), 0);
        CHECK_EQ(page_type(pg), next);
        CHECK_EQ(fx_retypes, 1);
        CHECK_EQ(fx_retype_from, types[held]);
        CHECK_EQ(fx_retype_to, next);
        put_page_and_type(pg);
    }
}

TEST(bad_types_are_refused)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_none), -EINVAL);
    CHECK_EQ(get_page_and_type(pg, DOM_A, 7UL << PGT_type_shift), -EINVAL);
    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_l1_page_table | 1), -EINVAL);
    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_l1_page_table | PGT_pinned), -EINVAL);
    CHECK_EQ(get_page_and_type(pg, DOM_B, PGT_writable_page), -EINVAL);
    CHECK_EQ(fx_general(mfn), 1);
    CHECK_EQ(fx_typed(mfn), 0);
    CHECK_EQ(validations, 0);
}

TEST(type_count_refuses_to_overflow)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_writable_page), 0);
    pg->type_info += PGT_count_mask - 1;            /* at the limit */
    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_writable_page), -EINVAL);
    CHECK_EQ(fx_typed(mfn), PGT_count_mask);
    CHECK_EQ(page_type(pg), PGT_writable_page);
    pg->type_info -= PGT_count_mask - 1;
    put_page_and_type(pg);
}

/* A table still being validated is not yet of its type for anyone else. */
static int validate_takes_itself(struct page_info *pg, unsigned long type)
{
    return get_page_type(pg, type) == -EINVAL ? 0 : -EIO;
}

TEST(table_being_validated_cannot_be_taken)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);

    validate_extra = validate_takes_itself;
    CHECK_EQ(get_page_and_type(mfn_to_page(mfn), DOM_A, PGT_l2_page_table), 0);
    CHECK_EQ(fx_typed(mfn), 1);
    put_page_and_type(mfn_to_page(mfn));
}

TEST(pin_holds_a_general_and_a_typed_reference)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    CHECK_EQ(page_pin(pg, DOM_A, PGT_l3_page_table), 0);
    CHECK(page_is_pinned(pg));
    CHECK(page_is_validated(pg));
    CHECK_EQ(fx_general(mfn), 2);
    CHECK_EQ(fx_typed(mfn), 1);
    CHECK_EQ(page_pin(pg, DOM_A, PGT_l3_page_table), -EINVAL);   /* pinned already */
    CHECK_EQ(page_pin(pg, DOM_A, PGT_l2_page_table), -EINVAL);
    CHECK_EQ(page_unpin(pg, DOM_B), -EINVAL);
    CHECK_EQ(fx_general(mfn), 2);
    CHECK_EQ(fx_typed(mfn), 1);
    CHECK_EQ(page_unpin(pg, DOM_A), 0);
    CHECK(!page_is_pinned(pg));
    CHECK_EQ(devalidations, 1);
    CHECK_EQ(fx_general(mfn), 1);
    CHECK_EQ(fx_typed(mfn), 0);
    CHECK_EQ(page_unpin(pg, DOM_A), -EINVAL);                    /* not pinned */
    CHECK_EQ(fx_general(mfn), 1);
}

TEST(pin_only_page_tables_of_ones_own)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    CHECK_EQ(page_pin(pg, DOM_A, PGT_writable_page), -EINVAL);
    CHECK_EQ(page_pin(pg, DOM_A, PGT_seg_desc_page), -EINVAL);
    CHECK_EQ(page_pin(pg, DOM_A, PGT_none), -EINVAL);
    CHECK_EQ(page_pin(pg, DOM_B, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(page_pin(mfn_to_page(40), DOMID_INVALID, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(fx_general(mfn), 1);
    CHECK_EQ(validations, 0);
}

TEST(pinned_frame_cannot_be_retyped)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    CHECK_EQ(page_pin(pg, DOM_A, PGT_l1_page_table), 0);
    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_writable_page), -EINVAL);
    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_seg_desc_page), -EINVAL);
    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_l2_page_table), -EINVAL);
    CHECK_EQ(page_type(pg), PGT_l1_page_table);
    CHECK(page_is_pinned(pg));
    CHECK_EQ(page_unpin(pg, DOM_A), 0);
    CHECK_EQ(get_page_and_type(pg, DOM_A, PGT_writable_page), 0);
    put_page_and_type(pg);
}

TEST(pinned_table_outlives_its_allocation)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    CHECK_EQ(page_pin(pg, DOM_A, PGT_l4_page_table), 0);
    CHECK(page_drop_allocation(pg));                /* the guest frees it */
    CHECK_EQ(fx_releases, 0);
    CHECK(page_is_validated(pg));
    CHECK_EQ(page_unpin(pg, DOM_A), 0);             /* the pin was the last holder */
    CHECK_EQ(devalidations, 1);
    CHECK_EQ(fx_releases, 1);
    CHECK_EQ(fx_last_released, mfn);
    CHECK_EQ(page_state(pg), PGC_state_free);
}

TEST(misuse_is_caught)
{
    setup();
    unsigned long mfn = fx_frame(DOM_A);
    struct page_info *pg = mfn_to_page(mfn);

    EXPECT_PANIC(put_page_type(pg));                /* no typed reference */
    CHECK_EQ(page_pin(pg, DOM_A, PGT_l1_page_table), 0);
    pg->count_info--;                               /* lose the pin's general one */
    pg->count_info &= ~PGC_allocated;
    EXPECT_PANIC(put_page(pg));                     /* last general, typed remain */
    pg->count_info = PGC_state_inuse | PGC_allocated | 2;
    pg->type_info &= ~PGT_pinned;
    put_page_and_type(pg);
    CHECK(get_page(pg, DOM_A));
    CHECK_EQ(get_page_type(pg, PGT_l1_page_table), 0);
    pg->type_info |= PGT_pinned;                    /* a pin without its reference */
    EXPECT_PANIC(put_page_type(pg));
}
