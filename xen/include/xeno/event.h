/* Event channels as the hypervisor uses them (xen/event.c). */
#ifndef XENO_EVENT_H
#define XENO_EVENT_H

struct domain;

/* Install the hooks xen/evtchn.c calls back (once, at boot). */
void event_init(void);
/* Give a built domain its event channels (needs its shared_info). */
int domain_event_init(struct domain *d);
/* Close every port of a dying domain and free the table. */
void domain_event_destroy(struct domain *d);
#endif
