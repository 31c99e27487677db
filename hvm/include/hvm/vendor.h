/*
 * What the shared HVM code needs from a vendor (VT-x today, AMD-V later):
 * one const ops table, chosen at boot (hvm/hvm.c). Shared code never
 * touches a VMCS or VMCB itself.
 */
#ifndef HVM_VENDOR_H
#define HVM_VENDOR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hvm/container.h>

/* Segment registers in VMCS order; access rights in the VMCS format (24.4.1). */
enum hvm_seg { HVM_SEG_ES, HVM_SEG_CS, HVM_SEG_SS, HVM_SEG_DS, HVM_SEG_FS, HVM_SEG_GS,
               HVM_SEG_LDTR, HVM_SEG_TR };

struct hvm_segment {
    uint16_t sel;
    uint64_t base;
    uint32_t limit;
    uint32_t ar;
};
#define HVM_AR_DPL(ar) (((ar) >> 5) & 3)
#define HVM_AR_L (1U << 13)
#define HVM_AR_DB (1U << 14)

struct hvm_vendor_ops {
    const char *name;
    const char *npf_name;       /* what a nested page fault is called ("EPT violation") */
    /* Enter and leave VMX/SVM operation on this CPU; why says what failed. */
    int (*cpu_up)(char *why, size_t len);
    void (*cpu_down)(void);
    /* Enter VMX/SVM operation on every online CPU that is not in it yet. */
    int (*all_cpus_up)(char *why, size_t len);
    int (*container_init)(struct hvm_container *c);
    void (*container_destroy)(struct hvm_container *c);
    int (*map_ram)(struct hvm_container *c, uint64_t gpa, uint64_t maddr, uint64_t size);
    /* One 4 KiB page at gpa, replacing whatever was mapped there, with the
     * stale translation flushed. */
    int (*map_page)(struct hvm_container *c, uint64_t gpa, uint64_t maddr);
    int (*vcpu_init)(struct hvm_vcpu *v);
    void (*vcpu_destroy)(struct hvm_vcpu *v);
    /* Enter the guest and come back with the next exit decoded into e. */
    void (*enter)(struct hvm_vcpu *v, struct hvm_exit *e);
    /* Queue ev for the next entry; false if an event is already queued. */
    bool (*inject)(struct hvm_vcpu *v, const struct hvm_event *ev);
    bool (*irq_window_open)(struct hvm_vcpu *v);
    void (*want_irq_window)(struct hvm_vcpu *v, bool on);
    void (*end_intr_shadow)(struct hvm_vcpu *v);
    void (*get_segment)(struct hvm_vcpu *v, enum hvm_seg seg, struct hvm_segment *out);
    /* Control registers as the guest sees them; set_cr returns -EINVAL for #GP. */
    uint64_t (*get_cr)(struct hvm_vcpu *v, unsigned int cr);
    int (*set_cr)(struct hvm_vcpu *v, unsigned int cr, uint64_t val);
    /* MSRs the vendor keeps in its own state (EFER, PAT); false: not one of them. */
    bool (*get_msr)(struct hvm_vcpu *v, uint32_t msr, uint64_t *val);
    /* 0, -EINVAL (bad value: #GP) or -ENOENT (not one of them). */
    int (*set_msr)(struct hvm_vcpu *v, uint32_t msr, uint64_t val);
    /* Which CPUID features the vendor turned off for guests. */
    void (*cpuid_adjust)(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
    /* Print the vCPU's whole state for the fatal path (`hvm:   ...` lines). */
    void (*dump)(struct hvm_vcpu *v, const struct hvm_exit *e);
};

extern const struct hvm_vendor_ops *hvm_vendor;
extern const struct hvm_vendor_ops vmx_vendor_ops;

/* The MSRs a guest reads or writes without an exit (vendors build their bitmaps
 * from this list; everything else exits to hvm/msr.c). */
struct hvm_msr_passthrough {
    uint32_t msr;
    bool read, write;
};
extern const struct hvm_msr_passthrough hvm_msr_passthrough[];
extern const unsigned int hvm_nr_msr_passthrough;
#endif
