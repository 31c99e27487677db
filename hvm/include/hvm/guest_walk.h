/* Guest-virtual to guest-physical through a container vCPU's own page tables. */
#ifndef HVM_GUEST_WALK_H
#define HVM_GUEST_WALK_H
#include <stdbool.h>
#include <stdint.h>

struct hvm_vcpu;

/* The guest-physical address of va for a kernel-mode access (a write when
 * write), or -EFAULT when the guest's tables do not map it so. */
int hvm_guest_walk(struct hvm_vcpu *v, uint64_t va, bool write, uint64_t *gpa);
#endif
