/* A domain's console lines on the hypervisor console (xen/console_io.c). */
#ifndef XENO_DOMAIN_CONSOLE_H
#define XENO_DOMAIN_CONSOLE_H
#include <stdint.h>

struct domain;

/* count bytes at guest address buf, of the calling domain's address space,
 * as d's console output: line-buffered, printed "(dN) line", bytes that
 * are not printable shown as '?'. 0, -EFAULT or -EINVAL (over 64 KiB). */
long domain_console_write(struct domain *d, uint64_t buf, uint64_t count);
#endif
