/* The SYSCALL entry PV guests use for hypercalls and system calls. */
#ifndef ASM_SYSCALL_H
#define ASM_SYSCALL_H

/* Pseudo-vectors in the trap frame for the two SYSCALL entries. */
#define VECTOR_SYSCALL64 0x100
#define VECTOR_SYSCALL32 0x101

#ifndef __ASSEMBLER__
struct percpu;
void syscall_init_cpu(struct percpu *pc);
#endif
#endif
