/* Between hello's common part (main.c) and its environment's (ENV/start_of_day.c). */
#ifndef HELLO_H
#define HELLO_H
#include <stdint.h>

/* What the domain builder handed over at start of day, checked. */
void check_start_of_day(void);

/* A range of guest addresses the builder placed something in. */
struct region {
    const char *name;
    uint64_t start, end;
};
/* Fails the test unless each of the N regions lies after the image and below
 * MEMORY_END, and no two overlap. */
void check_layout(const struct region *r, unsigned int n, uint64_t memory_end);
#endif
