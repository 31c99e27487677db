/* VT-x internals shared by the files of hvm/vmx/. */
#ifndef HVM_VMX_VMX_H
#define HVM_VMX_VMX_H
#include <stdbool.h>
#include <stdint.h>
#include <hvm/container.h>
#include <hvm/vendor.h>
#include <xeno/mm.h>

/* What the capability MSRs allow and which controls we chose (vmx.c). */
struct vmx_caps {
    uint64_t basic, misc, ept_vpid;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint32_t pin, cpu, cpu2, exit, entry;   /* the controls every VMCS gets */
};
extern struct vmx_caps vmx_caps;

struct vmx_container {
    uint64_t *ept_root;
    uint64_t eptp;
    struct page_list_head ept_tables;   /* every EPT table frame but the root */
    uint8_t *msr_bitmap;
};

struct vmx_vcpu {
    uint64_t vmcs_maddr;
    int cpu;                    /* where the VMCS is active, or -1 */
    bool launched;
    uint16_t vpid;
    uint32_t cpu_controls;      /* primary processor-based controls as written */
    uint64_t cr0_mask, cr4_mask;
    uint32_t reinject_info, reinject_error, reinject_len;   /* IDT-vectoring at the last exit */
};

static inline struct vmx_vcpu *to_vmx(const struct hvm_vcpu *v) { return v->vendor; }
static inline struct vmx_container *to_vmx_container(const struct hvm_container *c)
{
    return c->vendor;
}

/* VMREAD/VMWRITE of the current VMCS; a failure is reported and remembered in
 * vmx_field_errors (a programming error: a field this CPU lacks). */
uint64_t vmcs_read(uint32_t field);
void vmcs_write(uint32_t field, uint64_t value);
extern unsigned int vmx_field_errors;

/* vmx.c */
int vmx_cpu_up(char *why, size_t len);
int vmx_all_cpus_up(char *why, size_t len);
void vmx_cpu_down(void);
/* Make v's VMCS current on this CPU: VMPTRLD, and if it was active elsewhere
 * a VMCLEAR there first, this CPU's host state and a flush of its VPID. */
void vmx_vcpu_load(struct hvm_vcpu *v);
/* VMCLEAR v's VMCS on the CPU where it is active (none: nothing to do). */
void vmx_vmcs_deactivate(struct hvm_vcpu *v);
/* INVEPT eptp on every CPU in VMX operation: after an EPT entry changed or
 * before its tables are freed, as any CPU may hold its translations. */
void vmx_invept_everywhere(uint64_t eptp);
const char *vmx_insn_error_name(uint32_t error);
const char *vmx_exit_reason_name(uint32_t reason);

/* vmcs.c */
int vmx_vcpu_init(struct hvm_vcpu *v);
void vmx_vcpu_destroy(struct hvm_vcpu *v);
void vmx_write_host_state(void);
uint64_t vmx_get_cr(struct hvm_vcpu *v, unsigned int cr);
int vmx_set_cr(struct hvm_vcpu *v, unsigned int cr, uint64_t val);
bool vmx_get_msr(struct hvm_vcpu *v, uint32_t msr, uint64_t *val);
int vmx_set_msr(struct hvm_vcpu *v, uint32_t msr, uint64_t val);
void vmx_get_segment(struct hvm_vcpu *v, enum hvm_seg seg, struct hvm_segment *out);

/* ept.c */
int vmx_container_init(struct hvm_container *c);
void vmx_container_destroy(struct hvm_container *c);
int vmx_map_ram(struct hvm_container *c, uint64_t gpa, uint64_t maddr, uint64_t size);
int vmx_map_page(struct hvm_container *c, uint64_t gpa, uint64_t maddr);

/* exit.c */
void vmx_enter(struct hvm_vcpu *v, struct hvm_exit *e);
bool vmx_inject(struct hvm_vcpu *v, const struct hvm_event *ev);
bool vmx_irq_window_open(struct hvm_vcpu *v);
void vmx_want_irq_window(struct hvm_vcpu *v, bool on);
void vmx_end_intr_shadow(struct hvm_vcpu *v);
void vmx_dump(struct hvm_vcpu *v, const struct hvm_exit *e);

/* diag.c: name the guest-state check a failed VM entry (reason 33) broke. */
void vmx_diagnose_guest_state(char *buf, size_t len);

/* entry.S: enter the guest with regs loaded; returns 0 after a VM exit (regs
 * then hold the guest's registers), 1 on VMfailInvalid, 2 on VMfailValid. */
int vmx_enter_guest(struct hvm_regs *regs, bool launched);
extern const char vmx_exit_stub[];
#endif
