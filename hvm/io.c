/*
 * Port I/O: dispatched to the container's port handlers; an unknown port
 * reads as all-ones (a floating ISA bus) and swallows writes.
 */
#include <hvm/container.h>

static uint64_t size_mask(unsigned int size)
{
    return size >= 8 ? ~0UL : (1UL << (8 * size)) - 1;
}

enum hvm_action hvm_handle_io(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    const struct hvm_ports *p;
    uint64_t *rax = &v->regs.gpr[HVM_GPR_RAX];
    uint64_t mask = size_mask(e->io.size);

    if (e->io.string)
        return hvm_crash(v, e, "string I/O on port %#x is not emulated", e->io.port);
    p = hvm_ports_find(v->container, e->io.port);
    if (e->io.in) {
        uint32_t val = ~0U;
        if (p && p->ops->read)
            val = p->ops->read(v, e->io.port, e->io.size);
        else
            v->stats.unknown_port_reads++;
        /* IN AL/AX merge; IN EAX writes a 32-bit register, which zero-extends. */
        *rax = e->io.size == 4 ? val : (*rax & ~mask) | (val & mask);
    } else if (p && p->ops->write) {
        p->ops->write(v, e->io.port, e->io.size, (uint32_t)(*rax & mask));
    } else {
        v->stats.unknown_port_writes++;
    }
    hvm_skip_insn(v, e);
    return HVM_RESUME;
}
