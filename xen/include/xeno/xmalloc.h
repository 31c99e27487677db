/*
 * The hypervisor's small-object heap.  Objects up to 2 KiB come from
 * size classes carved out of single frames; bigger ones (or ones needing
 * more than 2 KiB alignment) take a whole buddy block.  xfree needs no
 * header: the frame table says which class or block a pointer is in.
 *
 * Debug builds poison freed memory (0xA5), check the poison when memory
 * is handed out again (catching writes after free), and panic on a
 * double free or on a pointer xmalloc never returned.
 */
#ifndef XENO_XMALLOC_H
#define XENO_XMALLOC_H

#include <stddef.h>

#define XMALLOC_POISON 0xA5

/* Forget all slab pages (after buddy_init; the heap starts empty anyway). */
void xmalloc_init(void);

/* size bytes aligned to align (a power of two; 0 means 1), or NULL. */
void *xmalloc_bytes(size_t size, size_t align);
/* As xmalloc_bytes, zeroed. */
void *xzalloc_bytes(size_t size, size_t align);
/* n objects of size bytes; NULL when size * n overflows. */
void *xmalloc_array_bytes(size_t size, size_t align, size_t n);
void *xzalloc_array_bytes(size_t size, size_t align, size_t n);
/* NULL is ignored. */
void xfree(void *p);
/* The bytes p really takes: its size class, or its whole block of frames
 * (0 for NULL).  What a domain's memory accounting counts. */
size_t xmalloc_footprint(const void *p);

#define xmalloc(type)  ((type *)xmalloc_bytes(sizeof(type), __alignof__(type)))
#define xzalloc(type)  ((type *)xzalloc_bytes(sizeof(type), __alignof__(type)))
#define xmalloc_array(type, n) \
    ((type *)xmalloc_array_bytes(sizeof(type), __alignof__(type), (n)))
#define xzalloc_array(type, n) \
    ((type *)xzalloc_array_bytes(sizeof(type), __alignof__(type), (n)))

#endif /* XENO_XMALLOC_H */
