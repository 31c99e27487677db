/*
 * The VMX self-test's guest: a few KiB of 32-bit code copied to guest-physical
 * SELFTEST_LOAD_GPA and started in the PVH entry state (flat 32-bit protected
 * mode, paging off, interrupts off), which is how PVH kernels and directly
 * booted Linux images start, so the state the self-test proves is the one the
 * next stage builds on. Paging off with protected mode needs unrestricted
 * guest, so the self-test exercises it too.
 *
 * It sets up its own GDT, IDT and TSS, then makes each kind of exit and checks
 * what comes back (EXPECT prints `FAIL: ...` on the console port when a check
 * fails); it reports the counts on the result port and ends with an access
 * outside its memory, which must crash it. With EBX = SELFTEST_RUN_TRIPLE_FAULT
 * it triple-faults instead; with SELFTEST_RUN_BENCH it times exits
 * (guest_bench.inc).
 *
 * All addresses are guest-physical: G(label) is where label lands once copied.
 * The image lives in the hypervisor's rodata and is never executed there.
 */
#include <public/cpuid.h>
#include "selftest.h"

#define G(x) ((x) - guest_start + SELFTEST_LOAD_GPA)

#define SEL_CODE0 0x08
#define SEL_DATA0 0x10
#define SEL_CODE3 0x1b
#define SEL_DATA3 0x23
#define SEL_TSS 0x28
#define CR0_NE 0x20
#define CR4_VMXE 0x2000
#define MSR_TSC 0x10
#define MSR_APIC_BASE 0x1b
#define MSR_FEATURE_CONTROL 0x3a
#define MSR_MISC_ENABLE 0x1a0
#define MSR_PAT 0x277
#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define EFER_NXE 0x800
#define VECTOR_GP 13
#define EPERM 1
#define ENOSYS 38

/* A check: after a cmp or test, pass when jcc would jump. */
        .set .Lnr_checks, 0
        .macro EXPECT jcc, msg
        .set .Lnr_checks, .Lnr_checks + 1
        \jcc 7f
        call check_failed               /* prints the message that follows */
        .asciz "\msg"
        jmp 8f
7:      incl G(checks_passed)
8:
        .endm

/* Run one instruction expected to fault: the exception handler notes the
 * vector in last_vector and resumes after it. */
        .macro PROBE insn:vararg
        movl $(8f - 7f), G(probe_len)
        movl $-1, G(last_vector)
7:      \insn
8:
        .endm

        .macro PUTS label
        mov $G(\label), %esi
        call puts
        .endm

        .section .rodata.hvm_selftest_guest, "a"
        .code32
        .globl hvm_selftest_guest_start
hvm_selftest_guest_start:
guest_start:
        cli
        mov %ebx, %ebp                  /* which run */
        lgdt G(gdt_ptr)
        ljmp $SEL_CODE0, $G(1f)
1:      mov $SEL_DATA0, %eax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %fs
        mov %ax, %gs
        mov %ax, %ss
        mov $SELFTEST_STACK_TOP, %esp
        call setup_idt
        lidt G(idt_ptr)
        movl $SELFTEST_RING0_STACK_TOP, SELFTEST_TSS_GPA + 4     /* esp0 */
        movl $SEL_DATA0, SELFTEST_TSS_GPA + 8                    /* ss0 */
        movw $0x68, SELFTEST_TSS_GPA + 102                       /* no I/O bitmap */
        mov $SEL_TSS, %eax
        ltr %ax
        cmp $SELFTEST_RUN_TRIPLE_FAULT, %ebp
        je triple_fault
        cmp $SELFTEST_RUN_BENCH, %ebp
        je bench_main
        PUTS msg_hello
        call test_cpuid
        call test_msrs
        call test_cr
        call test_io
        call test_mmio
        call test_interrupts
        call test_vmcall
        call test_vmcall_ring3
        cmp $-EPERM, %eax
        EXPECT je, "vmcall from ring 3 gives -EPERM"
        call test_preemption
        jmp finish

