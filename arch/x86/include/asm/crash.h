/* The crash= command-line option. */
#ifndef ASM_CRASH_H
#define ASM_CRASH_H
void run_crash_option(void);
#endif
