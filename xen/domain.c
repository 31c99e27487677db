/*
 * Domain lifecycle: create, start, shut down (with its reason), crash, and
 * destroy, which returns every frame the domain owned to the allocator and, in
 * debug builds, checks that the count matches what it was given.
 */
#include <asm/percpu.h>
#include <xeno/errno.h>
#include <xeno/vsnprintf.h>
#include <asm/m2p.h>
#include <asm/shutdown.h>
#include <asm/smp.h>
#include <xeno/bitops.h>
#include <xeno/buddy.h>
#include <asm/time.h>
#include <public/io/console.h>
#include <xeno/console_input.h>
#include <hvm/domain.h>
#include <xeno/control_channels.h>
#include <xeno/domain.h>
#include <xeno/event.h>
#include <xeno/grant_domain.h>
#include <asm/processor.h>
#include <xeno/guest_time.h>
#include <xeno/page_ref.h>
#include <pv/mm.h>
#include <xeno/hypercall.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/sched.h>
#include <xeno/softirq.h>
#include <xeno/string.h>
#include <xeno/vcpu_dump.h>
#include <xeno/xmalloc.h>
#include <public/sched.h>
#include <public/xeno_domctl.h>
#include <public/event_channel.h>

struct domain *domain_list;
static uint16_t next_domid = 1;

/* How long a stopped domain waits for its console backend (console_drained). */
#define CONSOLE_DRAIN_NS 500000000UL