triple_fault:
        PUTS msg_triple
        lidt G(null_idt_ptr)            /* #UD, then #GP, then #DF: nothing to deliver to */
        ud2

test_cpuid:
        mov $XEN_CPUID_FIRST_LEAF, %eax
        cpuid
        mov %ebx, G(signature)
        mov %ecx, G(signature) + 4
        mov %edx, G(signature) + 8
        cmp $XEN_CPUID_LEAF(2), %eax
        EXPECT jae, "cpuid 0x40000000 lists the Xen leaves"
        cmp $XEN_CPUID_SIGNATURE_EBX, %ebx
        EXPECT je, "cpuid 0x40000000 ebx"
        cmp $XEN_CPUID_SIGNATURE_ECX, %ecx
        EXPECT je, "cpuid 0x40000000 ecx"
        cmp $XEN_CPUID_SIGNATURE_EDX, %edx
        EXPECT je, "cpuid 0x40000000 edx"
        PUTS msg_signature
        PUTS signature
        call newline
        mov $1, %eax
        cpuid
        test $(1 << 5), %ecx
        EXPECT jz, "cpuid leaf 1 hides VMX"
        test $0x80000000, %ecx
        EXPECT jnz, "cpuid leaf 1 has the hypervisor bit"
        mov $XEN_CPUID_LEAF(1), %eax
        cpuid
        mov %eax, G(xen_version)
        ret

test_msrs:
        mov $MSR_APIC_BASE, %ecx
        rdmsr
        cmp $0xfee00900, %eax
        EXPECT je, "rdmsr APIC_BASE"
        mov $MSR_MISC_ENABLE, %ecx
        rdmsr
        test $1, %eax
        EXPECT jnz, "rdmsr MISC_ENABLE"
        mov $MSR_FEATURE_CONTROL, %ecx
        rdmsr
        cmp $1, %eax
        EXPECT je, "rdmsr FEATURE_CONTROL: locked, VMX off"
        mov $MSR_EFER, %ecx
        rdmsr
        test %eax, %eax
        EXPECT jz, "rdmsr EFER starts at 0"
        mov $EFER_NXE, %eax
        xor %edx, %edx
        wrmsr
        rdmsr
        cmp $EFER_NXE, %eax
        EXPECT je, "wrmsr EFER.NXE reads back"
        mov $MSR_PAT, %ecx
        rdmsr
        cmp $0x00070406, %eax
        EXPECT je, "rdmsr PAT: the power-on value"
        mov $0x00070106, %eax           /* PA1 = WC */
        mov $0x00070406, %edx
        wrmsr
        rdmsr
        cmp $0x00070106, %eax
        EXPECT je, "wrmsr PAT reads back"
        mov $MSR_APIC_BASE, %ecx
        mov $0xfee00000, %eax
        xor %edx, %edx
        PROBE wrmsr
        cmpl $VECTOR_GP, G(last_vector)
        EXPECT je, "wrmsr APIC_BASE with another value gives #GP"
        mov $0x1234, %ecx
        PROBE rdmsr
        cmpl $VECTOR_GP, G(last_vector)
        EXPECT je, "rdmsr of an unlisted MSR gives #GP"
        PROBE wrmsr
        cmpl $VECTOR_GP, G(last_vector)
        EXPECT je, "wrmsr of an unlisted MSR gives #GP"
        mov $0xdeadbeef, %ecx
        PROBE rdmsr
        cmpl $VECTOR_GP, G(last_vector)
        EXPECT je, "rdmsr outside the bitmap ranges gives #GP"
        PUTS msg_msr_gp
        mov $MSR_TSC, %ecx              /* passed through: no exit */
        rdmsr
        or %edx, %eax
        EXPECT jnz, "rdmsr TSC"
        mov $MSR_FS_BASE, %ecx
        mov $0x12345000, %eax
        xor %edx, %edx
        wrmsr
        xor %eax, %eax
        rdmsr
        cmp $0x12345000, %eax
        EXPECT je, "FS_BASE written and read without exits"
        ret

