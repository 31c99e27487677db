/* Ending a run: the verdict line and the emulator's exit device. */
#ifndef ASM_SHUTDOWN_H
#define ASM_SHUTDOWN_H

enum xeno_status { XENO_PASS, XENO_FAIL, XENO_PANIC };

/* Prints `XENO-STATUS: ...` (reason may be NULL), drains the console and ends
 * the run as exit= says; never returns. */
_Noreturn void machine_exit(enum xeno_status status, const char *reason);
#endif
