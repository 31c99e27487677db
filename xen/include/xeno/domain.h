/* Domains and vCPUs: what they own and where they are in their lifecycle. */
#ifndef XENO_DOMAIN_H
#define XENO_DOMAIN_H
#include <stdbool.h>
#include <stdint.h>
#include <public/xen.h>
#include <public/vcpu.h>
#include <pv/vcpu.h>
#include <xeno/domain_config.h>
#include <xeno/evtchn.h>
#include <xeno/mm.h>
#include <xeno/sched_if.h>
#include <xeno/timer.h>
#include <asm/percpu.h>

#define MAX_DOMAINS 128
#define MAX_VCPUS XEN_LEGACY_MAX_VCPUS

enum domain_state {
    DOMAIN_BUILDING,            /* being created; never runs */
    DOMAIN_ACTIVE,              /* may run */
    DOMAIN_SHUTDOWN,            /* asked to stop (or crashed); its vCPUs no longer run */
    DOMAIN_DEAD,                /* destroyed: all memory returned */
};

enum vcpu_state { VCPU_RUNNABLE, VCPU_BLOCKED, VCPU_DOWN };

struct domain;
struct grant_domain;
struct hvm_container;
struct hvm_vcpu;

struct vcpu {
    unsigned int id;
    struct domain *domain;
    enum vcpu_state state;
    bool initialised;           /* has a context: built (vCPU 0) or VCPUOP_initialise */
    bool on_cpu;                /* its registers live in a CPU's trap frame */
    unsigned int processor;     /* the CPU it runs or last ran on */
    bool polling;               /* blocked in SCHEDOP_poll (xen/sched_poll.c) */
    unsigned int pause_count;
    spinlock_t sched_lock;      /* orders its wakes and sleeps (xen/sched.c) */
    struct sched_entity sched;  /* its place in the run queues */
    struct vcpu_info *vcpu_info;            /* hypervisor view (direct map) */
    uint64_t vcpu_info_mfn;                 /* registered location, or the shared_info frame */
    uint64_t runstate_guest_va;             /* 0: none registered */
    struct vcpu_runstate_info runstate;
    struct timer singleshot_timer, periodic_timer;  /* VIRQ_TIMER (xen/guest_time.c) */
    struct timer poll_timer;                /* ends a SCHEDOP_poll with a timeout */
    uint64_t timer_period_ns;
    bool timers_ready;
    struct pv_vcpu pv;
    struct hvm_vcpu *hvm;       /* PVH/HVM: its vCPU in the domain's container */
};

struct domain {
    uint16_t id;
    char name[64];
    enum domain_type type;
    enum domain_state state;
    uint32_t shutdown_reason;
    bool privileged;
    unsigned int nr_vcpus;
    struct vcpu *vcpus[MAX_VCPUS];
    struct page_list_head pages;            /* every frame the domain owns */
    unsigned long tot_pages, max_pages;
    unsigned long released_pages;           /* frames that have left the domain */
    unsigned long ram_pages;                /* guest RAM it holds (its reservation) */
    bool dying;                             /* being destroyed: frames go without a flush each */
    bool quiesced;                          /* paused by domain_pause_quiet */
    uint64_t dirty_cpus;                    /* CPUs on its page tables now: where its
                                             * TLB flushes go (pv_flush_domain) */
    unsigned long nr_pfns;                  /* guest-physical frames, 0 .. nr_pfns-1 */
    uint64_t *p2m;                          /* pfn -> mfn, only while the builder runs (the
                                             * guest keeps its own, as with Xen) */
    struct shared_info *shared_info;
    uint64_t shared_info_mfn;
    struct evtchn_domain evtchn;            /* its event channels (xen/evtchn.c) */
    struct evtchn *evtchn_ports;            /* their storage; NULL until built */
    struct grant_domain *grant;             /* its grant state (xeno/grant_domain.h); NULL until used */
    unsigned long vm_assist;
    struct {
        uint64_t hypercalls;                /* every dispatched call, multicall entries too */
        uint64_t continuations;             /* calls preempted to continue later */
        uint64_t pt_updates;                /* page-table entries validated and written */
        uint64_t emulated_pt_writes;        /* direct writes to L1 tables emulated (writable page tables) */
        uint64_t tlb_flushes;               /* flushes and invlpgs, asked for or needed for safety */
        uint64_t cpus_used;                 /* bit n: a vCPU of it ran on CPU n */
        uint64_t switches_in;               /* times one of its vCPUs was loaded onto a CPU */
        uint64_t run_ns;                    /* CPU time its vCPUs got, by the scheduler's count */
        /* The fast paths of arch/x86/entry_syscall.S: user-mode system calls bounced
         * to the syscall callback, and iret hypercalls completed there (some of
         * them by sysretq). The general path counts neither. */
        uint64_t fast_bounces;
        uint64_t fast_irets;
        uint64_t fast_iret_sysrets;
        uint64_t cpu_moves;                 /* vCPUs loaded on another CPU than they last ran on */
    } stats;
    /* The guest kernel's executable ELF segments: stack words inside them make
     * the call-trace guess of a crash report (xen/vcpu_dump.c). */
    struct { uint64_t start, end; } guest_text[4];
    unsigned int nr_guest_text;
    struct {
        char why[96];                       /* the hypervisor's reason; empty: the guest's */
        int vcpu;                           /* the vCPU that crashed it; -1: not known */
    } crash;                                /* for its crash report (vcpu_dump_crash_report) */
    char console_line[160];
    unsigned int console_len;
    struct domain *next;
    unsigned long *populated;               /* bit per pfn: it holds a frame (populate_physmap
                                             * fills only holes) */
    /* Its xenstore and console rings, served by the control domain
     * (xen/control_channels.c); ports 0 when it has none. */
    struct {
        uint16_t backend;                   /* the control domain's id */
        uint32_t store_port, console_port;  /* its unbound ends, for the backend to bind */
        uint64_t store_mfn, console_mfn;
    } rings;
    uint64_t shutdown_ns;                   /* when it stopped (domain_reap's grace) */
    struct hvm_container *hvm;              /* PVH/HVM: the VT-x container it runs in */
};