test_cr:
        mov %cr4, %eax                  /* reads of host-owned bits see the shadow */
        test $CR4_VMXE, %eax
        EXPECT jz, "CR4.VMXE hidden from the guest"
        or $CR4_VMXE, %eax
        PROBE mov %eax, %cr4
        cmpl $VECTOR_GP, G(last_vector)
        EXPECT je, "setting CR4.VMXE gives #GP"
        mov %cr0, %eax
        or $CR0_NE, %eax
        mov %eax, %cr0
        mov %cr0, %eax
        test $CR0_NE, %eax
        EXPECT jnz, "CR0.NE set through the shadow"
        and $~CR0_NE, %eax
        mov %eax, %cr0
        mov %cr0, %eax
        test $CR0_NE, %eax
        EXPECT jz, "CR0.NE clear again"
        ret

test_io:
        mov $0x12345600, %eax
        in $SELFTEST_UNKNOWN_PORT, %al
        cmp $0x123456ff, %eax
        EXPECT je, "in al from an unknown port: 0xff, the rest of eax kept"
        mov $SELFTEST_UNKNOWN_PORT_DX, %dx
        mov $0xabcd0000, %eax
        in %dx, %ax
        cmp $0xabcdffff, %eax
        EXPECT je, "in ax from an unknown port: 0xffff"
        in %dx, %eax
        cmp $0xffffffff, %eax
        EXPECT je, "in eax from an unknown port: all-ones"
        out %al, $0x80                  /* dropped */
        PUTS msg_io
        ret

test_mmio:
        movl $0x12345678, SELFTEST_MMIO_GPA
        mov SELFTEST_MMIO_GPA, %eax
        cmp $0x12345678, %eax
        EXPECT je, "mmio: mov to and from moffs"
        mov $SELFTEST_MMIO_GPA, %ebx
        mov 4(%ebx), %ecx
        cmp $SELFTEST_MMIO_ID, %ecx
        EXPECT je, "mmio: the ID register"
        movzbl (%ebx), %edx
        cmp $0x78, %edx
        EXPECT je, "mmio: movzx of a byte"
        movw $0xbeef, (%ebx)
        mov (%ebx), %esi
        cmp $0x1234beef, %esi
        EXPECT je, "mmio: a 16-bit store merges"
        mov $0x9a, %al
        mov %al, 1(%ebx)
        xor %edi, %edi
        mov (%ebx,%edi,4), %edi
        cmp $SELFTEST_MMIO_FINAL, %edi
        EXPECT je, "mmio: byte store, load through a SIB address"
        movsbl 1(%ebx), %eax
        cmp $0xffffff9a, %eax
        EXPECT je, "mmio: movsx of a byte"
        xor %eax, %eax
        mov 2(%ebx), %ah
        cmp $0x3400, %eax
        EXPECT je, "mmio: load into ah"
        PUTS msg_mmio
        mov %edi, %eax
        call puthex
        call newline
        ret

test_interrupts:
        movl $0, G(irq_count)
        mov $SELFTEST_WAKE_VECTOR, %al
        out %al, $SELFTEST_IRQ_PORT     /* the self-test raises it at once */
        nop
        nop
        cmpl $0, G(irq_count)
        EXPECT je, "no interrupt while IF=0"
        sti
        nop                             /* the STI shadow */
        cli
        cmpl $1, G(irq_count)
        EXPECT je, "the held interrupt arrives once IF=1"
        sti
        hlt                             /* blocks until the self-test wakes us */
        cli
        cmpl $2, G(irq_count)
        EXPECT je, "woken from hlt by an interrupt"
        PUTS msg_irq
        ret

