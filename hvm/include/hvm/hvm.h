/* What the rest of the hypervisor calls in hvm/. */
#ifndef HVM_HVM_H
#define HVM_HVM_H
#include <stdbool.h>
#include <stddef.h>

/* Pick the vendor for this CPU; false when it has no usable VT-x (or AMD-V). */
bool hvm_available(void);
/* Enter VMX (SVM) operation on this CPU; why says what failed. */
int hvm_cpu_up(char *why, size_t len);
void hvm_cpu_down(void);
/* The same on every online CPU (PVH domains run on any); why names the CPU
 * that failed. */
int hvm_all_cpus_up(char *why, size_t len);

/* Boot hook: the VMX self-test, which does nothing unless `vmx_selftest` is on the
 * command line (hvm/selftest/). */
void hvm_selftest_run(void);

/* Containers crashed since boot, by any path. */
extern unsigned long hvm_crash_count;
#endif
