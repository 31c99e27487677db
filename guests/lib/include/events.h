/* The event callback the runtime offers (lib/pv64/upcall.S): it records each
 * upcall's bounce frame, clears evtchn_upcall_pending and returns with iret. */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H
#include <stdint.h>

struct vcpu_info;

extern void upcall_entry(void);
extern uint64_t upcall_frame[5];        /* RCX, R11, RIP, CS, RFLAGS of the last upcall */
extern uint64_t upcall_count;
extern uint64_t upcall_mask_seen;       /* evtchn_upcall_mask inside the callback */
extern struct vcpu_info *upcall_vcpu_info;  /* set before registering the callback */
/* System time (ns) from this vCPU's pvclock (lib/pvclock.c). */
uint64_t pvclock_now_ns(void);
#endif