test_vmcall:
        mov $SELFTEST_HC_XEN_VERSION, %eax
        xor %ebx, %ebx                  /* XENVER_version */
        vmcall
        cmp G(xen_version), %eax
        EXPECT je, "vmcall xen_version matches cpuid 0x40000001"
        PUTS msg_vmcall
        call puthex
        call newline
        mov $1000, %eax
        vmcall
        cmp $-ENOSYS, %eax
        EXPECT je, "vmcall 1000 gives -ENOSYS"
        ret

/* Drop to ring 3, make a hypercall there, come back with int $0x80; eax holds
 * what the hypercall returned. */
test_vmcall_ring3:
        mov %esp, G(saved_esp)
        pushl $SEL_DATA3
        pushl $SELFTEST_RING3_STACK_TOP
        pushfl
        pushl $SEL_CODE3
        pushl $G(ring3_code)
        iret
ring3_code:
        mov $SELFTEST_HC_XEN_VERSION, %eax
        xor %ebx, %ebx
        vmcall
        int $0x80
ring3_return:                           /* ring 0 again, on the TSS stack */
        mov $SEL_DATA0, %ecx
        mov %cx, %ds
        mov %cx, %es
        mov G(saved_esp), %esp
        ret

/* Long enough for the preemption timer to fire a few times. */
test_preemption:
        mov $SELFTEST_SPIN_LOOPS, %ecx
1:      loop 1b
        ret

setup_idt:
        mov $SELFTEST_IDT_GPA, %edi
        mov $G(exception_stubs), %edx
        xor %ecx, %ecx
1:      mov %edx, %eax
        call set_gate
        add $16, %edx
        inc %ecx
        cmp $32, %ecx
        jb 1b
        mov $SELFTEST_WAKE_VECTOR, %ecx
        mov $G(irq_handler), %eax
        call set_gate
        mov $0x80, %ecx
        mov $G(ring3_return), %eax
        call set_gate
        orb $0x60, SELFTEST_IDT_GPA + 0x80 * 8 + 5     /* DPL 3 */
        ret

/* IDT[ecx] = a 32-bit interrupt gate to eax in SEL_CODE0. */
set_gate:
        push %eax
        and $0xffff, %eax
        or $(SEL_CODE0 << 16), %eax
        mov %eax, (%edi,%ecx,8)
        pop %eax
        and $0xffff0000, %eax
        or $0x8e00, %eax
        mov %eax, 4(%edi,%ecx,8)
        ret

        .balign 16
exception_stubs:
        .set .Lvec, 0
        .rept 32
        .balign 16
        .if (.Lvec == 8) || (.Lvec >= 10 && .Lvec <= 14) || (.Lvec == 17) || (.Lvec == 21) || (.Lvec == 29) || (.Lvec == 30)
        .else
        push $0
        .endif
        push $.Lvec
        jmp exception_common
        .set .Lvec, .Lvec + 1
        .endr

exception_common:                       /* vector, error code, eip, cs, eflags */
        push %eax
        mov 4(%esp), %eax
        mov %eax, G(last_vector)
        mov 8(%esp), %eax
        mov %eax, G(last_error)
        mov G(probe_len), %eax
        test %eax, %eax
        jz unexpected_exception
        add %eax, 12(%esp)              /* resume after the probed instruction */
        movl $0, G(probe_len)
        pop %eax
        add $8, %esp
        iret
unexpected_exception:
        PUTS msg_unexpected
        mov G(last_vector), %eax
        call puthex
        call newline
        incl G(checks_failed)
        mov $SELFTEST_STACK_TOP, %esp
        jmp finish

irq_handler:
        incl G(irq_count)
        iret

finish:
        PUTS msg_done
        mov G(checks_passed), %eax
        call putdec
        PUTS msg_of
        mov $.Lnr_checks, %eax
        call putdec
        PUTS msg_checks
        mov $.Lnr_checks, %eax
        out %eax, $SELFTEST_RESULT_PORT
        mov G(checks_passed), %eax
        out %eax, $SELFTEST_RESULT_PORT
        mov G(checks_failed), %eax
        out %eax, $SELFTEST_RESULT_PORT
        PUTS msg_outside
        mov SELFTEST_OUTSIDE_GPA, %eax  /* the fatal path: no return */
        PUTS msg_survived
