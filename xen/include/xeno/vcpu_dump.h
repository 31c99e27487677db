/* Reports of a PV vCPU's registers and guest stack (xen/vcpu_dump.c). */
#ifndef XENO_VCPU_DUMP_H
#define XENO_VCPU_DUMP_H

struct vcpu;
struct domain;

/*
 * Print v's general registers, rip/rsp/rflags/cs/ss, cr2/cr3, the top of its
 * guest stack and the stack words inside the guest kernel's text (a call-trace
 * guess), each line `PREFIXdN vcpuM ...` (docs/boot-contract.md). NOTE, when
 * not NULL, is added to the first line. The registers are the ones saved when
 * v last left its CPU: call it for a vCPU that is not running, or say so.
 */
void vcpu_dump(const struct vcpu *v, const char *prefix, const char *note);

/* The report of a domain that shut down with reason crash, printed once its
 * vCPUs have left their CPUs (so every register is saved) and before its
 * memory goes: the vCPU that crashed it, or every vCPU when none is known. */
void vcpu_dump_crash_report(const struct domain *d);
#endif
