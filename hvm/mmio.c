/*
 * Nested page faults: an access to a registered MMIO page is completed by
 * decoding the mov that made it and calling the page's handler; any other
 * guest-physical address outside the container's memory takes the fatal path.
 */
#include <hvm/container.h>
#include <hvm/decode.h>
#include <hvm/vendor.h>
#include <xeno/string.h>

static const char *access_name(const struct hvm_exit *e)
{
    return e->npf.fetch ? "fetch" : e->npf.write ? "write" : "read";
}

/* The bytes at the guest's RIP. Only unpaged code for now: the linear address
 * is the physical one (a guest page walk comes with 64-bit guests). */
static int fetch_insn(struct hvm_vcpu *v, uint8_t *buf, unsigned int *len)
{
    struct hvm_segment cs;
    uint64_t linear;

    if (hvm_vendor->get_cr(v, 0) & (1UL << 31))
        return -1;                              /* CR0.PG */
    hvm_vendor->get_segment(v, HVM_SEG_CS, &cs);
    linear = cs.base + v->regs.rip;
    for (*len = HVM_MAX_INSN; *len; (*len)--)   /* stop short at the end of RAM */
        if (hvm_copy_from_gpa(v->container, buf, linear, *len) == 0)
            return 0;
    return -1;
}

static uint64_t read_reg(const struct hvm_vcpu *v, const struct hvm_mov *m)
{
    uint64_t r = v->regs.gpr[m->reg];
    return m->high_byte ? (r >> 8) & 0xff : r;
}

/* Write a loaded value into the destination register with the architecture's
 * width rules: 8 and 16-bit writes merge, 32-bit writes zero-extend. */
static void write_reg(struct hvm_vcpu *v, const struct hvm_mov *m, uint64_t val)
{
    uint64_t *r = &v->regs.gpr[m->reg];

    if (m->sign_extend)
        val = (uint64_t)(m->size == 1 ? (int64_t)(int8_t)val : (int64_t)(int16_t)val);
    if (m->high_byte)
        *r = (*r & ~0xff00UL) | ((val & 0xff) << 8);
    else if (m->reg_size == 1)
        *r = (*r & ~0xffUL) | (val & 0xff);
    else if (m->reg_size == 2)
        *r = (*r & ~0xffffUL) | (val & 0xffff);
    else if (m->reg_size == 4)
        *r = (uint32_t)val;
    else
        *r = val;
}

static enum hvm_action emulate_mmio(struct hvm_vcpu *v, const struct hvm_exit *e,
                                    const struct hvm_mmio *region)
{
    uint8_t insn[HVM_MAX_INSN];
    unsigned int len;
    struct hvm_mov m;
    uint64_t offset = e->npf.gpa - region->gpa, val;
    uint64_t mask;

    if (fetch_insn(v, insn, &len))
        return hvm_crash(v, e, "MMIO at gpa %#lx: cannot fetch the instruction at rip %#lx",
                         e->npf.gpa, v->regs.rip);
    if (hvm_decode_mov(insn, len, hvm_guest_mode(v), &m))
        return hvm_crash(v, e, "MMIO at gpa %#lx: cannot emulate the instruction "
                         "%02x %02x %02x %02x at rip %#lx", e->npf.gpa, insn[0], insn[1],
                         insn[2], insn[3], v->regs.rip);
    if (offset + m.size > region->size || m.store != e->npf.write)
        return hvm_crash(v, e, "MMIO at gpa %#lx: a %u-byte %s does not fit the region",
                         e->npf.gpa, m.size, m.store ? "store" : "load");
    mask = m.size == 8 ? ~0UL : (1UL << (8 * m.size)) - 1;
    if (m.store) {
        val = (m.src_imm ? m.imm : read_reg(v, &m)) & mask;
        if (region->ops->write(v, offset, m.size, val))
            return hvm_crash(v, e, "MMIO write at gpa %#lx refused", e->npf.gpa);
    } else {
        if (region->ops->read(v, offset, m.size, &val))
            return hvm_crash(v, e, "MMIO read at gpa %#lx refused", e->npf.gpa);
        write_reg(v, &m, val & mask);
    }
    struct hvm_exit step = *e;
    step.insn_len = m.len;      /* exits for EPT violations carry no length */
    hvm_skip_insn(v, &step);
    return HVM_RESUME;
}

enum hvm_action hvm_handle_npf(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    const struct hvm_mmio *region = hvm_mmio_find(v->container, e->npf.gpa);

    if (region && !e->npf.fetch)
        return emulate_mmio(v, e, region);
    return hvm_crash(v, e, "%s at gpa %#lx (%s%s)", hvm_vendor->npf_name, e->npf.gpa,
                     access_name(e), hvm_gpa_is_ram(v->container, e->npf.gpa) ? ", RAM" : "");
}
