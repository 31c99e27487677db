/*
 * The measuring loops of the PV memory benchmark guest (pvmem). As in
 * common/loops.S, each returns the TSC cycles its loop took, and each has an
 * "_empty" twin that runs the same instructions without the one measured, so a
 * loop minus its twin is the cost of the operations alone (under -icount
 * shift=0: the instructions they execute).
 *
 * Every loop alternates between two values, A then B, so each operation really
 * changes the entry (the caller leaves it at B beforehand; with an even number
 * of iterations it is at B again afterwards).
 *
 * SysV calling convention; every loop keeps rbx, rbp and r12-r15. The hypercall
 * and the page fault behind an emulated write may clobber rcx and r11.
 */
#include "pvmem.h"

        .code64
        .text

/* rdtsc into %r\reg (a full 64-bit value); clobbers rax and rdx. */
.macro TSC_INTO reg
        rdtsc
        shl     $32, %rdx
        or      %rax, %rdx
        mov     %rdx, %\reg
.endm

/* rbx = iterations, r14 = A, r15 = B, r13 = the third argument; r12 = start TSC. */
.macro PROLOGUE
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rdi, %rbx
        mov     %rsi, %r14
        mov     %rdx, %r15
        mov     %rcx, %r13
        TSC_INTO r12
.endm

.macro EPILOGUE
        TSC_INTO rax
        sub     %r12, %rax
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        ret
.endm

/*
 * uint64_t pvmem_loop_mmu_update(uint64_t iterations, const struct mmu_update *reqs_a,
 *                                const struct mmu_update *reqs_b, uint64_t count)
 * Each iteration is one mmu_update(reqs, count, NULL, DOMID_SELF) through a raw
 * `syscall` (as pvbench's pv_null_hypercall), alternately with reqs_a and reqs_b.
 * No `done` pointer: as Linux's batched (multicall) updates, nothing is preempted.
 */
        .globl pvmem_loop_mmu_update
        .type pvmem_loop_mmu_update, @function
pvmem_loop_mmu_update:
        PROLOGUE
        .balign 16
1:      mov     $PVMEM_HYPERVISOR_MMU_UPDATE, %eax
        mov     %r14, %rdi
        mov     %r13, %rsi
        xor     %edx, %edx
        mov     $PVMEM_DOMID_SELF, %r10d
        syscall
        xchg    %r14, %r15
        dec     %rbx
        jnz     1b
        EPILOGUE
        .size pvmem_loop_mmu_update, . - pvmem_loop_mmu_update

        .globl pvmem_loop_mmu_update_empty
        .type pvmem_loop_mmu_update_empty, @function
pvmem_loop_mmu_update_empty:
        PROLOGUE
        .balign 16
1:      mov     $PVMEM_HYPERVISOR_MMU_UPDATE, %eax
        mov     %r14, %rdi
        mov     %r13, %rsi
        xor     %edx, %edx
        mov     $PVMEM_DOMID_SELF, %r10d
        xchg    %r14, %r15
        dec     %rbx
        jnz     1b
        EPILOGUE
        .size pvmem_loop_mmu_update_empty, . - pvmem_loop_mmu_update_empty

/*
 * uint64_t pvmem_loop_pte_write(uint64_t iterations, uint64_t val_a, uint64_t val_b,
 *                               volatile uint64_t *pte)
 * Each iteration is one 8-byte `mov` of val_a or val_b (alternately) into *pte, an
 * L1 entry mapped read-only: with writable page tables the write faults and the
 * hypervisor emulates it (as Linux's native set_pte under Xen).
 */
        .globl pvmem_loop_pte_write
        .type pvmem_loop_pte_write, @function
pvmem_loop_pte_write:
        PROLOGUE
        .balign 16
1:      mov     %r14, (%r13)
        xchg    %r14, %r15
        dec     %rbx
        jnz     1b
        EPILOGUE
        .size pvmem_loop_pte_write, . - pvmem_loop_pte_write

        .globl pvmem_loop_pte_write_empty
        .type pvmem_loop_pte_write_empty, @function
pvmem_loop_pte_write_empty:
        PROLOGUE
        .balign 16
1:      xchg    %r14, %r15
        dec     %rbx
        jnz     1b
        EPILOGUE
        .size pvmem_loop_pte_write_empty, . - pvmem_loop_pte_write_empty
