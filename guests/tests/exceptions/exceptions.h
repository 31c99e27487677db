/* Between exceptions' common part (main.c) and its environment's
 * (ENV/environment.c). */
#ifndef EXCEPTIONS_H
#define EXCEPTIONS_H
#include <stdbool.h>
#include "traps.h"

/* Sets or clears CR0.TS as this environment's kernel does; false (the test failed)
 * when it could not. */
bool set_task_switched(bool on);
/* The frame of an int3 from kernel mode: CS, SS and RFLAGS as this environment
 * delivers them. */
void check_bp_frame(const struct exinfo *ex);
#endif
