/* Per-CPU data, reached through the GS base so any code can find its own CPU. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H
#include <stdint.h>
#include <stddef.h>
#include <asm/desc.h>
#include <asm/traps.h>
#include <asm/percpu_offsets.h>
#include <asm/page.h>
#include <asm/smp.h>

struct vcpu;
struct cpu_call;

/* Each CPU's stack window: [guard][main stack][guard][#DF IST][guard][NMI IST][guard][#MC IST]. */
#define STACK_PAGES 4
#define STACK_WINDOW_PAGES 16

struct percpu {
    struct percpu *self;
    uint64_t syscall_scratch_rsp; /* the guest's rsp while the SYSCALL entry switches stacks */
    uint64_t syscall_stack_top;   /* = stack_top, at a fixed offset for entry.S */
    struct vcpu *current;         /* the vCPU running here, NULL when idle */
    /* This CPU's softirq mask and scheduler request flag, for the hypercall
     * fast path's return check in entry.S (set by syscall_init_cpu). */
    const volatile unsigned long *softirq_pending;
    const volatile bool *sched_requested;
    unsigned int cpu_id;
    uint32_t apic_id;
    uint64_t stack_bottom;        /* lowest mapped byte of the main stack */
    uint64_t stack_top;
    uint64_t ist_top[3];          /* #DF, NMI, #MC */
    volatile uint64_t timer_ticks;
    volatile int online;
    struct tss64 tss __attribute__((aligned(64)));
    uint64_t *gdt_reserved;       /* this CPU's reserved GDT page (direct map) */
    uint64_t gdt_base;            /* the CPU's GDT window */
    uint64_t gdt_frames[GDT_GUEST_PAGES]; /* what pages 0-13 map now (0: empty page) */
    uint64_t *multicall_args;     /* the args of the multicall entry running here, if any:
                                   * where hypercall_continue() puts its arguments */
    bool idle_started;
    struct cpu_call *call_pending; /* what another CPU asked of this one (asm/cpu_call.h) */
    /* The current vCPU runs in a VT-x container: guest addresses are its
     * virtual addresses under its own paging (copy_{from,to}_guest). */
    bool hvm_guest;
    struct vcpu *handoff;         /* a PV return path's pick for the idle loop to run */
};
_Static_assert(offsetof(struct percpu, syscall_scratch_rsp) == PERCPU_SYSCALL_SCRATCH, "entry.S");
_Static_assert(offsetof(struct percpu, syscall_stack_top) == PERCPU_SYSCALL_STACK_TOP, "entry.S");
_Static_assert(offsetof(struct percpu, self) == PERCPU_SELF, "entry.S");
_Static_assert(offsetof(struct percpu, current) == PERCPU_CURRENT, "entry.S");
_Static_assert(offsetof(struct percpu, softirq_pending) == PERCPU_SOFTIRQ_PENDING, "entry.S");
_Static_assert(offsetof(struct percpu, sched_requested) == PERCPU_SCHED_REQUESTED, "entry.S");

extern struct percpu *percpu_of[];

/* Where the hypervisor's own work starts on a CPU: below the guest trap frame. */
static inline uint64_t percpu_work_stack(const struct percpu *pc)
{
    return pc->stack_top - TRAP_FRAME_SIZE;
}

/*
 * The CPU we run on, found from the stack pointer: every CPU's stacks live in
 * its own window, so no segment base is needed. (A PV guest's GS base stays
 * loaded while the hypervisor runs.) Before the boot CPU moves onto its
 * window it runs on the boot stack, which is CPU 0's.
 */
static inline struct percpu *this_cpu(void)
{
    uint64_t rsp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
    uint64_t cpu = (rsp - STACKS_VIRT_START) / (STACK_WINDOW_PAGES * PAGE_SIZE);
    return cpu < NR_CPUS ? percpu_of[cpu] : percpu_of[0];
}

uint64_t stack_window_base(unsigned int cpu);
/* Map a CPU's stacks (with guard pages) and fill in its percpu fields. */
void percpu_init_stacks(struct percpu *pc);
/* Build and load this CPU's GDT window, TSS, IDT and SYSCALL MSRs. */
void percpu_load(struct percpu *pc);
/* Map the running guest's descriptor frames (mfns, 0 = empty) into pages 0-13. */
void gdt_map_guest_frames(struct percpu *pc, const uint64_t *mfns, unsigned int nr);
#endif
