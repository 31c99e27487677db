/* Between hypercall_abi's common part (main.c) and its environment's
 * (ENV/environment.c). */
#ifndef HYPERCALL_ABI_H
#define HYPERCALL_ABI_H

/* How the environment had the hypercall page filled, for the message when it was
 * not. */
extern const char HYPERCALL_PAGE_HOW[];
/* The checks only this environment has. */
void check_environment(void);
#endif
