/*
 * The PV equivalents of the VMX self-test's exit benchmarks (hvm/selftest/
 * guest_bench.inc; `tools/xeno bench vmx_exits`): CPUID through Xen's forced-
 * emulation prefix (a #UD the hypervisor emulates, as a PV kernel asks for the
 * hypervisor's CPUID policy), a plain CPUID (not intercepted for PV guests) and
 * IN from an unknown port (a #GP the hypervisor emulates under the virtual
 * IOPL). Same operations as the VMX guest's: leaf 1, port 0xe7.
 *
 * Each loop has the bench_loop signature (common/bench.h) and ignores all but
 * the iterations; its "_empty" twin is the same loop without the measured
 * instruction, and each returns the TSC cycles its loop took. The counter is
 * in r12, as CPUID clobbers rbx.
 */
#include <public/cpuid.h>

#define UNKNOWN_PORT 0xe7               /* SELFTEST_UNKNOWN_PORT of the VMX guest */

        .code64
        .text

        .macro OP_CPUID_FORCED empty
        mov     $1, %eax
        xor     %ecx, %ecx
        .if !\empty
        .byte   XEN_CPUID_FORCED_EMUL_PREFIX_BYTES
        cpuid
        .endif
        .endm

        .macro OP_CPUID_NATIVE empty
        mov     $1, %eax
        xor     %ecx, %ecx
        .if !\empty
        cpuid
        .endif
        .endm

        .macro OP_IO_IN empty
        .if !\empty
        in      $UNKNOWN_PORT, %al
        .endif
        .endm

        .macro LOOP name, op, empty
        .globl  \name
        .type   \name, @function
\name:
        push    %rbx
        push    %r12
        push    %r13
        mov     %rdi, %r12
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
        pop     %r13
        pop     %r12
        pop     %rbx
        ret
        .size   \name, . - \name
        .endm

        LOOP pvbench_loop_cpuid_forced, OP_CPUID_FORCED, 0
        LOOP pvbench_loop_cpuid_forced_empty, OP_CPUID_FORCED, 1
        LOOP pvbench_loop_cpuid_native, OP_CPUID_NATIVE, 0
        LOOP pvbench_loop_cpuid_native_empty, OP_CPUID_NATIVE, 1
        LOOP pvbench_loop_io_in, OP_IO_IN, 0
        LOOP pvbench_loop_io_in_empty, OP_IO_IN, 1

/* What the measured operations return, checked once before they are timed. */

/* uint32_t pvbench_forced_cpuid_ecx(void): ECX of leaf 1, emulated. */
        .globl  pvbench_forced_cpuid_ecx
        .type   pvbench_forced_cpuid_ecx, @function
pvbench_forced_cpuid_ecx:
        push    %rbx
        mov     $1, %eax
        xor     %ecx, %ecx
        .byte   XEN_CPUID_FORCED_EMUL_PREFIX_BYTES
        cpuid
        mov     %ecx, %eax
        pop     %rbx
        ret
        .size   pvbench_forced_cpuid_ecx, . - pvbench_forced_cpuid_ecx

/* uint32_t pvbench_in_unknown_port(void): 0x12345600 with IN AL merged in. */
        .globl  pvbench_in_unknown_port
        .type   pvbench_in_unknown_port, @function
pvbench_in_unknown_port:
        mov     $0x12345600, %eax
        in      $UNKNOWN_PORT, %al
        ret
        .size   pvbench_in_unknown_port, . - pvbench_in_unknown_port
