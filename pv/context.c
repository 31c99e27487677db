/*
 * Switching a CPU between PV vCPUs. The vCPU on a CPU keeps its registers in
 * that CPU's trap frame (top of its stack); switching copies the frame out to
 * the old vCPU and in from the new one, and swaps what the frame does not
 * hold: page-table base, GDT frames, segment selectors and bases, FPU state.
 */
#include <asm/desc.h>
#include <asm/guest_access.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/guest_time.h>
#include <xeno/sched.h>
#include <xeno/lib.h>
#include <asm/time.h>

#define CR0_TS (1UL << 3)

static inline uint16_t read_sel_ds(void) { uint16_t s; __asm__ volatile("mov %%ds, %0" : "=r"(s)); return s; }
static inline uint16_t read_sel_es(void) { uint16_t s; __asm__ volatile("mov %%es, %0" : "=r"(s)); return s; }
static inline uint16_t read_sel_fs(void) { uint16_t s; __asm__ volatile("mov %%fs, %0" : "=r"(s)); return s; }
static inline uint16_t read_sel_gs(void) { uint16_t s; __asm__ volatile("mov %%gs, %0" : "=r"(s)); return s; }


/* Load one data selector the guest chose; a faulting load (the guest changed its
 * GDT since) falls back to the null selector and reports it. */
#define LOAD_SELECTOR(seg)                                                     \
    static bool load_##seg(uint16_t sel)                                       \
    {                                                                          \
        bool ok = true;                                                        \
        __asm__ volatile("1: mov %w1, %%" #seg "\n"                             \
                         "2:\n"                                                \
                         ".section .ex_table, \"a\"\n .quad 1b, 3f\n .previous\n"  \
                         ".section .text.fixup, \"ax\"\n"                       \
                         "3: xor %%eax, %%eax\n mov %%eax, %%" #seg "\n"        \
                         " movb $0, %0\n jmp 2b\n"                              \
                         ".previous"                                           \
                         : "+m"(ok) : "r"((uint32_t)sel) : "rax", "memory");  \
        return ok;                                                             \
    }
LOAD_SELECTOR(ds)
LOAD_SELECTOR(es)
LOAD_SELECTOR(fs)
LOAD_SELECTOR(gs)

/* Returns false if any selector could not be loaded (then it is null). */
static bool load_data_selectors(const struct pv_vcpu *pv)
{
    bool ok = load_ds(pv->ds);
    ok &= load_es(pv->es);
    ok &= load_fs(pv->fs);
    ok &= load_gs(pv->gs);
    return ok;
}

/* The new runstate, also written to the guest's registered area (Linux's
 * steal-time accounting reads it), with the vCPU's page tables loaded. */
static void update_runstate(struct vcpu *v, int state)
{
    const struct pv_vcpu *pv = &v->pv;

    vcpu_runstate_change(v, state);
    if (!v->runstate_guest_va)
        return;
    /* The area is a kernel address, which user page tables need not map. */
    if (!pv->kernel_mode)
        write_cr3(pv->kernel_l4_mfn << PAGE_SHIFT);
    /* A bad address (checked at registration, unmapped since) is the guest's loss. */
    (void)copy_to_guest(v->runstate_guest_va, &v->runstate, sizeof(v->runstate));
    if (!pv->kernel_mode)
        write_cr3(pv->user_l4_mfn << PAGE_SHIFT);
}

static void write_dr(unsigned int n, uint64_t v)
{
    switch (n) {
    case 0: __asm__ volatile("mov %0, %%db0" :: "r"(v)); break;
    case 1: __asm__ volatile("mov %0, %%db1" :: "r"(v)); break;
    case 2: __asm__ volatile("mov %0, %%db2" :: "r"(v)); break;
    case 3: __asm__ volatile("mov %0, %%db3" :: "r"(v)); break;
    case 7: __asm__ volatile("mov %0, %%db7" :: "r"(v)); break;
    }
}

/* The guest's breakpoints go live while it runs; DR7 = 0 disarms them whenever
 * the CPU leaves it (set_debugreg validated every address and DR7 bit). */
static void load_debugregs(const struct pv_vcpu *pv);

void pv_load_debugregs(struct vcpu *v)
{
    load_debugregs(&v->pv);
}

