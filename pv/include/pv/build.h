/* Building a PV domain's start-of-day state (pv/domain_build.c). */
#ifndef PV_BUILD_H
#define PV_BUILD_H
#include <stddef.h>

struct domain;
struct domain_config;

/* Give d its memory, load the kernel, and lay out start_info, p2m, page tables,
 * boot stack, shared_info and vCPU 0's registers as the Xen PV ABI defines
 * them. 0, or -errno with err naming what was wrong. On error the caller
 * destroys d. */
int pv_build_domain(struct domain *d, const struct domain_config *cfg,
                    const void *kernel, size_t kernel_len,
                    const void *ramdisk, size_t ramdisk_len, char *err, size_t err_len);
#endif
