/*
 * TRAP_STUBS: one TRAP_STUB for each exception vector 0-31, with whether the CPU
 * pushes an error code for it. Each environment's entry.S defines its own
 * `.macro TRAP_STUB vector, has_error` (how its frame arrives) and then invokes
 * TRAP_STUBS. Assembly only.
 */
#ifndef GUEST_TRAP_STUBS_ASM_H
#define GUEST_TRAP_STUBS_ASM_H

.macro TRAP_STUBS
        TRAP_STUB 0, 0
        TRAP_STUB 1, 0
        TRAP_STUB 2, 0
        TRAP_STUB 3, 0
        TRAP_STUB 4, 0
        TRAP_STUB 5, 0
        TRAP_STUB 6, 0
        TRAP_STUB 7, 0
        TRAP_STUB 8, 1
        TRAP_STUB 9, 0
        TRAP_STUB 10, 1
        TRAP_STUB 11, 1
        TRAP_STUB 12, 1
        TRAP_STUB 13, 1
        TRAP_STUB 14, 1
        TRAP_STUB 15, 0
        TRAP_STUB 16, 0
        TRAP_STUB 17, 1
        TRAP_STUB 18, 0
        TRAP_STUB 19, 0
        TRAP_STUB 20, 0
        TRAP_STUB 21, 1
        TRAP_STUB 22, 0
        TRAP_STUB 23, 0
        TRAP_STUB 24, 0
        TRAP_STUB 25, 0
        TRAP_STUB 26, 0
        TRAP_STUB 27, 0
        TRAP_STUB 28, 0
        TRAP_STUB 29, 1
        TRAP_STUB 30, 1
        TRAP_STUB 31, 0
.endm

#endif