static const char *const shutdown_names[] = {
    [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
    [SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
    [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

struct domain *domain_by_id(uint16_t id)
{
    for (struct domain *d = domain_list; d; d = d->next)
        if (d->id == id)
            return d;
    return NULL;
}

unsigned int domains_alive(void)
{
    unsigned int n = 0;
    for (struct domain *d = domain_list; d; d = d->next)
        if (d->state != DOMAIN_DEAD)
            n++;
    return n;
}

struct domain *domain_create(const struct domain_config *cfg)
{
    struct domain *d = xzalloc(struct domain);
    const struct bvt_params params = {
        .weight = cfg->weight, .warp = cfg->warp_us * 1000,
        .warp_limit_ns = cfg->warp_limit_us * 1000, .unwarp_ns = cfg->unwarp_us * 1000,
    };
    uint64_t affinity;

    if (!d)
        return NULL;
    d->id = next_domid++;
    strlcpy(d->name, cfg->name, sizeof(d->name));
    d->type = cfg->type;
    d->privileged = cfg->privileged;
    d->state = DOMAIN_BUILDING;
    d->max_pages = cfg->memory_mib * (1024 * 1024 / PAGE_SIZE) + 16;
    page_list_init(&d->pages);
    /* Listed at once, so a domain that fails to build is destroyed like any other. */
    d->next = domain_list;
    domain_list = d;
    affinity = sched_domain_affinity(cfg->cpus);
    if (!affinity)
        affinity = sched_domain_affinity(0);    /* checked at boot already */
    for (unsigned int i = 0; i < cfg->vcpus; i++) {
        struct vcpu *v = xzalloc(struct vcpu);
        if (!v) {
            domain_destroy(d);
            return NULL;
        }
        v->id = i;
        v->domain = d;
        v->state = i == 0 ? VCPU_RUNNABLE : VCPU_DOWN;
        v->runstate.state = RUNSTATE_offline;
        sched_vcpu_init(v, &params, affinity);
        d->vcpus[d->nr_vcpus++] = v;
    }
    return d;
}

struct page_info *domain_alloc_frame(struct domain *d)
{
    struct page_info *pg;

    if (d->tot_pages >= d->max_pages)
        return NULL;
    pg = alloc_frames(0);
    if (!pg)
        return NULL;
    memset(page_to_virt(pg), 0, PAGE_SIZE);
    page_assign(pg, d->id);             /* owner, and the allocation reference */
    page_list_add_tail(pg, &d->pages);
    d->tot_pages++;
    return pg;
}

/* A frame of d's the hypervisor holds writable, every vcpu_info in it
 * masked, each vCPU's vcpu_info pointing into it. */
static int domain_setup_shared_info(struct domain *d)
{
    struct page_info *pg = domain_alloc_frame(d);
    if (!pg)
        return -ENOMEM;
    /* The hypervisor writes this page for as long as the domain lives: hold it
     * writable, so the guest can never make it a page table. */
    if (get_page_and_type(pg, d->id, PGT_writable_page))
        return -EINVAL;
    d->shared_info_mfn = page_to_mfn(pg);
    d->shared_info = page_to_virt(pg);
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
    d->shared_info->arch.max_pfn = d->nr_pfns;
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        d->vcpus[i]->vcpu_info = &d->shared_info->vcpu_info[i];
        d->vcpus[i]->vcpu_info_mfn = d->shared_info_mfn;
    }
    return 0;
}

int domain_populate(struct domain *d, unsigned long memory_mib, char *err, size_t err_len)
{
    d->nr_pfns = memory_mib * (MIB / PAGE_SIZE);
    d->p2m = xmalloc_array(uint64_t, d->nr_pfns);
    d->populated = xzalloc_array(unsigned long, DIV_ROUND_UP(d->nr_pfns, BITS_PER_LONG));
    if (!d->p2m || !d->populated) {
        snprintf(err, err_len, "out of memory for the p2m of %lu MiB", memory_mib);
        return -ENOMEM;
    }
    for (uint64_t pfn = 0; pfn < d->nr_pfns; pfn++) {
        struct page_info *pg = domain_alloc_frame(d);
        if (!pg) {
            snprintf(err, err_len, "not enough free memory for memory = %lu MiB", memory_mib);
            return -ENOMEM;
        }
        d->p2m[pfn] = page_to_mfn(pg);
        m2p_set(d->p2m[pfn], pfn);
        domain_set_pfn_populated(d, pfn, true);
        d->ram_pages++;
    }
    return 0;
}

int domain_setup_channels(struct domain *d, uint64_t store_mfn, uint64_t console_mfn,
                          char *err, size_t err_len)
{
    int rc = domain_setup_shared_info(d);

    if (!rc)
        rc = domain_event_init(d);
    if (rc) {
        snprintf(err, err_len, "out of memory for shared_info and event channels");
        return rc;
    }
    rc = control_channels_setup(d, store_mfn, console_mfn);
    if (rc)
        snprintf(err, err_len, "cannot connect its xenstore and console rings to the "
                 "control domain (%d)", rc);
    return rc;
}

int domain_frame_to_mfn(const struct domain *d, uint64_t frame, uint64_t *mfn)
{
    if (domain_is_hvm(d))
        return hvm_gfn_to_mfn(d, frame, mfn);
    *mfn = frame;
    return 0;
}

size_t domain_xen_memory(const struct domain *d, size_t *pfn_map)
{
    size_t bytes = xmalloc_footprint(d) + xmalloc_footprint(d->evtchn_ports) +
                   grant_domain_xen_memory(d);

    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        const struct vcpu *v = d->vcpus[i];

        bytes += xmalloc_footprint(v);
        for (unsigned int f = 0; f < GDT_GUEST_PAGES; f++)
            bytes += v->pv.gdt_shadow_mfns[f] ? PAGE_SIZE : 0;
    }
    *pfn_map = xmalloc_footprint(d->populated) + xmalloc_footprint(d->p2m);
    return bytes + *pfn_map;
}

bool domain_pfn_populated(const struct domain *d, uint64_t pfn)
{
    return pfn < d->nr_pfns && d->populated &&
           (d->populated[pfn / BITS_PER_LONG] >> (pfn % BITS_PER_LONG) & 1);
}

void domain_set_pfn_populated(struct domain *d, uint64_t pfn, bool populated)
{
    unsigned long bit = 1UL << (pfn % BITS_PER_LONG);

    if (pfn >= d->nr_pfns || !d->populated)
        return;
    if (populated)
        d->populated[pfn / BITS_PER_LONG] |= bit;
    else
        d->populated[pfn / BITS_PER_LONG] &= ~bit;
}

static void report_xen_memory(const struct domain *d, const char *when)
{
    size_t pfn_map, bytes = domain_xen_memory(d, &pfn_map);

    printk("domain: d%u hypervisor memory %lu KiB %s, pfn map %lu KiB of it\n", d->id,
           (unsigned long)DIV_ROUND_UP(bytes, 1024), when,
           (unsigned long)DIV_ROUND_UP(pfn_map, 1024));
}

void domain_report_xen_memory(const struct domain *d)
{
    report_xen_memory(d, "at creation");
}

bool page_is_xen_held(const struct domain *d, uint64_t mfn)
{
    if (mfn == d->shared_info_mfn || grant_frame_held(d, mfn))
        return true;
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i]->vcpu_info_mfn == mfn)
            return true;
    return false;
}

bool domain_owns_mfn(const struct domain *d, uint64_t mfn)
{
    return mfn_valid(mfn) && mfn_to_page(mfn)->owner == d->id &&
           page_state(mfn_to_page(mfn)) == PGC_state_inuse;
}

/* VIRQ_DOM_EXC to every privileged domain but about: a domain was created
 * or has ended (it then queries with domctl). */
static void tell_control_domains(const struct domain *about)
{
    for (struct domain *c = domain_list; c; c = c->next)
        if (c->privileged && c != about && c->state == DOMAIN_ACTIVE && c->evtchn_ports)
            evtchn_send_virq(&c->evtchn, 0, VIRQ_DOM_EXC);
}

