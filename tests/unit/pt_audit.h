/*
 * An independent recount of every reference the PV page-table rules imply,
 * for the unit tests and the fuzzer (tests/fuzz/fuzz_pt.c): from the frame
 * table and the contents of every validated table alone, work out what each
 * frame's general and typed counts must be and check them, with the
 * properties that make PV memory safe:
 *   - no frame is both a page table in use and mapped writable (the
 *     writable mappings are counted by scanning every validated L1 and
 *     superpage entry);
 *   - every present entry of a validated table maps a frame of the table's
 *     owner, in use, of the type the level requires;
 *   - a linear self-map is read-only;
 *   - every present entry has U and not G, and no bit the level and the
 *     domain's options do not allow;
 *   - the hypervisor's slots of every validated L4 hold the template;
 *   - a table with typed references is validated; a pinned frame is a
 *     validated table.
 * Holders the tables do not show (a test's own references) are passed in
 * extra_general / extra_typed (indexed by frame; NULL for none).
 */
#ifndef TEST_PT_AUDIT_H
#define TEST_PT_AUDIT_H

#include <stdlib.h>
#include <asm/paging.h>
#include <pv/pt_validate.h>
#include <xeno/mm.h>
#include <xeno/page_ref.h>
#include <xeno/vsnprintf.h>

struct pt_audit_frame {
    unsigned long general, typed, writable_maps;
    unsigned long need_type;        /* PGT_* a holder requires; PGT_none if none */
};

static inline int pt_audit_need(struct pt_audit_frame *f, unsigned long type,
                                char *msg, size_t len, unsigned long mfn)
{
    if (f->need_type != PGT_none && f->need_type != type) {
        snprintf(msg, len, "frame %#lx needed as type %#lx and %#lx", mfn,
                 f->need_type >> PGT_type_shift, type >> PGT_type_shift);
        return -1;
    }
    f->need_type = type;
    return 0;
}

/* The bits of a present entry that nothing allows (0 when all are fine). */
static inline uint64_t pt_audit_bad_bits(unsigned int level, uint64_t e,
                                         unsigned int options)
{
    bool cache = options & PV_PT_CACHE_ATTRS;
    uint64_t ok = PTE_P | PTE_RW | PTE_US | (3UL << 5) | (7UL << 9) |
                  (0x7ffUL << 52) | PTE_NX | PTE_ADDR_MASK;

    if (level == 1)
        ok |= cache ? PTE_PWT | PTE_PCD | (1UL << 7) : 0;
    else if (level < 4 && (e & PTE_PS) && (options & PV_PT_SUPERPAGES)) {
        ok |= PTE_PS | (cache ? PTE_PWT | PTE_PCD : 0);
        /* Bit 12 is PAT; the rest below the page size must be clear. */
        ok &= ~(((1UL << (12 + 9 * (level - 1))) - 1) & ~((1UL << 13) - 1));
        ok &= cache ? ~0UL : ~(1UL << 12);
    }
    return e & ~ok;
}

/* Count what one present entry of a validated table holds. */
static inline int pt_audit_entry(struct pt_audit_frame *fr, unsigned int level,
                                 unsigned long table, unsigned int slot,
                                 uint64_t e, unsigned int options,
                                 char *msg, size_t len)
{
    uint16_t owner = page_get_owner(mfn_to_page(table));
    unsigned long mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT, n = 1;
    bool leaf = level == 1 || (e & PTE_PS);

    if (!(e & PTE_US) || (e & PTE_G) || pt_audit_bad_bits(level, e, options)) {
        snprintf(msg, len, "L%u %#lx[%u] = %#lx: U clear, G set or bits not allowed",
                 level, table, slot, (unsigned long)e);
        return -1;
    }
    if (!leaf && mfn == table) {
        if (e & PTE_RW) {
            snprintf(msg, len, "L%u %#lx[%u]: writable self-map", level, table, slot);
            return -1;
        }
        return 0;
    }
    if (leaf && level > 1) {
        n = 1UL << (9 * (level - 1));
        mfn &= ~(n - 1);
    }
    for (unsigned long m = mfn; m < mfn + n; m++) {
        struct page_info *pg;

        if (m >= max_page) {
            snprintf(msg, len, "L%u %#lx[%u] maps %#lx beyond memory", level,
                     table, slot, m);
            return -1;
        }
        pg = mfn_to_page(m);
        if (page_state(pg) != PGC_state_inuse || page_get_owner(pg) != owner) {
            snprintf(msg, len, "L%u %#lx[%u] (d%u) maps %#lx of d%u (state %lu)",
                     level, table, slot, owner, m, page_get_owner(pg),
                     page_state(pg) >> PGC_state_shift);
            return -1;
        }
        fr[m].general++;
        if (leaf && (e & PTE_RW)) {
            fr[m].typed++;
            fr[m].writable_maps++;
            if (pt_audit_need(&fr[m], PGT_writable_page, msg, len, m))
                return -1;
        } else if (!leaf) {
            fr[m].typed++;
            if (pt_audit_need(&fr[m], pt_type_of_level(level - 1), msg, len, m))
                return -1;
        }
    }
    return 0;
}

