/*
 * Shared set-up for tests of the frame table and the allocators: a fresh
 * arena of host "frames", a frame table over it, and empty allocators.
 */
#ifndef TEST_MM_FIXTURE_H
#define TEST_MM_FIXTURE_H

#include <stdlib.h>
#include <xeno/buddy.h>
#include <xeno/mm.h>
#include <xeno/xmalloc.h>
#include "stubs/stub.h"

/* frames frames, of which [first_free, first_free + nr_free) are free RAM. */
static inline void mm_setup(unsigned long frames, unsigned long first_free,
                            unsigned long nr_free)
{
    static void *storage;

    stub_arena_init(frames);
    free(storage);
    storage = malloc(frame_table_bytes(frames));   /* ASan checks its bounds */
    frame_table_init(frames, storage);
    buddy_init();
    xmalloc_init();
    if (nr_free)
        buddy_add_free_range(first_free, nr_free);
}

#endif
