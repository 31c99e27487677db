/*
 * What a PV vCPU was doing: its registers, the top of its guest stack and a
 * call-trace guess, for the crash report of a domain (xen/domain.c) and the
 * `d` debug key (xen/keyhandler.c). Lines start with a caller's prefix and
 * `dN vcpuM `, so tools/xeno can find the guest addresses in them and name
 * them from the guest kernel's System.map (tools/xenolib/guest_symbols.py).
 *
 * The guest's memory is read the way the hypervisor's own hypercalls would
 * see it, but without needing its page tables loaded on this CPU: a walk of
 * the L4 the vCPU runs on, under the memory lock, through tables the domain
 * owns and the hypervisor has validated (pv_find_l1), to a frame the domain
 * owns, copied from the direct map with the fault-recovering copy. Nothing a
 * guest put in its stack or tables can make this fault, loop or read memory
 * that is not the guest's: every word read is bounded by STACK_SCAN_WORDS.
 */
#include <asm/guest_access.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <pv/mm.h>
#include <hvm/domain.h>
#include <xeno/domain.h>
#include <xeno/printk.h>
#include <xeno/spinlock.h>
#include <xeno/vcpu_dump.h>
#include <xeno/vsnprintf.h>

#define STACK_PRINT_WORDS 32        /* the top of the stack, printed in full */
#define STACK_SCAN_WORDS 512        /* 4 KiB searched for the call-trace guess */
#define TRACE_MAX 24                /* call-trace guess entries printed at most */
#define WORDS_PER_LINE 4

static const char *const vcpu_states[] = {
    [VCPU_RUNNABLE] = "runnable", [VCPU_BLOCKED] = "blocked", [VCPU_DOWN] = "down",
};

/* One dump at a time: they share the buffer below, and their lines must not
 * interleave. (Both callers run on the service CPU today.) */
static DEFINE_SPINLOCK(dump_lock);
static uint64_t stack_words[STACK_SCAN_WORDS];

/*
 * Copy up to n words of v's guest memory from va (8-aligned) on, through the
 * page tables v runs on now (kernel or user). Returns how many were read: it
 * stops at the first word that cannot be, with *why saying why.
 */
