/*
 * VM exits as the shared code sees them: each vendor (hvm/vmx/, later
 * hvm/svm/) decodes its own exit reason and qualification into a struct
 * hvm_exit, and hvm/exit.c dispatches on the kind through one table. Every
 * exit is counted per kind and per vCPU.
 */
#ifndef HVM_EXIT_H
#define HVM_EXIT_H
#include <stdbool.h>
#include <stdint.h>

enum hvm_exit_kind {
    HVM_EXIT_UNKNOWN,           /* a vendor reason the table has no kind for */
    HVM_EXIT_EXCEPTION,         /* an intercepted guest exception */
    HVM_EXIT_NMI,               /* a host NMI arrived while the guest ran */
    HVM_EXIT_EXT_INTR,          /* a host interrupt arrived while the guest ran */
    HVM_EXIT_TRIPLE_FAULT,
    HVM_EXIT_INIT,              /* INIT or SIPI signal */
    HVM_EXIT_INTR_WINDOW,       /* the guest can take the interrupt we hold for it */
    HVM_EXIT_TASK_SWITCH,
    HVM_EXIT_CPUID,
    HVM_EXIT_HLT,
    HVM_EXIT_INVD,              /* INVD or WBINVD */
    HVM_EXIT_HYPERCALL,         /* VMCALL (VMMCALL on AMD-V) */
    HVM_EXIT_VIRT_INSN,         /* the guest tried a VMX/SVM instruction itself */
    HVM_EXIT_CR_ACCESS,
    HVM_EXIT_IO,
    HVM_EXIT_MSR_READ,
    HVM_EXIT_MSR_WRITE,
    HVM_EXIT_MONITOR_MWAIT,
    HVM_EXIT_PAUSE,
    HVM_EXIT_NESTED_PAGE_FAULT, /* EPT violation (NPF on AMD-V) */
    HVM_EXIT_NESTED_MISCONFIG,  /* EPT misconfiguration */
    HVM_EXIT_PREEMPT_TIMER,
    HVM_EXIT_XSETBV,
    HVM_EXIT_ENTRY_FAILED,      /* VM entry failed: the guest never ran */
    HVM_EXIT_NR
};

enum hvm_cr_access { HVM_CR_WRITE, HVM_CR_READ, HVM_CR_CLTS, HVM_CR_LMSW };

struct hvm_exit {
    enum hvm_exit_kind kind;
    uint32_t raw_reason;        /* the vendor's exit code, for reports */
    uint64_t qualification;     /* the vendor's raw qualification, for reports */
    uint8_t insn_len;           /* of the exiting instruction, where it is defined */
    union {
        struct { uint16_t port; uint8_t size; bool in, string, rep; } io;
        struct { uint64_t gpa, gla; bool read, write, fetch, gla_valid; } npf;
        struct { uint8_t cr, gpr; enum hvm_cr_access type; uint16_t lmsw; } cr;
        struct { uint8_t vector; bool has_error; uint32_t error; } exception;
        char entry_failure[200];   /* what the vendor says failed, named */
    };
};

/* What a handler asks the run loop to do next. */
enum hvm_action {
    HVM_RESUME,                 /* enter the guest again */
    HVM_BLOCKED,                /* the vCPU waits (HLT) until an event wakes it */
    HVM_PREEMPTED,              /* its slice ended or the host has softirqs: give the CPU back */
    HVM_CRASHED,                /* the container is dead */
};

struct hvm_vcpu;
typedef enum hvm_action (*hvm_exit_fn)(struct hvm_vcpu *v, const struct hvm_exit *e);

/* Count e and run its handler. */
enum hvm_action hvm_dispatch_exit(struct hvm_vcpu *v, const struct hvm_exit *e);
/* The counter name of a kind ("cpuid", "io", ...). */
const char *hvm_exit_name(enum hvm_exit_kind kind);

/*
 * The one fatal path: print `hvm: container crashed: WHY`, dump the vCPU's
 * state and the exit, mark the container crashed (only it: the host and
 * other containers go on) and count it. Returns HVM_CRASHED for handlers to
 * pass on.
 */
enum hvm_action hvm_crash(struct hvm_vcpu *v, const struct hvm_exit *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Handlers in their own files. */
enum hvm_action hvm_handle_cpuid(struct hvm_vcpu *v, const struct hvm_exit *e);
enum hvm_action hvm_handle_rdmsr(struct hvm_vcpu *v, const struct hvm_exit *e);
enum hvm_action hvm_handle_wrmsr(struct hvm_vcpu *v, const struct hvm_exit *e);
enum hvm_action hvm_handle_io(struct hvm_vcpu *v, const struct hvm_exit *e);
enum hvm_action hvm_handle_npf(struct hvm_vcpu *v, const struct hvm_exit *e);
enum hvm_action hvm_handle_hypercall(struct hvm_vcpu *v, const struct hvm_exit *e);
#endif
