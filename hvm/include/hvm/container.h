/*
 * Containers and their vCPUs: guest-physical memory (RAM slots the vendor
 * maps with EPT/NPT, MMIO regions and I/O ports served by handlers), and per
 * vCPU the registers, pending events and exit counters.
 *
 * A container is what a PVH domain runs in (hvm/domain.c: its RAM is the
 * domain's own frames, through p2m), or the VMX self-test's guest (RAM slots
 * of its own); docs/hvm.md.
 */
#ifndef HVM_CONTAINER_H
#define HVM_CONTAINER_H
#include <stdbool.h>
#include <stdint.h>
#include <hvm/exit.h>
#include <hvm/regs.h>

#define HVM_MAX_RAM 16
#define HVM_MAX_MMIO 8
#define HVM_MAX_PORTS 8
#define HVM_MAX_VCPUS 4
#define HVM_CONTAINER_PARAMS 39     /* Xen's HVM_NR_PARAMS */

struct hvm_vcpu;
struct page_info;

/* A device register page: accesses are decoded and completed by the handler. */
struct hvm_mmio_ops {
    /* size is 1, 2, 4 or 8; return 0, or -1 to crash the container. */
    int (*read)(struct hvm_vcpu *v, uint64_t offset, unsigned int size, uint64_t *val);
    int (*write)(struct hvm_vcpu *v, uint64_t offset, unsigned int size, uint64_t val);
};

struct hvm_port_ops {
    uint32_t (*read)(struct hvm_vcpu *v, uint16_t port, unsigned int size);
    void (*write)(struct hvm_vcpu *v, uint16_t port, unsigned int size, uint32_t val);
};

struct hvm_ram {
    uint64_t gpa, size;
    struct page_info *pg;       /* one buddy block of 2^order frames */
    unsigned int order;
};

struct hvm_mmio {
    uint64_t gpa, size;
    const struct hvm_mmio_ops *ops;
};

struct hvm_ports {
    uint16_t first, count;
    const struct hvm_port_ops *ops;
};

/* An event to deliver into the guest at the next VM entry. */
enum hvm_event_type {
    HVM_EVENT_EXT_INTR,
    HVM_EVENT_NMI,
    HVM_EVENT_HW_EXCEPTION,
};

struct hvm_event {
    bool valid;
    enum hvm_event_type type;
    uint8_t vector;
    bool has_error;
    uint32_t error;
};

enum hvm_vcpu_state { HVM_VCPU_RUNNABLE, HVM_VCPU_BLOCKED, HVM_VCPU_DEAD };

struct hvm_vcpu {
    struct hvm_regs regs;       /* the exit stub stores the guest's registers here */
    struct hvm_container *container;
    unsigned int id;
    enum hvm_vcpu_state state;
    struct hvm_event pending_exception;
    int pending_irq;            /* an external interrupt vector to deliver, or -1 */
    uint64_t slice_tsc;         /* how long hvm_vcpu_run may keep the CPU; 0: no limit */
    uint64_t slice_end;         /* the TSC when this run's slice ends (0: never) */
    uint64_t msr_shadow[8];     /* MSRs the guest may write but that are not loaded yet */
    struct {
        uint64_t exits[HVM_EXIT_NR];
        uint64_t exceptions_injected[32];
        uint64_t irqs_injected;
        uint64_t unknown_port_reads, unknown_port_writes;
    } stats;
    struct hvm_exit last_exit;
    void *vendor;               /* struct vmx_vcpu */
    void *owner;                /* the domain's struct vcpu; NULL for the self-test */
    uint8_t upcall_vector;      /* HVMOP_set_evtchn_upcall_vector; 0: the domain's */
    bool fpu_saved;             /* fpu holds its FPU/SSE state (hvm/domain_run.c) */
    uint8_t fpu[512] __attribute__((aligned(16)));
};