static size_t read_guest_words(const struct vcpu *v, uint64_t va, uint64_t *buf, size_t n,
                               const char **why)
{
    const struct domain *d = v->domain;
    unsigned long flags = pv_mm_lock();
    /* Read under the lock: a base pointer changes only while it is held. */
    uint64_t l4 = v->pv.kernel_mode ? v->pv.kernel_l4_mfn : v->pv.user_l4_mfn;
    size_t done = 0;

    *why = NULL;
    while (done < n) {
        uint64_t at = va + done * 8, l1_mfn, pte, mfn;
        size_t offset = at & (PAGE_SIZE - 1), take;

        /* Also refuses non-canonical addresses and wrapping at the top. */
        if (!guest_range_ok(at, 8)) {
            *why = "not a guest address";
            break;
        }
        if (!l4) {
            *why = "no page tables";
            break;
        }
        if (pv_find_l1(d, l4, at, &l1_mfn)) {
            *why = "not mapped by its page tables";
            break;
        }
        pte = ((const uint64_t *)mfn_to_virt(l1_mfn))[(at >> PAGE_SHIFT) & 511];
        mfn = (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
        if (!(pte & PTE_P)) {
            *why = "not present";
            break;
        }
        /* A foreign (granted) frame is not this report's to read. */
        if (!domain_owns_mfn(d, mfn)) {
            *why = "not the domain's own memory";
            break;
        }
        take = (PAGE_SIZE - offset) / 8;
        if (take > n - done)
            take = n - done;
        /* The direct map covers every RAM frame; the fixup is belt and braces. */
        if (raw_copy_guest(buf + done, (const uint8_t *)mfn_to_virt(mfn) + offset, take * 8)) {
            *why = "the read faulted";
            break;
        }
        done += take;
    }
    pv_mm_unlock(flags);
    return done;
}

/* Inside one of the guest kernel's executable segments (from its ELF)? */
static bool in_guest_text(const struct domain *d, uint64_t a)
{
    for (unsigned int i = 0; i < d->nr_guest_text; i++)
        if (a >= d->guest_text[i].start && a < d->guest_text[i].end)
            return true;
    return false;
}

static void print_stack(const struct vcpu *v, const char *p, uint64_t rsp)
{
    const struct domain *d = v->domain;
    uint64_t base = rsp & ~7UL;     /* a misaligned rsp is the guest's affair */
    const char *why;
    size_t got = read_guest_words(v, base, stack_words, STACK_SCAN_WORDS, &why);
    size_t shown = got < STACK_PRINT_WORDS ? got : STACK_PRINT_WORDS;
    unsigned int traced = 0;

    if (got == 0) {
        printk("%sd%u vcpu%u stack at %016lx unreadable: %s\n", p, d->id, v->id, base, why);
        return;
    }
    printk("%sd%u vcpu%u stack at %016lx (%lu words):\n", p, d->id, v->id, base,
           (unsigned long)shown);
    for (size_t i = 0; i < shown; i += WORDS_PER_LINE) {
        char line[WORDS_PER_LINE * 17 + 1];
        size_t len = 0;

        for (size_t j = i; j < shown && j < i + WORDS_PER_LINE; j++)
            len += snprintf(line + len, sizeof(line) - len, " %016lx", stack_words[j]);
        printk("%sd%u vcpu%u   %016lx:%s\n", p, d->id, v->id, base + i * 8, line);
    }
    if (shown < STACK_PRINT_WORDS)
        printk("%sd%u vcpu%u stack unreadable from %016lx: %s\n", p, d->id, v->id,
               base + got * 8, why);

    /* Return addresses sit on the stack among everything else: any word inside
     * the kernel's text may be one (Linux's oops does the same with '?'). */
    printk("%sd%u vcpu%u call trace guess (stack words in the kernel's text):\n", p, d->id,
           v->id);
    for (size_t i = 0; i < got && traced < TRACE_MAX; i++) {
        if (!in_guest_text(d, stack_words[i]))
            continue;
        printk("%sd%u vcpu%u   [%016lx] %016lx\n", p, d->id, v->id, base + i * 8,
               stack_words[i]);
        traced++;
    }
    if (!traced)
        printk("%sd%u vcpu%u   none in %lu words\n", p, d->id, v->id, (unsigned long)got);
}

void vcpu_dump(const struct vcpu *v, const char *p, const char *note)
{
    const struct domain *d = v->domain;
    const struct cpu_regs *r = &v->pv.regs;
    const struct pv_vcpu *pv = &v->pv;
    uint64_t l4 = pv->kernel_mode ? pv->kernel_l4_mfn : pv->user_l4_mfn;
    unsigned int id = v->id, dom = d->id;

    spin_lock(&dump_lock);
    if (v->hvm) {
        printk("%sd%u vcpu%u %s%s%s on cpu%u%s%s\n", p, dom, id, vcpu_states[v->state],
               v->initialised ? "" : " (never given a context)",
               v->pause_count ? ", paused" : "", v->processor, note ? ", " : "",
               note ? note : "");
        hvm_domain_vcpu_dump(v, p);
        spin_unlock(&dump_lock);
        return;
    }
    printk("%sd%u vcpu%u %s%s%s on cpu%u, %s mode%s%s\n", p, dom, id, vcpu_states[v->state],
           v->initialised ? "" : " (never given a context)",
           v->pause_count ? ", paused" : "", v->processor,
           pv->kernel_mode ? "kernel" : "user", note ? ", " : "", note ? note : "");
    printk("%sd%u vcpu%u rip=%016lx rsp=%016lx rflags=%016lx\n", p, dom, id,
           r->rip, r->rsp, r->rflags);
    printk("%sd%u vcpu%u cs=%04lx ss=%04lx ds=%04x es=%04x fs=%04x gs=%04x\n", p, dom, id,
           r->cs, r->ss, pv->ds, pv->es, pv->fs, pv->gs);
    printk("%sd%u vcpu%u rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n", p, dom, id,
           r->rax, r->rbx, r->rcx, r->rdx);
    printk("%sd%u vcpu%u rsi=%016lx rdi=%016lx rbp=%016lx r8=%016lx\n", p, dom, id,
           r->rsi, r->rdi, r->rbp, r->r8);
    printk("%sd%u vcpu%u r9=%016lx r10=%016lx r11=%016lx r12=%016lx\n", p, dom, id,
           r->r9, r->r10, r->r11, r->r12);
    printk("%sd%u vcpu%u r13=%016lx r14=%016lx r15=%016lx\n", p, dom, id,
           r->r13, r->r14, r->r15);
    /* cr2: the last page fault delivered to it; cr3: the L4 it runs on, as a
     * machine address, which is what a PV guest reads from CR3. */
    printk("%sd%u vcpu%u cr2=%016lx cr3=%016lx fs_base=%016lx gs_base=%016lx\n", p, dom, id,
           v->vcpu_info ? v->vcpu_info->arch.cr2 : 0, l4 << PAGE_SHIFT, pv->fs_base,
           pv->kernel_mode ? pv->gs_base_kernel : pv->gs_base_user);
    print_stack(v, p, r->rsp);
    spin_unlock(&dump_lock);
}

void vcpu_dump_crash_report(const struct domain *d)
{
    const char *why = d->crash.why[0] ? d->crash.why
                      : "the guest shut itself down with reason crash";

    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        const struct vcpu *v = d->vcpus[i];

        if (d->crash.vcpu >= 0 && (unsigned int)d->crash.vcpu != v->id)
            continue;
        printk("domain: d%u vcpu%u crash report: %s\n", d->id, v->id, why);
        vcpu_dump(v, "domain: ", d->crash.vcpu >= 0 ? "the vCPU that crashed"
                                                     : "its domain crashed");
    }
}
