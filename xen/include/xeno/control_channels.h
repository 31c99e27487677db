/*
 * A domain's xenstore and console rings, served by the control domain
 * (Domain 0: the first privileged domain, xen/control_channels.c).
 */
#ifndef XENO_CONTROL_CHANNELS_H
#define XENO_CONTROL_CHANNELS_H
#include <stdint.h>

struct domain;

/* The domain that serves the others' rings: the privileged domain with the
 * lowest id that is being built or runs; NULL when there is none. */
struct domain *control_domain(void);

/*
 * While d is built: when there is a control domain (and d is not one), make
 * an unbound event channel for each ring with the control domain as its
 * remote end, and grant the control domain the two ring frames in d's
 * reserved grant entries (GNTTAB_RESERVED_CONSOLE, GNTTAB_RESERVED_XENSTORE),
 * as Xen's toolstack does. Records them in d->rings. 0, or -ENOMEM.
 */
int control_channels_setup(struct domain *d, uint64_t store_mfn, uint64_t console_mfn);
#endif
