/*
 * Validation of 64-bit PV page tables (pv/pt_validate.h): the rules for an
 * entry at each level, whole tables as they gain or lose a page-table type,
 * and single updates.  Entry formats: Intel SDM Vol. 3A, 4.5 (4-level
 * paging), tables 4-14 to 4-20.  The flag set guests may use is Xen's
 * (P RW US A D, software bits 9-11 and 52-62, NX; G in leaves).
 */
#include <asm/page.h>
#include <asm/paging.h>
#include <pv/pt_validate.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/page_ref.h>

#define PTE_A          (1UL << 5)
#define PTE_D          (1UL << 6)
#define PTE_PAT        (1UL << 7)   /* in an L1 entry (PS in upper levels) */
#define PTE_PAT_LARGE  (1UL << 12)  /* in a 2 MiB or 1 GiB entry */
#define PTE_SOFT_LOW   (7UL << 9)
#define PTE_SOFT_HIGH  (0x7ffUL << 52)

/* Any present entry may carry these besides its frame address. */
#define BASE_BITS (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D | PTE_SOFT_LOW | \
                   PTE_SOFT_HIGH | PTE_NX)
#define CACHE_BITS_4K (PTE_PWT | PTE_PCD | PTE_PAT)

const char *pv_pt_error;
unsigned long pv_l1_fast_hits;

_Static_assert(PV_L1_FAST_BITS == (BASE_BITS | PTE_G),
               "the fast path allows check_bits' level-1 bits without options");
static struct pv_pt_config config;

void pv_pt_configure(const struct pv_pt_config *cfg)
{
    config = *cfg;
}

static int refuse(int rc, const char *why)
{
    pv_pt_error = why;
    return rc;
}

static unsigned int options_of(uint16_t domid)
{
    return config.domain_flags ? config.domain_flags(domid) : 0;
}

static bool slot_is_guest(unsigned int level, unsigned int slot)
{
    return level != 4 || pv_l4_slot_is_guest(slot);
}

static bool is_leaf(unsigned int level, uint64_t e)
{
    return level == 1 || ((level == 2 || level == 3) && (e & PTE_PS));
}

/* A leaf maps 1, 512 (2 MiB) or 512 * 512 (1 GiB) frames from here. */
static unsigned long leaf_first_mfn(unsigned int level, uint64_t e)
{
    unsigned long mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

    return level == 1 ? mfn : mfn & ~((1UL << (9 * (level - 1))) - 1);
}

static unsigned long leaf_frames(unsigned int level)
{
    return 1UL << (9 * (level - 1));
}

/* The bits of a present entry: 0, or -EINVAL for bits it may not have. */
static int check_bits(unsigned int level, uint64_t e, unsigned int options)
{
    uint64_t allowed = BASE_BITS;

    if (level == 1) {
        allowed |= PTE_G | ((options & PV_PT_CACHE_ATTRS) ? CACHE_BITS_4K : 0);
    } else if (is_leaf(level, e)) {
        /* Bit 12 is PAT; bits 13 up to the page size are reserved. */
        uint64_t low = ((1UL << (12 + 9 * (level - 1))) - 1) & PTE_ADDR_MASK;

        if (!(options & PV_PT_SUPERPAGES))
            return refuse(-EINVAL, "superpage (PS) without the superpage option");
        if ((e & PTE_PAT_LARGE) && !(options & PV_PT_CACHE_ATTRS))
            return refuse(-EINVAL, "cache attribute bits without the option");
        if (e & low & ~PTE_PAT_LARGE)
            return refuse(-EINVAL, "superpage frame not aligned to its size");
        allowed |= PTE_PS | PTE_G |
            ((options & PV_PT_CACHE_ATTRS) ? PTE_PWT | PTE_PCD : 0);
    }
    if (e & ~PTE_ADDR_MASK & ~allowed)
        return refuse(-EINVAL, "reserved or unsupported bits in the entry");
    return 0;
}

/* A frame a leaf maps: a general reference, and a writable one with RW. */
static int get_data_frame(unsigned long mfn, bool writable, uint16_t domid)
{
    struct page_info *pg = mfn_to_page(mfn);

    if (!get_page(pg, domid))
        return refuse(-EBUSY, "mapped frame is not the domain's");
    if (writable && get_page_type(pg, PGT_writable_page)) {
        put_page(pg);
        return refuse(-EBUSY, "writable mapping of a page table or descriptor page");
    }
    return 0;
}

static void put_data_frame(unsigned long mfn, bool writable)
{
    if (writable)
        put_page_and_type(mfn_to_page(mfn));
    else
        put_page(mfn_to_page(mfn));
}