static void load_debugregs(const struct pv_vcpu *pv)
{
    write_dr(7, 0);
    if (!(pv->debugreg[7] & 0xff))
        return;
    for (unsigned int i = 0; i < 4; i++)
        write_dr(i, pv->debugreg[i]);
    write_dr(7, pv->debugreg[7]);
}

void pv_vcpu_save(struct vcpu *v, const struct cpu_regs *frame)
{
    struct pv_vcpu *pv = &v->pv;

    pv->regs = *frame;
    pv->ds = read_sel_ds();
    pv->es = read_sel_es();
    pv->fs = read_sel_fs();
    pv->gs = read_sel_gs();
    pv->fs_base = rdmsr(MSR_FS_BASE);
    if (pv->kernel_mode)
        pv->gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        pv->gs_base_user = rdmsr(MSR_GS_BASE);
    clts();
    __asm__ volatile("fxsave64 %0" : "=m"(pv->fpu_state));
    pv->fpu_saved = true;
    write_dr(7, 0);
    /* Under the scheduler's lock of the vCPU, so a sleep on another CPU
     * either sees it still here (and this records the new state) or sees it
     * gone (and records it itself). */
    unsigned long flags = spin_lock_irqsave(&v->sched_lock);
    update_runstate(v, v->state == VCPU_RUNNABLE ? RUNSTATE_runnable
                       : v->state == VCPU_BLOCKED ? RUNSTATE_blocked : RUNSTATE_offline);
    /* Off the domain's page tables before it is let go: from the moment
     * on_cpu is clear another CPU may run the vCPU, or the domain may be
     * destroyed and its tables freed. */
    write_cr3(idle_pg_table_maddr);
    __atomic_fetch_and(&v->domain->dirty_cpus, ~(1ULL << this_cpu()->cpu_id), __ATOMIC_SEQ_CST);
    this_cpu()->current = NULL;
    __atomic_store_n(&v->on_cpu, false, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&v->sched_lock, flags);
}

void pv_vcpu_load(struct vcpu *v, struct cpu_regs *frame)
{
    struct pv_vcpu *pv = &v->pv;
    struct percpu *pc = this_cpu();

    vcpu_load_begin(v);
    *frame = pv->regs;
    /* Marked before its tables are loaded: a flush that misses the mark
     * finds them reloaded after its page-table change anyway. */
    __atomic_fetch_or(&v->domain->dirty_cpus, 1ULL << pc->cpu_id, __ATOMIC_SEQ_CST);
    write_cr3((pv->kernel_mode ? pv->kernel_l4_mfn : pv->user_l4_mfn) << PAGE_SHIFT);
    gdt_map_guest_frames(pc, pv->gdt_shadow_mfns, pv->gdt_frames);
    bool selectors_ok = load_data_selectors(pv);
    wrmsr(MSR_FS_BASE, pv->fs_base);
    wrmsr(MSR_GS_BASE, pv->kernel_mode ? pv->gs_base_kernel : pv->gs_base_user);
    clts();
    if (pv->fpu_saved)
        __asm__ volatile("fxrstor64 %0" :: "m"(pv->fpu_state));
    else
        __asm__ volatile("fninit");
    if (pv->fpu_ts)
        stts();
    load_debugregs(pv);
    guest_time_update(v);
    update_runstate(v, RUNSTATE_running);
    v->on_cpu = true;
    pc->current = v;
    if (!selectors_ok)
        pv_failsafe_bounce(v, frame);
}

/* entry_syscall.S's fast paths do the same (toggle_mode): keep them in step. */
void pv_toggle_mode(struct vcpu *v)
{
    struct pv_vcpu *pv = &v->pv;

    if (pv->kernel_mode)
        pv->gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        pv->gs_base_user = rdmsr(MSR_GS_BASE);
    pv->kernel_mode = !pv->kernel_mode;
    write_cr3((pv->kernel_mode ? pv->kernel_l4_mfn : pv->user_l4_mfn) << PAGE_SHIFT);
    wrmsr(MSR_GS_BASE, pv->kernel_mode ? pv->gs_base_kernel : pv->gs_base_user);
}

extern _Noreturn void return_to_guest_frame(struct cpu_regs *frame);

_Noreturn void pv_enter_from_idle(struct vcpu *v)
{
    struct cpu_regs *frame = (struct cpu_regs *)(this_cpu()->stack_top - sizeof(*frame));

    local_irq_disable();
    pv_vcpu_load(v, frame);
    pv_deliver_pending_upcall(v, frame);
    return_to_guest_frame(frame);
}
