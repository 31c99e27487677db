/*
 * Event delivery in a test guest: the runtime's event callback and how each
 * environment registers, masks and waits for it.
 *
 * upcall_entry (pv64: lib/pv64/upcall.S, an event callback returning with the
 * iret hypercall; pvh64: lib/pvh64/upcall.S, the handler of an interrupt vector)
 * records what it was entered with, clears evtchn_upcall_pending and returns. It
 * scans no bitmaps: the tests look at those themselves.
 */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H
#include <stdbool.h>
#include <stdint.h>
#include <public/event_channel.h>

struct vcpu_info;

extern void upcall_entry(void);
/* What the last upcall was entered with. pv64: the bounce frame's RCX, R11, RIP,
 * CS (saved mask in bits 32-39), RFLAGS; pvh64: RIP, CS, RFLAGS at the indexes
 * below and 0 in the first two. */
extern uint64_t upcall_frame[5];
#define UPCALL_FRAME_RIP 2
#define UPCALL_FRAME_CS 3
#define UPCALL_FRAME_RFLAGS 4
extern uint64_t upcall_count;
/* 1 when events were masked inside the callback, as they must be: pv64 reads
 * evtchn_upcall_mask, pvh64 RFLAGS.IF (clear through the interrupt gate). */
extern uint64_t upcall_mask_seen;
/* pvh64: the vector the last upcall came through. */
extern uint64_t upcall_vector;
/* The vcpu_info the callback clears evtchn_upcall_pending in; set before
 * registering (events_register_upcall() sets it to xtest_vcpu_info). */
extern struct vcpu_info *upcall_vcpu_info;

/* Makes upcall_entry vCPU 0's event callback: pv64 with CALLBACKOP_register,
 * pvh64 with HVM_PARAM_CALLBACK_IRQ naming its vector. Events stay masked.
 * Returns the hypercall's result. */
long events_register_upcall(void);
/* Masks and unmasks events on this vCPU: pv64 evtchn_upcall_mask, pvh64 RFLAGS.IF
 * (cli/sti). An unmask delivers nothing by itself: what is pending arrives when the
 * hypervisor next returns to the guest (a hypercall, for instance). */
void events_mask(void);
void events_unmask(void);
/* Blocks the vCPU until an event arrives, with events unmasked, and returns after
 * the callback has run, with events still unmasked: pv64 SCHEDOP_block (its
 * result is returned), pvh64 `sti; hlt` (as Linux idles a PVH vCPU; 0). */
long events_block(void);

/* Registers the upcall and binds VIRQ_TIMER to vCPU 0 (lib/event_ports.c); the
 * port. A test that cannot do so is aborted: its timers could never be seen. */
evtchn_port_t events_bind_timer(void);
/* As an event handler does: takes the selector, then PORT's pending bit, so
 * that the port's next event raises a new upcall (2-level ABI). */
void events_clear_port(evtchn_port_t port);

/* System time (ns) from this vCPU's pvclock (lib/pvclock.c). */
uint64_t pvclock_now_ns(void);
#endif