static int get_leaf(unsigned int level, uint64_t e, uint16_t domid)
{
    unsigned long first = leaf_first_mfn(level, e), n = leaf_frames(level), i;
    bool writable = e & PTE_RW;
    int rc = 0;

    if (level == 1)             /* the common case: one frame */
        return first < max_page ? get_data_frame(first, writable, domid) :
            refuse(-EPERM, "mapped frame beyond the end of memory");
    if (first >= max_page || n > max_page - first)
        return refuse(-EPERM, "mapped frame beyond the end of memory");
    for (i = 0; i < n && !rc; i++)
        rc = get_data_frame(first + i, writable, domid);
    if (rc)
        for (i--; i-- > 0;)
            put_data_frame(first + i, writable);
    return rc;
}

static void put_leaf(unsigned int level, uint64_t e)
{
    unsigned long first = leaf_first_mfn(level, e), n = leaf_frames(level);

    for (unsigned long i = 0; i < n; i++)
        put_data_frame(first + i, e & PTE_RW);
}

/* An L2..L4 entry that points at a table one level down (or at its own). */
static int get_table(unsigned int level, uint64_t e, unsigned long table_mfn,
                     uint16_t domid)
{
    unsigned long mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    struct page_info *pg;
    int rc;

    if (mfn == table_mfn)
        return (e & PTE_RW) ? refuse(-EINVAL, "writable linear (self) mapping") : 0;
    if (!mfn_valid(mfn))
        return refuse(-EINVAL, "table frame beyond the end of memory");
    pg = mfn_to_page(mfn);
    if (!get_page(pg, domid))
        return refuse(-EINVAL, "table frame is not the domain's");
    pv_pt_error = NULL;                 /* set by a nested validation that fails */
    rc = get_page_type(pg, pt_type_of_level(level - 1));
    if (rc) {
        put_page(pg);
        if (!pv_pt_error)
            pv_pt_error = "table frame in use as another type";
    }
    return rc;
}

/* Check one entry and take its references.  Frames a leaf maps must belong
 * to data_owner: the table's owner, except for a grant mapping. */
static int get_entry(unsigned int level, uint64_t e, unsigned long table_mfn,
                     uint16_t domid, uint16_t data_owner, unsigned int options)
{
    int rc;

    if (!(e & PTE_P))
        return 0;
    rc = check_bits(level, e, options);
    if (rc)
        return rc;
    if (is_leaf(level, e))
        return get_leaf(level, e, data_owner);
    return get_table(level, e, table_mfn, domid);
}

/* Drop what get_entry took for an entry of a validated table. */
static void put_entry(unsigned int level, uint64_t e, unsigned long table_mfn)
{
    unsigned long mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

    if (!(e & PTE_P))
        return;
    if (is_leaf(level, e))
        put_leaf(level, e);
    else if (mfn != table_mfn)
        put_page_and_type(mfn_to_page(mfn));
}

/* The guest kernel runs at CPL3, and guest translations are never global. */
static uint64_t adjust(uint64_t e)
{
    return (e & PTE_P) ? (e | PTE_US) & ~PTE_G : e;
}

int pv_validate_table(struct page_info *pg, unsigned long type)
{
    unsigned int level = pt_level_of_type(type), i;
    unsigned long mfn = page_to_mfn(pg);
    uint16_t domid = page_get_owner(pg);
    unsigned int options = options_of(domid);
    uint64_t *t = mfn_to_virt(mfn);
    int rc = 0;

    BUG_ON(!level);
    /* Nobody else writes the frame: it has no other type, so no writable
     * mapping; reading an entry twice gives the same value. */
    for (i = 0; i < PT_ENTRIES && !rc; i++)
        if (slot_is_guest(level, i))
            rc = get_entry(level, t[i], mfn, domid, domid, options);
    if (rc) {
        for (i--; i-- > 0;)
            if (slot_is_guest(level, i))
                put_entry(level, t[i], mfn);
        return rc;
    }
    for (i = 0; i < PT_ENTRIES; i++)
        if (slot_is_guest(level, i))
            t[i] = adjust(t[i]);
    if (level == 4)
        for (i = 0; i < PV_XEN_L4_SLOTS; i++)
            t[HYPERVISOR_L4_FIRST + i] = config.xen_l4[i];
    return 0;
}

void pv_devalidate_table(struct page_info *pg, unsigned long type)
{
    unsigned int level = pt_level_of_type(type);
    unsigned long mfn = page_to_mfn(pg);
    const uint64_t *t = mfn_to_virt(mfn);

    BUG_ON(!level);
    for (unsigned int i = 0; i < PT_ENTRIES; i++)
        if (slot_is_guest(level, i))
            put_entry(level, t[i], mfn);
}

unsigned int pv_table_level(const struct page_info *pg)
{
    unsigned int level = pt_level_of_type(pg->type_info);

    return level && page_is_validated(pg) && page_type_count(pg) ? level : 0;
}

