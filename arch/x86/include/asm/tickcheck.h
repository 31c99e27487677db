/* The boot-time timer check (see tickcheck.c). */
#ifndef ASM_TICKCHECK_H
#define ASM_TICKCHECK_H
void tick_check_start_this_cpu(void);
/* Runs the check and prints a `timer:` line per CPU; false if a CPU never ticked. */
bool tick_check_run(void);
#endif