void domain_start(struct domain *d)
{
    d->state = DOMAIN_ACTIVE;
    sched_wake(d->vcpus[0]);
    tell_control_domains(d);
    console_input_domain_started(d);
}

void domain_pause(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        d->vcpus[i]->pause_count++;
        sched_update(d->vcpus[i]);
    }
}

bool domain_is_paused(const struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i]->pause_count)
            return true;
    return false;
}

void domain_pause_quiet(struct domain *d)
{
    unsigned int me = smp_processor_id();

    domain_pause(d);
    d->quiesced = true;
    /* Its vCPUs on other CPUs leave them at their next decision (the pause
     * kicks them); one that is this CPU's current vCPU is not running guest
     * code while we are here. */
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        while (__atomic_load_n(&v->on_cpu, __ATOMIC_ACQUIRE) && v->processor != me)
            cpu_relax();
    }
}

void domain_unpause(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        if (v->pause_count && --v->pause_count == 0)
            sched_update(v);    /* runs again only if it is not blocked */
    }
}

void domain_shutdown(struct domain *d, uint32_t reason)
{
    if (d->state != DOMAIN_ACTIVE)
        return;
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_reason = reason;
    d->shutdown_ns = now_ns();
    if (reason == SHUTDOWN_crash) {
        /* The vCPU running here crashed it (a fault, or its own SCHEDOP_shutdown);
         * its report waits until its registers are saved (domain_reap). */
        struct vcpu *v = current_vcpu();
        d->crash.vcpu = v && v->domain == d ? (int)v->id : -1;
    }
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        sched_update(d->vcpus[i]);
    printk("domain: d%u '%s' shut down: %s\n", d->id, d->name,
           reason <= SHUTDOWN_MAX ? shutdown_names[reason]
           : reason == XENO_SHUTDOWN_destroyed ? "destroyed by the control domain" : "unknown");
    cpu_raise_softirq(SERVICE_CPU, DOMAIN_REAP_SOFTIRQ);   /* which destroys it */
    tell_control_domains(d);
}

void domain_crash(struct domain *d, const char *why)
{
    struct vcpu *v = current_vcpu();

    printk("domain: d%u '%s' crashed: %s\n", d->id, d->name, why);
    if (d->state == DOMAIN_ACTIVE)
        strlcpy(d->crash.why, why, sizeof(d->crash.why));
    /* A container's vCPU: hvm_crash has just printed its whole state. */
    if (v && v->domain == d && !v->hvm) {
        /* While it runs, its registers are in this CPU's trap frame. */
        const struct cpu_regs *r = v->on_cpu ? guest_regs() : &v->pv.regs;
        printk("domain: d%u vcpu%u rip=%016lx rsp=%016lx rflags=%016lx cs=%04lx %s mode\n",
               d->id, v->id, r->rip, r->rsp, r->rflags, r->cs,
               v->pv.kernel_mode ? "kernel" : "user");
    }
    domain_shutdown(d, SHUTDOWN_crash);
}

