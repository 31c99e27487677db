/*
 * The frame allocator: a binary buddy allocator over the frame table.
 * Blocks are 2^order contiguous frames aligned to their size, order
 * 0..MAX_ORDER (1 GiB blocks at most).  Frames it hands out belong to
 * DOMID_XEN, with no references and no type.
 */
#ifndef XENO_BUDDY_H
#define XENO_BUDDY_H

#include <stdbool.h>
#include <xeno/mm.h>

#define MAX_ORDER 18

/* Forget all free memory (after frame_table_init, before adding RAM). */
void buddy_init(void);

/*
 * Give frames [mfn, mfn + nr) to the allocator.  They must lie inside the
 * frame table and still be reserved (each frame may be added once).
 */
void buddy_add_free_range(unsigned long mfn, unsigned long nr);

/* A block of 2^order frames, or NULL when none is free. */
struct page_info *alloc_frames(unsigned int order);

/*
 * Return a block from alloc_frames.  Freeing a frame that is not in use
 * panics; debug builds also check every frame of the block and panic on
 * a double free or on frames that still have references.
 */
void free_frames(struct page_info *pg, unsigned int order);

/* Frames currently free. */
unsigned long free_frame_count(void);

/* Free blocks of exactly this order (for statistics and tests). */
unsigned long buddy_free_blocks(unsigned int order);

/* Walk every free list and check the allocator's invariants. */
bool buddy_check(void);

/* Frames from the allocator, as a hypervisor virtual address (direct map). */
void *alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *va, unsigned int order);   /* NULL is ignored */

#endif /* XENO_BUDDY_H */