/* The rest of update_entry, once the table and slot are known to be right. */
static int store_entry(unsigned int level, uint64_t *old, uint64_t new,
                       uint16_t domid, uint16_t data_owner, unsigned long table_mfn,
                       unsigned int slot, unsigned int flags, uint64_t *stored)
{
    uint64_t *p = (uint64_t *)mfn_to_virt(table_mfn) + slot, cur, val;
    /* What decides the references an entry holds: its frame, P, RW, PS. */
    const uint64_t ref_bits = PTE_ADDR_MASK | PTE_P | PTE_RW | PTE_PS;
    bool same_refs;
    int rc;

    cur = __atomic_load_n(p, __ATOMIC_RELAXED);
    /*
     * An entry that keeps its frame, P, RW and PS (a change of flags or of
     * software bits) needs exactly the references the old one holds: check
     * its bits and keep them, taking and dropping nothing.  The hardware
     * changes only A and D meanwhile, so this holds for every value the
     * exchange below may meet.  Only for frames of the table's owner: a
     * grant mapping (data_owner != domid) always takes its own references,
     * and an entry that maps a granted frame is changed only whole.
     */
    same_refs = data_owner == domid && (cur & PTE_P) && !((cur ^ new) & ref_bits) &&
        (!is_leaf(level, cur) ||
         page_get_owner(mfn_to_page(leaf_first_mfn(level, cur))) == domid);
    if (same_refs)
        rc = check_bits(level, new, options_of(domid));
    else
        rc = get_entry(level, new, table_mfn, domid, data_owner, options_of(domid));
    if (rc)
        return rc;
    new = adjust(new);
    do {
        /* Only the hardware changes the entry meanwhile (A and D). */
        if ((flags & PV_ENTRY_CMPXCHG) && cur != *old) {
            if (!same_refs)
                put_entry(level, new, table_mfn);
            *old = cur;
            return PV_ENTRY_CHANGED;
        }
        val = new;
        if (flags & PV_ENTRY_PRESERVE_AD)
            val = (new & ~(PTE_A | PTE_D)) | (cur & (PTE_A | PTE_D));
    } while (!__atomic_compare_exchange_n(p, &cur, val, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_RELAXED));
    if (!same_refs)
        put_entry(level, cur, table_mfn);
    *old = cur;
    if (stored)
        *stored = val;
    return 0;
}

static int update_entry(unsigned int level, uint64_t *old, uint64_t new,
                        uint16_t domid, uint16_t data_owner, unsigned long table_mfn,
                        unsigned int slot, unsigned int flags, uint64_t *stored)
{
    struct page_info *pg;

    if (level < 1 || level > 4 || slot >= PT_ENTRIES || !mfn_valid(table_mfn))
        return refuse(-EINVAL, "no such page-table entry");
    pg = mfn_to_page(table_mfn);
    if (page_state(pg) != PGC_state_inuse || page_get_owner(pg) != domid ||
        pv_table_level(pg) != level)
        return refuse(-EINVAL, "not a validated page table of that level of the domain's");
    if (!slot_is_guest(level, slot))
        return refuse(-EINVAL, "L4 slot of the hypervisor");
    return store_entry(level, old, new, domid, data_owner, table_mfn, slot, flags, stored);
}

int pv_update_checked_entry(unsigned int level, uint64_t *old, uint64_t new,
                            uint16_t domid, unsigned long table_mfn, unsigned int slot,
                            unsigned int flags, uint64_t *stored)
{
    ASSERT(level >= 1 && level <= 4 && slot < PT_ENTRIES && mfn_valid(table_mfn));
    ASSERT(page_state(mfn_to_page(table_mfn)) == PGC_state_inuse &&
           page_get_owner(mfn_to_page(table_mfn)) == domid &&
           pv_table_level(mfn_to_page(table_mfn)) == level);
    if (level == 1 && !flags &&
        pv_update_l1_fast((uint64_t *)mfn_to_virt(table_mfn) + slot, new, domid, old) == 0) {
        if (stored)
            *stored = adjust(new);
        return 0;
    }
    if (!slot_is_guest(level, slot))
        return refuse(-EINVAL, "L4 slot of the hypervisor");
    return store_entry(level, old, new, domid, domid, table_mfn, slot, flags, stored);
}

int pv_validate_entry(unsigned int level, uint64_t *old, uint64_t new,
                      uint16_t domid, unsigned long table_mfn, unsigned int slot,
                      unsigned int flags, uint64_t *stored)
{
    return update_entry(level, old, new, domid, domid, table_mfn, slot, flags, stored);
}

int pv_validate_grant_entry(uint64_t *old, uint64_t new, uint16_t domid,
                            uint16_t granter, unsigned long table_mfn, unsigned int slot)
{
    /* Only a 4 KiB leaf: a superpage or table entry cannot carry a grant. */
    if (!(new & PTE_P))
        return refuse(-EINVAL, "grant mapping that is not present");
    return update_entry(1, old, new, domid, granter, table_mfn, slot, 0, NULL);
}
