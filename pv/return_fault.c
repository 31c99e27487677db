/*
 * When the hypervisor's own return to a guest faults. Its iretq (entry.S,
 * restore_iretq) loads the CS and SS of the frame from the GDT in force; the
 * iret hypercall checks them, but a guest can still change a descriptor with
 * update_descriptor while another of its vCPUs, not running, has that
 * selector in its saved frame. Resuming that vCPU then faults in the
 * hypervisor. As Xen does, that crashes the domain, never the host.
 */
#include <asm/percpu.h>
#include <asm/traps.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/lib.h>
#include <xeno/vsnprintf.h>

_Static_assert(offsetof(struct cpu_regs, rip) == 17 * 8, "entry.S: TRAP_FRAME_RIP_OFFSET");

extern _Noreturn void return_to_guest_frame(struct cpu_regs *frame);
_Noreturn void pv_return_faulted(struct cpu_regs *frame);

_Noreturn void pv_return_faulted(struct cpu_regs *frame)
{
    struct percpu *pc = this_cpu();
    struct vcpu *v = pc->current;
    char why[128];

    /* Only a guest's frame, at the top of this CPU's stack, is the guest's
     * fault; the hypervisor's own frames never fault on return. */
    if (!v || frame != (struct cpu_regs *)(pc->stack_top - sizeof(*frame)) ||
        (frame->cs & 3) != 3)
        panic("iretq faulted returning to a hypervisor frame (cs=%#lx rip=%#lx)",
              frame->cs, frame->rip);
    snprintf(why, sizeof(why), "the return to it faulted: CS %#lx or SS %#lx is no "
             "longer a usable descriptor", frame->cs, frame->ss);
    domain_crash(v->domain, why);
    /* Its vCPUs cannot run now: this switches to another vCPU, or idles. */
    pv_return_to_guest(frame);
    return_to_guest_frame(frame);
}
