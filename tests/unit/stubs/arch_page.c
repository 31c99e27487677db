/*
 * Host frames for the unit tests: an arena mapped with mmap (untouched
 * pages cost nothing, so tests can have a million frames) and aligned to
 * 2^18 pages so that frame alignment and virtual alignment agree, as in
 * the hypervisor's direct map.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <asm/page.h>
#include "stub.h"

#define ARENA_ALIGN ((uintptr_t)PAGE_SIZE << 18)

static void *map_base;          /* what mmap returned */
static size_t map_len;
static unsigned char *arena;    /* aligned start: frame 0 */
static unsigned long arena_frames;

void *stub_arena_init(unsigned long nr_frames)
{
    if (map_base)
        munmap(map_base, map_len);
    map_len = nr_frames * PAGE_SIZE + ARENA_ALIGN;
    map_base = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map_base == MAP_FAILED) {
        perror("stub_arena_init: mmap");
        exit(2);
    }
    arena = (unsigned char *)(((uintptr_t)map_base + ARENA_ALIGN - 1) &
                              ~(ARENA_ALIGN - 1));
    arena_frames = nr_frames;
    return arena;
}

void *stub_arena_base(void)
{
    return arena;
}

void *mfn_to_virt(unsigned long mfn)
{
    if (mfn >= arena_frames) {
        fprintf(stderr, "mfn_to_virt: frame %#lx outside the arena\n", mfn);
        abort();
    }
    return arena + mfn * PAGE_SIZE;
}

unsigned long virt_to_mfn(const void *va)
{
    uintptr_t p = (uintptr_t)va, base = (uintptr_t)arena;

    if (!arena || p < base || p >= base + arena_frames * PAGE_SIZE)
        return ~0UL;
    return (p - base) / PAGE_SIZE;
}
