/*
 * What the VMX self-test and its guest (guest.S) agree on: the guest-physical
 * layout, the ports and MMIO page the self-test defines, and how many exits of
 * each kind the guest's code makes. Usable from assembly.
 */
#ifndef HVM_SELFTEST_H
#define HVM_SELFTEST_H

/* Guest-physical layout: 4 MiB in two 2 MiB blocks (EPT 2 MiB pages), then
 * 64 KiB mapped with 4 KiB pages for the stacks. */
#define SELFTEST_LOAD_GPA 0x100000
#define SELFTEST_IDT_GPA 0x2000
#define SELFTEST_TSS_GPA 0x3000
#define SELFTEST_SMALL_GPA 0x400000
#define SELFTEST_SMALL_ORDER 4
#define SELFTEST_RING3_STACK_TOP 0x404000
#define SELFTEST_RING0_STACK_TOP 0x408000   /* TSS esp0: entries from ring 3 */
#define SELFTEST_STACK_TOP 0x410000
#define SELFTEST_MMIO_GPA 0xc0000000        /* the emulated register page */
#define SELFTEST_OUTSIDE_GPA 0x80000000     /* nothing there: the fatal path */

/* Ports. */
#define SELFTEST_CONSOLE_PORT 0xe9          /* each byte written: the (vmx) console */
#define SELFTEST_RESULT_PORT 0xea           /* 32-bit writes: checks, passed, failed */
#define SELFTEST_IRQ_PORT 0xeb              /* byte write: raise that interrupt vector */
#define SELFTEST_UNKNOWN_PORT 0xe7          /* nothing there: reads all-ones */
#define SELFTEST_UNKNOWN_PORT_DX 0x5555

/* The MMIO page: a 32-bit scratch register at 0 (byte-addressable), a
 * read-only ID at 4; other offsets read all-ones and ignore writes. */
#define SELFTEST_MMIO_ID 0x584e4f56         /* "VONX" */
#define SELFTEST_MMIO_FINAL 0x12349aef      /* the scratch register at the end */

/* Run flags, in EBX at entry (run 3, a failed VM entry, never runs the guest). */
#define SELFTEST_RUN_NORMAL 1
#define SELFTEST_RUN_TRIPLE_FAULT 2
#define SELFTEST_RUN_BENCH 4

#define SELFTEST_WAKE_VECTOR 0x30
#define SELFTEST_HC_XEN_VERSION 17          /* __HYPERVISOR_xen_version */
#define SELFTEST_SPIN_LOOPS 300000

/* Exits the normal run makes, counted from guest.S (exact where the code
 * alone decides them). */
#define SELFTEST_CPUID_EXITS 3
#define SELFTEST_RDMSR_EXITS 9              /* + 2 reads the MSR bitmap passes through */
#define SELFTEST_WRMSR_EXITS 4              /* + 1 write passed through */
#define SELFTEST_CR_EXITS 3
#define SELFTEST_HYPERCALL_EXITS 3
#define SELFTEST_HLT_EXITS 1
#define SELFTEST_NPF_EXITS 11               /* 10 MMIO accesses + the outside access */
#define SELFTEST_GP_INJECTED 5              /* 4 MSR accesses + CR4.VMXE */

/* The bench run (`vmx_selftest=bench`, bench.c, guest_bench.inc): the guest
 * times loops of each exit against twins without the exiting instruction and
 * tells the self-test on this port, in 32-bit writes of (command << 8) | id:
 * BEGIN before a measurement's batches, END after them (the batches' TSC
 * cycles are then at SELFTEST_BENCH_RESULTS_GPA: per batch, the warm-up
 * first, the loop's and its twin's as two 32-bit values), DONE at the end. */
#define SELFTEST_BENCH_PORT 0xec
#define SELFTEST_BENCH_BEGIN 1
#define SELFTEST_BENCH_END 2
#define SELFTEST_BENCH_DONE 3
#define SELFTEST_BENCH_RESULTS_GPA 0x4000
#define SELFTEST_BENCH_ITERATIONS 500
#define SELFTEST_BENCH_BATCHES 9            /* after one warm-up batch */

/* The measurements, in the order the guest makes them. */
#define SELFTEST_BENCH_NOP 0                /* a nop: TSC ticks per instruction */
#define SELFTEST_BENCH_VMCALL 1             /* xen_version(XENVER_version) */
#define SELFTEST_BENCH_CPUID 2              /* leaf 1 */
#define SELFTEST_BENCH_IO_IN 3              /* in al from SELFTEST_UNKNOWN_PORT */
#define SELFTEST_BENCH_MMIO_READ 4          /* mov from the ID register */
#define SELFTEST_BENCH_IRQ_INJECT 5         /* raise an interrupt with IF=1 */
#define SELFTEST_BENCH_IRQ_WINDOW 6         /* raise it with IF=0, then sti */
#define SELFTEST_BENCH_HLT_WAKE 7           /* sti; hlt, woken by the self-test */
#define SELFTEST_BENCH_NR 8
#endif