static inline int pt_audit_table(struct pt_audit_frame *fr, unsigned long t,
                                 const struct pv_pt_config *cfg, char *msg, size_t len)
{
    unsigned int level = pv_table_level(mfn_to_page(t));
    uint16_t owner = page_get_owner(mfn_to_page(t));
    unsigned int options = cfg->domain_flags ? cfg->domain_flags(owner) : 0;
    const uint64_t *e = mfn_to_virt(t);

    for (unsigned int i = 0; i < PT_ENTRIES; i++) {
        if (level == 4 && !pv_l4_slot_is_guest(i)) {
            if (e[i] != cfg->xen_l4[i - HYPERVISOR_L4_FIRST]) {
                snprintf(msg, len, "L4 %#lx: hypervisor slot %u changed", t, i);
                return -1;
            }
            continue;
        }
        if ((e[i] & PTE_P) &&
            pt_audit_entry(fr, level, t, i, e[i], options, msg, len))
            return -1;
    }
    return 0;
}

/*
 * NULL when everything holds, else what does not (in msg).  cfg: the
 * template and options validation ran with (options must not have changed
 * since the tables were validated).
 */
static inline const char *pt_audit(const struct pv_pt_config *cfg,
                                   const unsigned long *extra_general,
                                   const unsigned long *extra_typed,
                                   char *msg, size_t len)
{
    struct pt_audit_frame *fr = calloc(max_page, sizeof(*fr));
    const char *bad = NULL;
    unsigned long mfn;

    if (!fr)
        abort();
    for (mfn = 0; mfn < max_page && !bad; mfn++) {
        struct page_info *pg = mfn_to_page(mfn);

        if (page_state(pg) != PGC_state_inuse)
            continue;
        fr[mfn].general += (pg->count_info & PGC_allocated) ? 1 : 0;
        fr[mfn].general += extra_general ? extra_general[mfn] : 0;
        fr[mfn].typed += extra_typed ? extra_typed[mfn] : 0;
        if (page_is_pinned(pg)) {
            fr[mfn].general++;
            fr[mfn].typed++;
            if (!pv_table_level(pg)) {
                snprintf(msg, len, "frame %#lx pinned but no validated table", mfn);
                bad = msg;
            }
        }
        if (pt_level_of_type(pg->type_info) && page_type_count(pg) &&
            !page_is_validated(pg)) {
            snprintf(msg, len, "table %#lx has typed references but is not validated",
                     mfn);
            bad = msg;
        }
    }
    for (mfn = 0; mfn < max_page && !bad; mfn++)
        if (page_state(mfn_to_page(mfn)) == PGC_state_inuse &&
            pv_table_level(mfn_to_page(mfn)) &&
            pt_audit_table(fr, mfn, cfg, msg, len))
            bad = msg;
    for (mfn = 0; mfn < max_page && !bad; mfn++) {
        struct page_info *pg = mfn_to_page(mfn);

        if (page_state(pg) != PGC_state_inuse) {
            if (page_refcount(pg) || page_type_count(pg)) {
                snprintf(msg, len, "frame %#lx not in use but referenced", mfn);
                bad = msg;
            }
            continue;
        }
        if (fr[mfn].writable_maps && pv_table_level(pg)) {
            snprintf(msg, len, "frame %#lx is an L%u table and mapped writable %lu "
                     "times", mfn, pv_table_level(pg), fr[mfn].writable_maps);
            bad = msg;
        } else if (page_refcount(pg) != fr[mfn].general ||
                   page_type_count(pg) != fr[mfn].typed) {
            snprintf(msg, len, "frame %#lx: counts %lu/%lu, recount %lu/%lu", mfn,
                     page_refcount(pg), page_type_count(pg), fr[mfn].general,
                     fr[mfn].typed);
            bad = msg;
        } else if (fr[mfn].need_type != PGT_none &&
                   page_type(pg) != fr[mfn].need_type) {
            snprintf(msg, len, "frame %#lx has type %lu, its holders need %lu", mfn,
                     page_type(pg) >> PGT_type_shift,
                     fr[mfn].need_type >> PGT_type_shift);
            bad = msg;
        } else if (page_refcount(pg) == 0 && page_get_owner(pg) != DOMID_XEN) {
            snprintf(msg, len, "frame %#lx in use with no reference (not released)",
                     mfn);
            bad = msg;
        }
    }
    free(fr);
    return bad;
}

#endif
