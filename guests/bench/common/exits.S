/*
 * Instructions a guest kernel executes that the hypervisor must handle, timed in
 * loops, shared by the PV and the PVH benchmark guests (and the same operations as
 * the VMX self-test's exit benchmarks, hvm/selftest/guest_bench.inc; `tools/xeno
 * bench vmx_exits pvh_ops`):
 *
 *   - CPUID through Xen's forced-emulation prefix: in a PV guest a #UD the
 *     hypervisor emulates (how a PV kernel asks for the hypervisor's CPUID policy);
 *   - a plain CPUID: not intercepted for a PV guest, a CPUID exit for a PVH one;
 *   - IN from an unknown port: a #GP the hypervisor emulates under a PV guest's
 *     virtual IOPL, an I/O exit for a PVH one;
 *   - a nop: no hypervisor at all, the check that the TSC counts instructions.
 *
 * Each loop has the bench_loop signature (common/bench.h) and uses the iterations
 * and, for CPUID, the leaf in `nr` (ECX 0); its "_empty" twin is the same loop
 * without the measured instruction, and each returns the TSC cycles its loop took.
 * The counter is in r12 and the leaf in r14, as CPUID clobbers rbx.
 */
#include <public/cpuid.h>
#include "exits.h"

        .code64
        .text

        .macro OP_CPUID_FORCED empty
        mov     %r14d, %eax
        xor     %ecx, %ecx
        .if !\empty
        .byte   XEN_CPUID_FORCED_EMUL_PREFIX_BYTES
        cpuid
        .endif
        .endm

        .macro OP_CPUID empty
        mov     %r14d, %eax
        xor     %ecx, %ecx
        .if !\empty
        cpuid
        .endif
        .endm

        .macro OP_IO_IN empty
        .if !\empty
        in      $BENCH_UNKNOWN_PORT, %al
        .endif
        .endm

        .macro OP_NOP empty
        .if !\empty
        nop
        .endif
        .endm

        .macro LOOP name, op, empty
        .globl  \name
        .type   \name, @function
\name:
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        mov     %rdi, %r12
        mov     %rsi, %r14
        rdtsc
        shl     $32, %rdx
        or      %rax, %rdx
        mov     %rdx, %r13
        .balign 16
1:      \op \empty
        dec     %r12
        jnz     1b
        rdtsc
        shl     $32, %rdx
        or      %rdx, %rax
        sub     %r13, %rax
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        ret
        .size   \name, . - \name
        .endm

        LOOP bench_loop_cpuid_forced, OP_CPUID_FORCED, 0
        LOOP bench_loop_cpuid_forced_empty, OP_CPUID_FORCED, 1
        LOOP bench_loop_cpuid, OP_CPUID, 0
        LOOP bench_loop_cpuid_empty, OP_CPUID, 1
        LOOP bench_loop_io_in, OP_IO_IN, 0
        LOOP bench_loop_io_in_empty, OP_IO_IN, 1
        LOOP bench_loop_nop, OP_NOP, 0
        LOOP bench_loop_nop_empty, OP_NOP, 1

/* What the measured operations return, checked once before they are timed. */

/* void NAME(uint32_t leaf, uint32_t regs[4]): EAX, EBX, ECX, EDX of LEAF (ECX 0). */
        .macro CPUID_INTO name, prefix
        .globl  \name
        .type   \name, @function
\name:
        push    %rbx
        mov     %edi, %eax
        xor     %ecx, %ecx
        .if \prefix
        .byte   XEN_CPUID_FORCED_EMUL_PREFIX_BYTES
        .endif
        cpuid
        mov     %eax, 0(%rsi)
        mov     %ebx, 4(%rsi)
        mov     %ecx, 8(%rsi)
        mov     %edx, 12(%rsi)
        pop     %rbx
        ret
        .size   \name, . - \name
        .endm

        CPUID_INTO bench_cpuid_forced, 1
        CPUID_INTO bench_cpuid, 0

/* uint32_t bench_in_unknown_port(void): 0x12345600 with IN AL merged in. */
        .globl  bench_in_unknown_port
        .type   bench_in_unknown_port, @function
bench_in_unknown_port:
        mov     $0x12345600, %eax
        in      $BENCH_UNKNOWN_PORT, %al
        ret
        .size   bench_in_unknown_port, . - bench_in_unknown_port
