/*
 * xen/xmalloc.c: many sizes and alignments, reuse, large allocations,
 * typed and array helpers (with overflow), pages going back to the buddy
 * allocator, and the debug checks: poison after free, writes after free,
 * double free and pointers xmalloc never returned.
 */
#include <stdint.h>
#include <xeno/string.h>
#include <xeno/xmalloc.h>
#include "harness.h"
#include "mm_fixture.h"

#define FRAMES 4096

static bool all_bytes(const void *p, unsigned char v, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++) {
        if (b[i] != v)
            return false;
    }
    return true;
}

TEST(many_sizes_are_aligned_usable_and_returned)
{
    static void *ptrs[600];
    static size_t sizes[600];

    mm_setup(FRAMES, 0, FRAMES);
    for (unsigned int i = 0; i < 600; i++) {
        sizes[i] = 1 + test_rand() % (i % 10 == 0 ? 20000 : 2100);
        ptrs[i] = xmalloc_bytes(sizes[i], 1);
        CHECK(ptrs[i] != NULL);
        CHECK(IS_ALIGNED((uintptr_t)ptrs[i], 16));
        memset(ptrs[i], (int)(i & 0xff), sizes[i]);
    }
    for (unsigned int i = 0; i < 600; i++)
        CHECK(all_bytes(ptrs[i], (unsigned char)(i & 0xff), sizes[i]));
    for (unsigned int i = 0; i < 600; i += 2)
        xfree(ptrs[i]);
    for (unsigned int i = 1; i < 600; i += 2) {
        CHECK(all_bytes(ptrs[i], (unsigned char)(i & 0xff), sizes[i]));
        xfree(ptrs[i]);
    }
    /* Every slab page went back: nothing leaked. */
    CHECK_EQ(free_frame_count(), FRAMES);
    CHECK(buddy_check());
}

TEST(alignment_requests)
{
    mm_setup(FRAMES, 0, FRAMES);
    for (size_t align = 1; align <= 64 * PAGE_SIZE; align <<= 1) {
        for (size_t size = 1; size <= 3 * PAGE_SIZE; size = size * 3 + 1) {
            void *p = xmalloc_bytes(size, align);

            CHECK(p != NULL);
            CHECK(IS_ALIGNED((uintptr_t)p, align));
            memset(p, 0x5a, size);
            xfree(p);
        }
    }
    CHECK(xmalloc_bytes(8, 0) != NULL);         /* 0 means any alignment */
    if (!XENO_DEBUG)
        CHECK(xmalloc_bytes(8, 24) == NULL);
    else
        EXPECT_PANIC(xmalloc_bytes(8, 24));
}

TEST(freed_objects_are_reused)
{
    void *a, *b;

    mm_setup(FRAMES, 0, FRAMES);
    a = xmalloc_bytes(40, 8);
    b = xmalloc_bytes(40, 8);                   /* keeps the page alive */
    xfree(a);
    CHECK(xmalloc_bytes(40, 8) == a);
    CHECK(xmalloc_bytes(33, 1) != b);
}

TEST(zero_size_gives_a_real_object)
{
    void *p, *q;

    mm_setup(FRAMES, 0, FRAMES);
    p = xmalloc_bytes(0, 1);
    q = xmalloc_bytes(0, 1);
    CHECK(p != NULL && q != NULL && p != q);
    xfree(p);
    xfree(q);
    xfree(NULL);
    CHECK_EQ(free_frame_count(), FRAMES);
}

