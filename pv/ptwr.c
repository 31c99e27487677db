/*
 * Writable page tables (vm_assist VMASST_TYPE_writable_pagetables): a PV
 * kernel writes an entry of one of its own L1 tables in place, as on bare
 * metal. The table is mapped read-only, so the write faults; here the write is
 * decoded (pv/ptwr_decode.c), its result validated and stored exactly as an
 * mmu_update would (pv_validate_entry, compare-and-exchange), flags and
 * registers set as the instruction would set them, and the guest resumes after
 * it. Anything else stays the page fault it was.
 */
#include <asm/guest_access.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <public/xen.h>
#include <pv/mm.h>
#include <pv/pt_validate.h>
#include <pv/ptwr_decode.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/page_ref.h>

#define PF_PRESENT (1UL << 0)
#define PF_WRITE (1UL << 1)
#define RFLAGS_CF (1UL << 0)
#define RFLAGS_PF (1UL << 2)
#define RFLAGS_ZF (1UL << 6)
#define RFLAGS_SF (1UL << 7)
#define RFLAGS_OF (1UL << 11)
#define RETRIES 4

/* The mfn of the frame mapped at va in the current page tables, if the walk
 * stays in the domain's validated tables and the leaf maps a page read-only. */
static bool frame_behind(const struct vcpu *v, uint64_t va, uint64_t *mfn)
{
    static const unsigned int shifts[] = { 39, 30, 21, 12 };
    uint64_t table = v->pv.kernel_l4_mfn, e = 0;

    for (unsigned int level = 4; level >= 1; level--) {
        if (!domain_owns_mfn(v->domain, table) || pv_table_level(mfn_to_page(table)) != level)
            return false;
        e = ((const uint64_t *)mfn_to_virt(table))[(va >> shifts[4 - level]) & 511];
        if (!(e & PTE_P) || (level > 1 && (e & PTE_PS)))
            return false;
        table = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    *mfn = table;
    return !(e & PTE_RW);
}

static uint64_t size_mask(unsigned int size)
{
    return size == 8 ? ~0UL : (1UL << (8 * size)) - 1;
}

static uint64_t source_value(struct cpu_regs *regs, const struct ptwr_insn *in)
{
    if (in->has_imm)
        return in->imm;
    if (in->high_byte)
        return (*pv_gpr(regs, in->reg - 4) >> 8) & 0xff;
    return *pv_gpr(regs, in->reg);
}

/* Store `val` (size bytes) into a register as a mov to it would. */
static void set_register(struct cpu_regs *regs, unsigned int reg, unsigned int size, uint64_t val)
{
    uint64_t *r = pv_gpr(regs, reg);
    if (size >= 4)
        *r = val & size_mask(size);     /* 32-bit results zero-extend */
    else
        *r = (*r & ~size_mask(size)) | (val & size_mask(size));
}

static uint64_t logic_flags(uint64_t result, unsigned int size)
{
    uint64_t f = 0;
    uint8_t low = (uint8_t)result;
    if ((result & size_mask(size)) == 0)
        f |= RFLAGS_ZF;
    if (result >> (8 * size - 1) & 1)
        f |= RFLAGS_SF;
    if (!(__builtin_popcount(low) & 1))
        f |= RFLAGS_PF;
    return f;                           /* CF = OF = 0 */
}

/* Compute the entry's new value. Returns false if the form cannot apply here. */
static bool compute(struct cpu_regs *regs, const struct ptwr_insn *in, uint64_t old,
                    unsigned int shift, uint64_t *new, uint64_t *flags_set, uint64_t *flags_mask)
{
    uint64_t mask = size_mask(in->size) << shift;
    uint64_t field = (old & mask) >> shift;
    uint64_t src = source_value(regs, in) & size_mask(in->size);
    uint64_t bit;

    *new = old;
    *flags_set = 0;
    *flags_mask = 0;
    switch (in->op) {
    case PTWR_MOV:
    case PTWR_XCHG:
        *new = (old & ~mask) | (src << shift);
        return true;
    case PTWR_CMPXCHG:
        *flags_mask = RFLAGS_ZF;
        if (field == (regs->rax & size_mask(in->size))) {
            *new = (old & ~mask) | (src << shift);
            *flags_set = RFLAGS_ZF;
        }
        return true;
    case PTWR_AND:
    case PTWR_OR:
        field = in->op == PTWR_AND ? field & src : field | src;
        *new = (old & ~mask) | (field << shift);
        *flags_mask = RFLAGS_CF | RFLAGS_PF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF;
        *flags_set = logic_flags(field, in->size);
        return true;
    case PTWR_BTS:
    case PTWR_BTR:
        bit = in->has_imm ? (in->imm & (8 * in->size - 1)) : src;
        if (bit >= 8 * in->size)
            return false;               /* a bit outside this entry */
        *flags_mask = RFLAGS_CF;
        *flags_set = (field >> bit & 1) ? RFLAGS_CF : 0;
        field = in->op == PTWR_BTS ? field | (1UL << bit) : field & ~(1UL << bit);
        *new = (old & ~mask) | (field << shift);
        return true;
    }
    return false;
}

bool pv_ptwr_emulate(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2, uint64_t error)
{
    struct domain *d = v->domain;
    uint8_t bytes[15];
    size_t avail = sizeof(bytes);
    struct ptwr_insn in;
    uint64_t l1_mfn, old, new, stored, fset, fmask;
    unsigned int slot, shift;
    unsigned long lock;
    int rc = -1;

    if (!(error & PF_PRESENT) || !(error & PF_WRITE) || !v->pv.kernel_mode ||
        !(d->vm_assist & (1UL << VMASST_TYPE_writable_pagetables)))
        return false;
    /* The instruction may end before the 15 bytes do, at the end of its page. */
    if (copy_from_guest(bytes, regs->rip, avail)) {
        avail = PAGE_SIZE - (regs->rip & (PAGE_SIZE - 1));
        if (avail > sizeof(bytes) || copy_from_guest(bytes, regs->rip, avail))
            return false;
    }
    if (!ptwr_decode(bytes, avail, &in) || (cr2 & 7) + in.size > 8)
        return false;               /* not a write we emulate, or across two entries */
    slot = (cr2 & (PAGE_SIZE - 1)) >> 3;
    shift = (cr2 & 7) * 8;

    lock = pv_mm_lock();
    if (!frame_behind(v, cr2, &l1_mfn) || pv_table_level(mfn_to_page(l1_mfn)) != 1)
        goto out;
    for (unsigned int tries = 0; tries < RETRIES; tries++) {
        old = ((const uint64_t *)mfn_to_virt(l1_mfn))[slot];
        if (!compute(regs, &in, old, shift, &new, &fset, &fmask))
            goto out;
        if (new == old) {
            rc = 0;                 /* nothing to store (e.g. a failed cmpxchg) */
            break;
        }
        rc = pv_validate_entry(1, &old, new, d->id, l1_mfn, slot, PV_ENTRY_CMPXCHG, &stored);
        if (rc != PV_ENTRY_CHANGED)
            break;                  /* the hardware set A/D meanwhile: recompute */
    }
    if (rc == 0) {
        if (in.op == PTWR_XCHG)
            set_register(regs, in.reg, in.size, old >> shift);
        else if (in.op == PTWR_CMPXCHG && !fset)
            set_register(regs, 0, in.size, old >> shift);   /* rax gets the current value */
        regs->rflags = (regs->rflags & ~fmask) | fset;
        regs->rip += in.length;
        d->stats.emulated_pt_writes++;
    }
out:
    pv_mm_unlock(lock);
    return rc == 0;
}