/* Does the domain run in a container (PVH, HVM) rather than as PV? */
static inline bool domain_is_hvm(const struct domain *d)
{
    return d->type != DOMAIN_PV;
}

extern struct domain *domain_list;

/* Allocate an empty domain (state BUILDING) with cfg's name and vCPU count. */
struct domain *domain_create(const struct domain_config *cfg);
/* Give the domain one fresh frame (owner set, counted); NULL when out of memory. */
struct page_info *domain_alloc_frame(struct domain *d);
/* The builders' guest RAM: memory_mib of fresh frames at pfns 0.., in d->p2m
 * and the M2P. 0, or -ENOMEM with why in err. */
int domain_populate(struct domain *d, unsigned long memory_mib, char *err, size_t err_len);
/* The builders' last common step: shared_info, event channels, and the
 * xenstore and console rings (these frames) connected to the control domain.
 * 0, or an error with why in err. */
int domain_setup_channels(struct domain *d, uint64_t store_mfn, uint64_t console_mfn,
                          char *err, size_t err_len);
/* Mark a built domain runnable and hand its vCPU 0 to the scheduler. */
void domain_start(struct domain *d);
/* Stop (pause) or let run again (unpause) every vCPU of d; pauses nest. */
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
/* Is any of its vCPUs paused? */
bool domain_is_paused(const struct domain *d);
/* Pause d and wait until none of its vCPUs runs on another CPU (so its page
 * tables may be changed with only a local flush); domain_destroy's. */
void domain_pause_quiet(struct domain *d);
/* Stop the domain for reason (SHUTDOWN_*) and report it. */
void domain_shutdown(struct domain *d, uint32_t reason);
/* Crash the domain: print why and the registers of the vCPU, then shut it down. */
void domain_crash(struct domain *d, const char *why);
/* Return every frame and free the domain; reports how many frames came back. */
void domain_destroy(struct domain *d);
/* Destroy stopped domains that no CPU runs; ends the run after the last. */
/* Set up the destruction of domains that have ended (DOMAIN_REAP_SOFTIRQ). */
void domain_init(void);
/* A context switch is loading v on this CPU (pv_vcpu_load, the PVH load): wait
 * until the CPU it last ran on has saved it, then count the switch. */
void vcpu_load_begin(struct vcpu *v);
/* Is mfn a frame of d's that the hypervisor itself holds (shared_info, a
 * registered vcpu_info)? The guest cannot give those back. */
bool page_is_xen_held(const struct domain *d, uint64_t mfn);
/* The bytes the hypervisor holds for d beyond the guest's own frames: struct
 * domain and vCPUs (size classes and blocks as allocated), event-channel
 * ports, grant state and grant-table frames, GDT shadows, and the bitmap of
 * populated pfns, whose share (it grows with the guest's memory) is also put
 * in *pfn_map. */
size_t domain_xen_memory(const struct domain *d, size_t *pfn_map);
/* The populated bit of pfn (false beyond the domain's pfns), and setting it. */
bool domain_pfn_populated(const struct domain *d, uint64_t pfn);
void domain_set_pfn_populated(struct domain *d, uint64_t pfn, bool populated);
/* Print `domain: dN hypervisor memory X KiB at creation, pfn map Y KiB of it`
 * (docs/boot-contract.md); domain_destroy prints the same `at its end`. */
void domain_report_xen_memory(const struct domain *d);
/* Does d own the frame mfn? */
bool domain_owns_mfn(const struct domain *d, uint64_t mfn);
struct domain *domain_by_id(uint16_t id);
/* A frame number as d's guest names it (in a grant entry, a grant copy, a
 * vcpu_info registration) to a machine frame: a PV guest names machine frames,
 * a PVH guest its own guest frames. 0, or -EINVAL when a PVH guest names a
 * frame it does not have (a PV guest's frame is checked by the caller). */
int domain_frame_to_mfn(const struct domain *d, uint64_t frame, uint64_t *mfn);
/* Number of domains not yet dead. */
unsigned int domains_alive(void);

/* The vCPU running on this CPU, or NULL in the idle loop. (Inline: every
 * hypercall asks.) */
static inline struct vcpu *current_vcpu(void)
{
    return this_cpu()->current;
}
#endif
