/*
 * Domain 0's heap, for xenstored: power-of-two size classes from 32 bytes
 * to 64 KiB, each with a free list, carved from one static arena. Freed
 * blocks go back to their class, never to the arena: xenstored's quotas
 * bound what any domain can make it hold, so the classes settle at a
 * working set instead of fragmenting.
 */
#include <xeno/string.h>
#include "xtest.h"
#include "dom0.h"

#define ARENA_BYTES (4UL << 20)
#define MIN_SHIFT 5
#define MAX_SHIFT 16
#define HEADER 16                       /* keeps blocks 16-byte aligned */

struct block {
    unsigned int shift;                 /* its class */
    unsigned int magic;
    struct block *next;                 /* on its free list */
};
_Static_assert(sizeof(struct block) == HEADER, "block header");

#define MAGIC_USED 0x55534544
#define MAGIC_FREE 0x46524545

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(16)));
static size_t arena_used, in_use;
static struct block *free_lists[MAX_SHIFT + 1];

void *heap_alloc(void *ctx, size_t size)
{
    unsigned int shift = MIN_SHIFT;
    struct block *b;
    (void)ctx;

    while ((1UL << shift) < size + HEADER)
        if (++shift > MAX_SHIFT)
            return NULL;
    b = free_lists[shift];
    if (b) {
        free_lists[shift] = b->next;
    } else {
        if (ARENA_BYTES - arena_used < (1UL << shift))
            return NULL;
        b = (struct block *)(arena + arena_used);
        arena_used += 1UL << shift;
        b->shift = shift;
    }
    b->magic = MAGIC_USED;
    in_use += 1UL << shift;
    return (uint8_t *)b + HEADER;
}

void heap_free(void *ctx, void *p)
{
    struct block *b;
    (void)ctx;

    if (!p)
        return;
    b = (struct block *)((uint8_t *)p - HEADER);
    if (b->magic != MAGIC_USED || b->shift < MIN_SHIFT || b->shift > MAX_SHIFT)
        xtest_abort("heap: free of %p, not a live block", p);
    b->magic = MAGIC_FREE;
    in_use -= 1UL << b->shift;
    b->next = free_lists[b->shift];
    free_lists[b->shift] = b;
}

size_t heap_in_use(void)
{
    return in_use;
}
