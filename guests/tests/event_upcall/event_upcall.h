/* Between event_upcall's common part (main.c) and its environment's
 * (ENV/frame.c). */
#ifndef EVENT_UPCALL_H
#define EVENT_UPCALL_H

/* What the first upcall was entered with, and the state after its return. */
void check_upcall_frame(void);
/* The checks only this environment has, with the callback registered and events
 * masked; they leave them masked. */
void check_environment(void);
#endif
