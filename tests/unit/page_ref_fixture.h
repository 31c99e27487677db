/*
 * Shared set-up for the tests of frame references (test_page_ref.c) and PV
 * page-table validation (test_pt_validate.c): a frame table with free RAM,
 * frames handed to domains, and page_ref hooks that record what they were
 * asked to do (releases free the frame as the hypervisor's will).
 */
#ifndef TEST_PAGE_REF_FIXTURE_H
#define TEST_PAGE_REF_FIXTURE_H

#include <xeno/buddy.h>
#include <xeno/page_ref.h>
#include <xeno/string.h>
#include "harness.h"
#include "mm_fixture.h"

#define DOM_A 1
#define DOM_B 2

static unsigned long fx_releases, fx_retypes;
static unsigned long fx_last_released = ~0UL;
static unsigned long fx_retype_from, fx_retype_to;

static void fx_release(struct page_info *pg)
{
    fx_releases++;
    fx_last_released = page_to_mfn(pg);
    free_frames(pg, 0);
}

static void fx_retype(struct page_info *pg, unsigned long from, unsigned long to)
{
    (void)pg;
    fx_retypes++;
    fx_retype_from = from;
    fx_retype_to = to;
}

/* frames frames, [first_free, frames) free RAM; hooks validate/devalidate. */
static inline void fx_setup(unsigned long frames, unsigned long first_free,
                            const struct page_ref_ops *ops)
{
    mm_setup(frames, first_free, frames - first_free);
    page_ref_set_ops(ops);
    fx_releases = fx_retypes = 0;
    fx_last_released = ~0UL;
    fx_retype_from = fx_retype_to = 0;
}

/* A zeroed frame of domid's, holding only its allocation reference. */
static inline unsigned long fx_frame(uint16_t domid)
{
    struct page_info *pg = alloc_frames(0);

    BUG_ON(!pg);
    memset(page_to_virt(pg), 0, PAGE_SIZE);
    page_assign(pg, domid);
    return page_to_mfn(pg);
}

static inline unsigned long fx_general(unsigned long mfn)
{
    return page_refcount(mfn_to_page(mfn));
}

static inline unsigned long fx_typed(unsigned long mfn)
{
    return page_type_count(mfn_to_page(mfn));
}

#endif
