/*
 * PVH domains: a struct domain whose vCPUs run in a VT-x container. What the
 * rest of the hypervisor (builder, scheduler, hypercalls, destruction) calls;
 * docs/hvm.md describes how the pieces fit.
 */
#ifndef HVM_DOMAIN_H
#define HVM_DOMAIN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct domain;
struct vcpu;
struct domain_config;

/* Can PVH domains run here? Turns VMX on on every CPU the first time (a PVH
 * vCPU runs wherever the scheduler puts it; its VMCS follows, hvm/vmx/vmx.c);
 * 0, or -ENODEV with why. */
int hvm_domain_supported(char *why, size_t len);
/* Give d (its frames allocated, d->p2m filled) a container with one vCPU per
 * vCPU of d, mapping every frame of the p2m. 0, or an error with why. */
int hvm_domain_init(struct domain *d, char *why, size_t len);
/* Drop the container (VMCSs, EPT): before d's frames go back. */
void hvm_domain_destroy(struct domain *d);

/* The idle loop's way into a PVH vCPU (interrupts off): run v until the
 * scheduler takes the CPU back; returns the vCPU to run next, NULL to idle. */
struct vcpu *hvm_domain_run(struct vcpu *v);

/* Frame numbers as a PVH guest names them (guest frames) to machine frames;
 * -EINVAL when gfn is not RAM of d. */
int hvm_gfn_to_mfn(const struct domain *d, uint64_t gfn, uint64_t *mfn);
/* XENMEM_add_to_physmap for the current (PVH) domain (hvm/physmap.c). */
long hvm_add_to_physmap(struct domain *d, uint64_t arg);

/* The PVH builder (hvm/pvh_build.c), with pv_build_domain's contract. */
int pvh_build_domain(struct domain *d, const struct domain_config *cfg,
                     const void *kernel, size_t kernel_len,
                     const void *ramdisk, size_t ramdisk_len, char *err, size_t err_len);

/* Events into a PVH vCPU (hvm/domain_events.c): are events pending that it
 * has a vector for; and the container's before_entry hook that holds that
 * vector for injection. (Guest-virtual copies: asm/guest_access.h.) */
struct hvm_vcpu;
bool hvm_domain_upcall_due(const struct vcpu *v);
void hvm_domain_before_entry(struct hvm_vcpu *hv);

/* A -ERESTART'ed hypercall of the current PVH vCPU resumes with these. */
void hvm_hypercall_continue(const uint64_t args[6]);

/* The VM exits vCPU v has made so far, every kind (*all), and of them those the
 * host caused (*host: external interrupts, NMIs, the preemption timer); both 0
 * for a PV vCPU (hvm/exit.c; xeno_stats hands them to the guest). */
void hvm_domain_vcpu_exits(const struct vcpu *v, uint64_t *all, uint64_t *host);

/* Print the vCPU's registers as `PREFIXdN vcpuM ...` lines (crash reports). */
void hvm_domain_vcpu_dump(const struct vcpu *v, const char *prefix);
#endif