void domain_destroy(struct domain *d)
{
    unsigned long owned = d->tot_pages + d->released_pages, released;
    unsigned long flags;

    if (d->state != DOMAIN_BUILDING)
        report_xen_memory(d, "at its end");
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        guest_timers_stop(d->vcpus[i]);
    domain_event_destroy(d);        /* before shared_info, whose bits it clears */
    /* Mappers of its grants lose those mappings below: none of them may be
     * running elsewhere meanwhile, with the entries still in a TLB. */
    for (struct domain *m = domain_list; m; m = m->next)
        if (m != d && grant_domain_maps_any(m))
            domain_pause_quiet(m);
    flags = pv_mm_lock();
    grant_domain_destroy(d);        /* before its frames go: it lets go of others' */
    pv_mm_unlock(flags);
    write_cr3(read_cr3());          /* a mapper may be this CPU's current domain */
    for (struct domain *m = domain_list; m; m = m->next)
        if (m->quiesced) {
            m->quiesced = false;
            domain_unpause(m);
        }
    hvm_domain_destroy(d);          /* its EPT and VMCSs, before the frames they map */
    flags = pv_mm_lock();

    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpus[i];
        BUG_ON(!sched_vcpu_try_remove(v));
        for (unsigned int f = 0; f < GDT_GUEST_PAGES; f++)
            if (v->pv.gdt_shadow_mfns[f])
                free_frames(mfn_to_page(v->pv.gdt_shadow_mfns[f]), 0);
        if (v->vcpu_info_mfn && v->vcpu_info_mfn != d->shared_info_mfn)
            put_page_and_type(mfn_to_page(v->vcpu_info_mfn));
    }
    if (d->shared_info_mfn)
        put_page_and_type(mfn_to_page(d->shared_info_mfn));
    released = pv_mm_release_domain(d);
    pv_mm_unlock(flags);
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        d->stats.run_ns += d->vcpus[i]->sched.run_ns;
        xfree(d->vcpus[i]);
        d->vcpus[i] = NULL;
    }
    /* Every frame must have come back: anything still referenced leaked. */
    if (XENO_DEBUG && (released != owned || d->tot_pages != 0))
        panic("domain d%u: %lu frames owned but %lu released (%lu pages still counted)",
              d->id, owned, released, d->tot_pages);
    xfree(d->p2m);
    d->p2m = NULL;
    xfree(d->populated);
    d->populated = NULL;
    d->tot_pages = 0;
    d->state = DOMAIN_DEAD;
    printk("domain: d%u destroyed, %lu frames released\n", d->id, released);
    printk("domain: d%u stats: %lu hypercalls, %lu continuations, %lu page-table updates, "
           "%lu emulated page-table writes, %lu TLB flushes, %lu switches in, %lu moves, CPUs %#lx, "
           "ran %lu us, %lu fast bounces, %lu fast irets, %lu fast iret sysrets\n", d->id,
           (unsigned long)d->stats.hypercalls, (unsigned long)d->stats.continuations,
           (unsigned long)d->stats.pt_updates, (unsigned long)d->stats.emulated_pt_writes,
           (unsigned long)d->stats.tlb_flushes, (unsigned long)d->stats.switches_in,
           (unsigned long)d->stats.cpu_moves, (unsigned long)d->stats.cpus_used, (unsigned long)(d->stats.run_ns / 1000),
           (unsigned long)d->stats.fast_bounces, (unsigned long)d->stats.fast_irets,
           (unsigned long)d->stats.fast_iret_sysrets);
}

/*
 * A stopped domain whose console backend has not yet taken all of its
 * console output waits for it, a bounded time: its last words (a panic
 * message) would die with it. The backend drains it when it hears of the
 * end through VIRQ_DOM_EXC.
 */
static bool console_drained(const struct domain *d)
{
    const struct domain *backend = domain_by_id(d->rings.backend);
    const struct xencons_interface *r;

    if (!d->rings.console_port || !backend || backend->state != DOMAIN_ACTIVE ||
        now_ns() - d->shutdown_ns > CONSOLE_DRAIN_NS)
        return true;
    r = mfn_to_virt(d->rings.console_mfn);
    return __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED) ==
           __atomic_load_n(&r->out_prod, __ATOMIC_RELAXED);
}

/*
 * DOMAIN_REAP_SOFTIRQ, on the service CPU only (so that no guest timer
 * callback, which run there, races it): destroy one domain that has stopped
 * and no longer runs anywhere (a CPU leaves a vCPU's page tables before it
 * lets the vCPU go: pv_vcpu_save), and ask again for the next, so timers get
 * their turn between destructions. When the last domain is gone the run is
 * over. The housekeeping tick asks too, for domains whose vCPUs were still
 * leaving their CPUs.
 */
static void domain_reap(void)
{
    bool destroyed = false;

    for (struct domain *d = domain_list; d && !destroyed; d = d->next) {
        bool gone = true;
        if (d->state != DOMAIN_SHUTDOWN || !console_drained(d))
            continue;
        for (unsigned int i = 0; i < d->nr_vcpus; i++)
            gone &= sched_vcpu_try_remove(d->vcpus[i]);
        if (gone) {
            /* Every register saved, its memory still there: the time to report. */
            if (d->shutdown_reason == SHUTDOWN_crash)
                vcpu_dump_crash_report(d);
            domain_destroy(d);
            destroyed = true;
        }
    }
    if (destroyed && domains_alive() == 0) {
        printk("xeno: all domains have ended\n");
        machine_exit(XENO_PASS, NULL);
    }
    if (destroyed)
        raise_softirq(DOMAIN_REAP_SOFTIRQ);
}

void domain_init(void)
{
    open_softirq(DOMAIN_REAP_SOFTIRQ, domain_reap);
}

void vcpu_load_begin(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id();

    /* The scheduler may let it go on one CPU just before another picks it:
     * its registers are not ours until that CPU has saved them. */
    while (__atomic_load_n(&v->on_cpu, __ATOMIC_ACQUIRE))
        cpu_relax();
    if (v->processor != cpu)
        __atomic_fetch_add(&v->domain->stats.cpu_moves, 1, __ATOMIC_RELAXED);
    v->processor = cpu;
    __atomic_fetch_or(&v->domain->stats.cpus_used, 1ULL << cpu, __ATOMIC_RELAXED);
    __atomic_fetch_add(&v->domain->stats.switches_in, 1, __ATOMIC_RELAXED);
}