1:      cli
        hlt
        jmp 1b

/* Console helpers: every byte is one I/O exit. */
puts:                                   /* esi: string; returns esi past its NUL */
        push %eax
1:      lodsb
        test %al, %al
        jz 2f
        out %al, $SELFTEST_CONSOLE_PORT
        jmp 1b
2:      pop %eax
        ret

newline:
        push %eax
        mov $10, %al
        out %al, $SELFTEST_CONSOLE_PORT
        pop %eax
        ret

puthex:                                 /* eax, eight digits */
        pushal
        mov %eax, %edx
        mov $8, %ecx
1:      rol $4, %edx
        mov %edx, %eax
        and $0xf, %eax
        movb G(hexdigits)(%eax), %al
        out %al, $SELFTEST_CONSOLE_PORT
        loop 1b
        popal
        ret

putdec:                                 /* eax, unsigned */
        pushal
        mov $10, %ebx
        xor %ecx, %ecx
1:      xor %edx, %edx
        div %ebx
        push %edx
        inc %ecx
        test %eax, %eax
        jnz 1b
2:      pop %eax
        add $'0', %al
        out %al, $SELFTEST_CONSOLE_PORT
        loop 2b
        popal
        ret

check_failed:                           /* the message follows the call */
        pushal
        PUTS msg_fail
        mov 32(%esp), %esi
        call puts
        call newline
        mov %esi, 32(%esp)              /* return past the message */
        incl G(checks_failed)
        popal
        ret

#include "guest_bench.inc"

        .balign 8
gdt:    .quad 0
        .quad 0x00cf9b000000ffff        /* 0x08 ring 0 code */
        .quad 0x00cf93000000ffff        /* 0x10 ring 0 data */
        .quad 0x00cffb000000ffff        /* 0x18 ring 3 code */
        .quad 0x00cff3000000ffff        /* 0x20 ring 3 data */
        .long (SELFTEST_TSS_GPA << 16) | 0x67, 0x00008900   /* 0x28 TSS (below 64 KiB) */
gdt_end:
gdt_ptr:
        .word gdt_end - gdt - 1
        .long G(gdt)
idt_ptr:
        .word 256 * 8 - 1
        .long SELFTEST_IDT_GPA
null_idt_ptr:
        .word 0
        .long 0
        .balign 4
checks_passed: .long 0
checks_failed: .long 0
probe_len: .long 0
last_vector: .long 0
last_error: .long 0
irq_count: .long 0
saved_esp: .long 0
xen_version: .long 0
signature: .fill 16, 1, 0
hexdigits: .ascii "0123456789abcdef"
msg_hello: .asciz "hello from the VMX self-test guest: 32-bit protected mode, paging off\n"
msg_triple: .asciz "run 2: a triple fault comes next\n"
msg_signature: .asciz "cpuid: hypervisor signature "
msg_msr_gp: .asciz "msr: #GP injected for unlisted MSRs\n"
msg_io: .asciz "io: unknown ports read all-ones\n"
msg_mmio: .asciz "mmio: register reads back 0x"
msg_irq: .asciz "irq: held while IF=0, delivered after sti, woke hlt\n"
msg_vmcall: .asciz "vmcall: xen_version returned 0x"
msg_unexpected: .asciz "FAIL: unexpected exception, vector 0x"
msg_fail: .asciz "FAIL: "
msg_done: .asciz "done: "
msg_of: .asciz " of "
msg_checks: .asciz " checks passed\n"
msg_outside: .asciz "touching memory outside the container\n"
msg_survived: .asciz "FAIL: still running after the outside access\n"
        .globl hvm_selftest_guest_end
hvm_selftest_guest_end:
        .code64