struct hvm_container {
    unsigned int id;
    char name[32];
    struct hvm_ram ram[HVM_MAX_RAM];
    unsigned int nr_ram;
    struct hvm_mmio mmio[HVM_MAX_MMIO];
    unsigned int nr_mmio;
    struct hvm_ports ports[HVM_MAX_PORTS];
    unsigned int nr_ports;
    struct hvm_vcpu *vcpus[HVM_MAX_VCPUS];
    unsigned int nr_vcpus;
    bool crashed;
    char crash_reason[256];
    void *owner;                /* whoever created it: the self-test, or its struct domain */
    void *vendor;               /* struct vmx_container: EPT, MSR bitmap */
    /* A domain's container maps the domain's own frames, page by page: gfn ->
     * mfn (0: nothing there). NULL for containers with RAM slots only. */
    uint64_t *p2m;
    uint64_t nr_pfns;
    /* Called before every entry (interrupts off): the domain's events become
     * an interrupt to inject (hvm/domain_events.c). */
    void (*before_entry)(struct hvm_vcpu *v);
    /* A domain's HVM parameters (HVMOP_set/get_param, hvm/hvm_op.c). */
    uint64_t params[HVM_CONTAINER_PARAMS];
};

/* An empty container with nr_vcpus vCPUs in the PVH entry state (32-bit flat
 * protected mode, paging off) at rip 0; NULL when out of memory. */
struct hvm_container *hvm_container_create(const char *name, unsigned int nr_vcpus, void *owner);
/* Give it 2^order fresh zeroed frames at gpa (aligned to the block size). */
int hvm_container_add_ram(struct hvm_container *c, uint64_t gpa, unsigned int order);
int hvm_container_add_mmio(struct hvm_container *c, uint64_t gpa, uint64_t size,
                           const struct hvm_mmio_ops *ops);
int hvm_container_add_ports(struct hvm_container *c, uint16_t first, uint16_t count,
                            const struct hvm_port_ops *ops);
/* Free every frame, table and vCPU. */
void hvm_container_destroy(struct hvm_container *c);

/* Map the frame at maddr as the 4 KiB page at gpa (a domain's container:
 * what add_to_physmap and the builder use), replacing what was there. */
int hvm_container_map_page(struct hvm_container *c, uint64_t gpa, uint64_t maddr);
/* The machine address behind gpa, or -EFAULT when it is not RAM. */
int hvm_gpa_to_maddr(const struct hvm_container *c, uint64_t gpa, uint64_t *maddr);

/* Guest-physical copies; -EFAULT when any byte is not RAM. */
int hvm_copy_to_gpa(struct hvm_container *c, uint64_t gpa, const void *src, uint64_t len);
int hvm_copy_from_gpa(struct hvm_container *c, void *dst, uint64_t gpa, uint64_t len);
bool hvm_gpa_is_ram(const struct hvm_container *c, uint64_t gpa);
const struct hvm_mmio *hvm_mmio_find(const struct hvm_container *c, uint64_t gpa);
const struct hvm_ports *hvm_ports_find(const struct hvm_container *c, uint16_t port);

/* Run v until it blocks, is preempted or its container crashes. */
enum hvm_action hvm_vcpu_run(struct hvm_vcpu *v);
/* Hold an external interrupt for v and wake it; delivered when the guest can take it. */
void hvm_vcpu_raise_irq(struct hvm_vcpu *v, uint8_t vector);
/* Deliver a hardware exception at the next entry (error code where the vector has one). */
void hvm_inject_exception(struct hvm_vcpu *v, uint8_t vector, uint32_t error);
/* Step past the instruction that exited, ending any interrupt shadow it was in. */
void hvm_skip_insn(struct hvm_vcpu *v, const struct hvm_exit *e);
/* Print `hvm: NAME vcpuN exit KIND COUNT` for every kind seen. */
void hvm_print_exit_counts(const struct hvm_vcpu *v);

/* The guest's view: 16, 32 or 64 (bits of its code segment / long mode). */
unsigned int hvm_guest_mode(struct hvm_vcpu *v);
unsigned int hvm_guest_cpl(struct hvm_vcpu *v);
#endif