TEST(large_allocations_take_whole_blocks)
{
    unsigned long before;
    unsigned char *p;

    mm_setup(FRAMES, 0, FRAMES);
    before = free_frame_count();
    p = xmalloc_bytes(5 * PAGE_SIZE + 1, 1);    /* 6 pages -> order 3 */
    CHECK(p != NULL);
    CHECK(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
    CHECK_EQ(free_frame_count(), before - 8);
    memset(p, 1, 5 * PAGE_SIZE + 1);
    xfree(p);
    CHECK_EQ(free_frame_count(), before);
    CHECK(xmalloc_bytes((size_t)PAGE_SIZE << (MAX_ORDER + 1), 1) == NULL);
    CHECK(xmalloc_bytes(~(size_t)0, 1) == NULL);
    CHECK(xmalloc_bytes((size_t)FRAMES * PAGE_SIZE * 2, 1) == NULL);  /* no room */
}

TEST(typed_helpers)
{
    struct thing { uint64_t a; char b[40]; } *t;
    struct thing *many;
    uint32_t *zeros;

    mm_setup(FRAMES, 0, FRAMES);
    t = xmalloc(struct thing);
    CHECK(t != NULL);
    CHECK(IS_ALIGNED((uintptr_t)t, __alignof__(struct thing)));
    t = xzalloc(struct thing);
    CHECK(t != NULL && t->a == 0 && all_bytes(t->b, 0, sizeof(t->b)));
    many = xmalloc_array(struct thing, 100);
    CHECK(many != NULL);
    memset(many, 0xee, 100 * sizeof(*many));
    zeros = xzalloc_array(uint32_t, 3000);
    CHECK(zeros != NULL && all_bytes(zeros, 0, 3000 * sizeof(uint32_t)));
    xfree(zeros);
    xfree(many);
}

TEST(array_size_overflow_returns_null)
{
    mm_setup(FRAMES, 0, FRAMES);
    CHECK(xmalloc_array(uint64_t, (SIZE_MAX / 8) + 2) == NULL);
    CHECK(xmalloc_array(uint64_t, SIZE_MAX) == NULL);
    CHECK(xzalloc_array(uint32_t, SIZE_MAX / 2) == NULL);
    CHECK(xmalloc_array_bytes(SIZE_MAX, 1, 2) == NULL);
    CHECK_EQ(free_frame_count(), FRAMES);
}

TEST(exhaustion_returns_null)
{
    unsigned int n = 0;

    mm_setup(64, 0, 64);
    while (xmalloc_bytes(2048, 1) != NULL)
        n++;
    CHECK_EQ(n, 64 * 2);                        /* two 2 KiB objects a page */
    CHECK(xmalloc_bytes(16, 1) == NULL);
    CHECK(xmalloc_bytes(3 * PAGE_SIZE, 1) == NULL);
}

TEST(freed_memory_is_poisoned_in_debug)
{
    unsigned char *p, *keep, *big;

    if (!XENO_DEBUG)
        return;
    mm_setup(FRAMES, 0, FRAMES);
    p = xmalloc_bytes(100, 1);                  /* 128-byte class */
    keep = xmalloc_bytes(100, 1);               /* keeps the page mapped */
    memset(p, 0, 100);
    xfree(p);
    CHECK(all_bytes(p + 2, XMALLOC_POISON, 126));   /* 2 bytes hold the link */
    big = xmalloc_bytes(3 * PAGE_SIZE, 1);
    memset(big, 0, 3 * PAGE_SIZE);
    xfree(big);
    CHECK(all_bytes(big, XMALLOC_POISON, 3 * PAGE_SIZE));
    xfree(keep);
}

TEST(write_after_free_is_caught_in_debug)
{
    unsigned char *p, *keep;

    if (!XENO_DEBUG)
        return;
    mm_setup(FRAMES, 0, FRAMES);
    p = xmalloc_bytes(64, 1);
    keep = xmalloc_bytes(64, 1);
    xfree(p);
    p[10] = 0;                                  /* the bug */
    EXPECT_PANIC(xmalloc_bytes(64, 1));
    CHECK(test_contains(stub_panic_message, "written after it was freed"));
    (void)keep;
}

TEST(corrupt_free_list_is_caught)
{
    unsigned char *p, *keep;

    mm_setup(FRAMES, 0, FRAMES);
    p = xmalloc_bytes(64, 1);
    keep = xmalloc_bytes(64, 1);
    xfree(p);
    p[0] = 0x13;                                /* the link: not an object */
    EXPECT_PANIC(xmalloc_bytes(64, 1));
    CHECK(test_contains(stub_panic_message, "corrupt"));
    (void)keep;
}

TEST(double_free_is_caught)
{
    void *p, *keep, *big;

    mm_setup(FRAMES, 0, FRAMES);
    keep = xmalloc_bytes(200, 1);
    p = xmalloc_bytes(200, 1);
    xfree(p);
    if (XENO_DEBUG) {
        EXPECT_PANIC(xfree(p));
        CHECK(test_contains(stub_panic_message, "double free"));
    }
    xfree(keep);                                /* page freed: now foreign */
    EXPECT_PANIC(xfree(keep));
    big = xmalloc_bytes(2 * PAGE_SIZE, 1);
    xfree(big);
    EXPECT_PANIC(xfree(big));
    CHECK(buddy_check());
}

TEST(foreign_pointers_are_caught)
{
    int on_stack;
    char *p, *big;

    mm_setup(FRAMES, 0, FRAMES);
    EXPECT_PANIC(xfree(&on_stack));             /* not a frame at all */
    CHECK(test_contains(stub_panic_message, "not allocated by xmalloc"));
    EXPECT_PANIC(xfree(page_to_virt(alloc_frames(0))));  /* a plain frame */
    p = xmalloc_bytes(48, 1);
    EXPECT_PANIC(xfree(p + 16));                /* inside an object */
    CHECK(test_contains(stub_panic_message, "not the start"));
    big = xmalloc_bytes(2 * PAGE_SIZE, 1);
    EXPECT_PANIC(xfree(big + PAGE_SIZE));       /* tail frame of a block */
    EXPECT_PANIC(xfree(big + 8));               /* inside the head frame */
    xfree(big);
    xfree(p);
}
