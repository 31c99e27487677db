/* Between grant_table's common part (main.c) and its environment's (ENV/frames.c). */
#ifndef GRANT_TABLE_H
#define GRANT_TABLE_H
#include <stdint.h>

#define NOBODY 0x7000           /* a domain id no domain has */

/* GNTTABOP_setup_table of NR frames of DOM into FRAMES; the op's status goes to
 * *STATUS, the hypercall's result is returned. */
long setup(uint16_t dom, uint32_t nr, uint64_t *frames, int16_t *status);
/* The table's frames as this environment reaches them: two of them, zeroed,
 * writable, kept across a second request, what query_size and setup_table say. */
void check_own_frames(void);
#endif
