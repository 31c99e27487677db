/*
 * The grant-copy benchmark guest (docs/benchmarks.md, `tools/xeno bench
 * grant_copy`): what copying a 4 KiB page costs through GNTTABOP_copy against
 * the guest copying it itself.
 *
 *   pv_memcpy_4k           `rep movsq` of 512 quadwords between two pages of the
 *                          guest (what a kernel's memcpy of a page does); cycles
 *                          per page
 *   pv_grant_copy_4k       one GNTTABOP_copy hypercall with one 4096-byte op from
 *                          one frame of the guest to another (by frame number,
 *                          DOMID_SELF on both sides); cycles per page (= per call)
 *   pv_grant_copy_4k_x16   one GNTTABOP_copy hypercall with 16 such ops (16 pages
 *                          to 16 pages); cycles per call (the table divides by 16)
 *
 * Each is timed as the other benchmark programs are (common/bench.h): one warm-up
 * batch, then BENCH_BATCHES batches of the loop and of its empty twin (the same
 * loop without the copy); a batch's cost is the difference divided by the
 * iterations; the median and the extremes are printed as `bench:` lines. Every
 * copy is checked once outside the timing, every op's status after each batch.
 */
#include "xtest.h"
#include "pvguest.h"

#define PAGES 16
#define MEMCPY_ITERATIONS 500
#define COPY_ITERATIONS 500
#define BATCH_ITERATIONS 50

static uint8_t src[PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t dst[PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct gnttab_copy ops[PAGES];

static void copy_page(void *to, const void *from)
{
    uint64_t n = PAGE_SIZE / 8;

    __asm__ volatile("rep movsq" : "+D"(to), "+S"(from), "+c"(n) :: "memory");
}

static uint64_t loop_memcpy(uint64_t iterations)
{
    uint64_t start = bench_tsc();

    for (uint64_t i = 0; i < iterations; i++)
        copy_page(dst[0], src[0]);
    return bench_tsc() - start;
}

static unsigned int batch;      /* ops per call in loop_copy */

static uint64_t loop_copy(uint64_t iterations)
{
    uint64_t start = bench_tsc();

    for (uint64_t i = 0; i < iterations; i++)
        hc_grant_table_op(GNTTABOP_copy, ops, batch);
    return bench_tsc() - start;
}

static bool statuses_ok(const char *when)
{
    for (unsigned int i = 0; i < batch; i++)
        if (ops[i].status != GNTST_okay) {
            xtest_fail("%s: op %u has status %d", when, i, ops[i].status);
            return false;
        }
    return true;
}

/* Whether dst[0..n-1] equal src[0..n-1]; fails the test if not. */
static bool copied(unsigned int n, const char *what)
{
    for (unsigned int p = 0; p < n; p++)
        if (memcmp(dst[p], src[p], PAGE_SIZE)) {
            xtest_fail("%s: page %u differs from its source", what, p);
            return false;
        }
    return true;
}

void test_main(void)
{
    struct bench_result r;
    long rc;

    for (unsigned int p = 0; p < PAGES; p++) {
        for (unsigned int i = 0; i < PAGE_SIZE; i++)
            src[p][i] = (uint8_t)(i * 7 + p * 13 + 1);
        ops[p] = (struct gnttab_copy){
            .source = { .u.gmfn = virt_to_mfn((uint64_t)src[p]), .domid = DOMID_SELF },
            .dest = { .u.gmfn = virt_to_mfn((uint64_t)dst[p]), .domid = DOMID_SELF },
            .len = PAGE_SIZE, .flags = 0 };
    }

    /* The guest's own copy. */
    memset(dst, 0, sizeof(dst));
    copy_page(dst[0], src[0]);
    if (!copied(1, "rep movsq"))
        return;
    r = bench_c_measure(loop_memcpy, MEMCPY_ITERATIONS, MEMCPY_ITERATIONS);
    bench_report("pv_memcpy_4k", r, MEMCPY_ITERATIONS);

    /* One op per call. */
    memset(dst, 0, sizeof(dst));
    batch = 1;
    rc = hc_grant_table_op(GNTTABOP_copy, ops, 1);
    if (!expect_rc("GNTTABOP_copy of one page", rc, 0) || !statuses_ok("one page") ||
        !copied(1, "GNTTABOP_copy of one page"))
        return;
    r = bench_c_measure(loop_copy, COPY_ITERATIONS, COPY_ITERATIONS);
    if (!statuses_ok("after the timed single copies"))
        return;
    bench_report("pv_grant_copy_4k", r, COPY_ITERATIONS);

    /* Sixteen ops per call. */
    memset(dst, 0, sizeof(dst));
    batch = PAGES;
    rc = hc_grant_table_op(GNTTABOP_copy, ops, PAGES);
    if (!expect_rc("GNTTABOP_copy of 16 pages", rc, 0) || !statuses_ok("16 pages") ||
        !copied(PAGES, "GNTTABOP_copy of 16 pages"))
        return;
    r = bench_c_measure(loop_copy, BATCH_ITERATIONS, BATCH_ITERATIONS);
    if (!statuses_ok("after the timed batched copies") ||
        !copied(PAGES, "after the timed batched copies"))
        return;
    bench_report("pv_grant_copy_4k_x16", r, BATCH_ITERATIONS);
}
