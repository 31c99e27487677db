/*
 * Grant tables, version 1 (Xen's model; see docs/abi.md).
 *
 * The granting side.  Each domain's table (struct gnttab) is a set of frames
 * it shares with the hypervisor, 512 struct grant_entry_v1 each, grown on
 * demand (setup_table) up to a per-domain maximum, with a hypervisor-only
 * "active" entry per grant that counts how often it is pinned, read-only and
 * writable, and by whom.  The first pin of a kind sets GTF_reading (and
 * GTF_writing for a writable one) in the guest's entry with one
 * compare-and-exchange of flags and domid together, after checking that the
 * entry still permits the pinning domain (GTF_permit_access, domid, not
 * GTF_readonly for writing); the last pin of a kind clears its flag.  A
 * granter that takes its grant back does so with its own compare-and-exchange
 * expecting neither flag, which therefore fails while the grant is mapped or
 * being copied: that is how revoking a grant in use is refused.
 *
 * The mapping side.  Each domain that maps grants has a handle table
 * (struct gnttab_maptrack, storage supplied by the caller) recording which
 * grant each of its mappings holds, so unmap_grant_ref(handle) releases the
 * right pin.
 *
 * What is not here: page references on the granted frame, page-table entries
 * and TLB flushes (the hypercall layer does those between acquire and
 * release), and domain lookup.
 *
 * Locking: each struct gnttab has a lock over its entries' flags (the
 * hypervisor's side), its active entries and its frames; each maptrack has
 * one over its handles.  Every function takes what it needs; callers hold
 * none of them.  The only nesting is maptrack -> gnttab (map and unmap), so
 * no cycle can form; a copy between two grants acquires and releases each
 * separately.  The frame hooks run with the gnttab lock held.
 */
#ifndef XENO_GRANT_TABLE_H
#define XENO_GRANT_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <public/grant_table.h>
#include <xeno/spinlock.h>

#define GNTTAB_ENTRIES_PER_FRAME (4096 / sizeof(struct grant_entry_v1))
/* Xen's default limit, and the most any table here may have. */
#define GNTTAB_MAX_FRAMES 64
/* Pins of one kind (read-only or writable) a grant may carry at once. */
#define GNTTAB_MAX_PINS 0x7fff

struct gnttab_active {
    uint16_t domid;             /* the domain holding the pins */
    uint16_t pin_ro;            /* read-only maps and copies from the grant */
    uint16_t pin_rw;            /* writable maps and copies into it */
    uint16_t pad;
    uint32_t frame;             /* the entry's frame when first pinned */
};

struct gnttab_frame {
    struct grant_entry_v1 *shared;  /* the hypervisor's view of the shared frame */
    uint64_t mfn;                   /* what setup_table reports to the guest */
    struct gnttab_active *active;   /* GNTTAB_ENTRIES_PER_FRAME of them */
};

struct gnttab {
    spinlock_t lock;
    uint16_t domid;             /* the granting domain */
    unsigned int nr_frames;
    unsigned int max_frames;
    unsigned int nr_pinned;     /* grants with any pin */
    struct gnttab_frame frames[GNTTAB_MAX_FRAMES];
    void *owner;                /* the caller's own structure (struct domain) */
};

struct gnttab_frame_ops {
    /* Provide frame i of gt: f->shared a zeroed page shared with the guest,
     * f->mfn its machine frame, f->active zeroed storage for
     * GNTTAB_ENTRIES_PER_FRAME active entries.  0 or -ENOMEM. */
    int (*alloc)(struct gnttab *gt, unsigned int i, struct gnttab_frame *f);
    /* Give back what alloc provided (at gnttab_destroy). */
    void (*free)(struct gnttab *gt, unsigned int i, struct gnttab_frame *f);
};

/* Install the frame hooks (once at boot; tests install their own). */
void gnttab_set_frame_ops(const struct gnttab_frame_ops *ops);

/* An empty table (no frames) for domid, growable to max_frames (1..64). */
int gnttab_init(struct gnttab *gt, uint16_t domid, unsigned int max_frames);
/* Free every frame; -EBUSY (and nothing freed) while any grant is pinned:
 * the mappers must unmap first, so the domain lingers until they have. */
int gnttab_destroy(struct gnttab *gt);

/* Grow to at least nr_frames frames: 0, -EINVAL beyond max_frames, -ENOMEM. */
int gnttab_grow(struct gnttab *gt, unsigned int nr_frames);
static inline unsigned int gnttab_nr_entries(const struct gnttab *gt)
{
    return gt->nr_frames * (unsigned int)GNTTAB_ENTRIES_PER_FRAME;
}

/* GNTTABOP_setup_table for gt: grow to nr_frames and write the first
 * nr_frames machine frames to mfns.  GNTST_okay or GNTST_general_error
 * (too many frames, or out of memory). */
int16_t gnttab_setup_table(struct gnttab *gt, unsigned int nr_frames, uint64_t *mfns);
/* GNTTABOP_query_size for gt. */
void gnttab_query_size(struct gnttab *gt, struct gnttab_query_size *op);
/* GNTTABOP_set_version: 1 is accepted (0), 2 is -ENOSYS, others -EINVAL;
 * op->version is 1 afterwards.  GNTTABOP_get_version likewise answers 1. */
int gnttab_set_version(struct gnttab_set_version *op);

/*
 * Pin grant ref of gt for domain user, read-only or writable, and say which
 * frame it grants.  For a map (GNTTAB_MAP) or a copy (GNTTAB_COPY; a v1
 * entry differs only in that a map refuses GTF_sub_page).  Returns
 * GNTST_okay, GNTST_bad_gntref (no such entry) or GNTST_general_error
 * (not granted to user, revoked, read-only for a writable pin, pinned by
 * another domain, too many pins, or the guest kept changing the entry).
 * Every successful acquire is undone by exactly one gnttab_release.
 */
enum gnttab_use { GNTTAB_MAP, GNTTAB_COPY };
int16_t gnttab_acquire(struct gnttab *gt, grant_ref_t ref, uint16_t user,
                       bool readonly, enum gnttab_use use, uint32_t *frame);
void gnttab_release(struct gnttab *gt, grant_ref_t ref, bool readonly);

/* The state of one grant, for checks and debugging. */
struct gnttab_active gnttab_active_of(struct gnttab *gt, grant_ref_t ref);

/*
 * GNTTABOP_copy's argument checks that need no domain: each side's
 * [offset, offset + len) within one page.  GNTST_okay or GNTST_bad_copy_arg.
 */
int16_t gnttab_copy_check(const struct gnttab_copy *op);

/*
 * GNTTABOP_transfer, receiving side.  transfer_begin: the entry ref of gt
 * must be exactly GTF_accept_transfer for sender; it becomes
 * GTF_transfer_committed (compare-and-exchange).  GNTST_okay,
 * GNTST_address_too_big (mfn does not fit a v1 entry), or
 * GNTST_general_error (no such entry, not accepting from sender, or the
 * guest kept changing it).  Do every check that can fail (the receiver's
 * memory limit, the page's ownership) before it: once committed, the guest
 * waits for GTF_transfer_completed, which transfer_end sets after writing
 * the new frame.
 */
int16_t gnttab_transfer_begin(struct gnttab *gt, grant_ref_t ref, uint16_t sender,
                              uint64_t mfn);
void gnttab_transfer_end(struct gnttab *gt, grant_ref_t ref, uint64_t mfn);

/* ---- The mapping side: handles. */

#define GNTTAB_HANDLE_USED 1U
#define GNTTAB_HANDLE_READONLY 2U

struct gnttab_handle {
    uint16_t domid;             /* the granting domain */
    uint16_t flags;             /* GNTTAB_HANDLE_* */
    uint32_t ref;               /* the grant, or the next free handle */
};

struct gnttab_maptrack {
    spinlock_t lock;
    unsigned int nr;            /* handles 0 .. nr-1 */
    unsigned int used;
    unsigned int free_head;     /* nr when none is free */
    struct gnttab_handle *slots;
};

/* Handles for a mapping domain, in slots[nr] (caller's storage; nr may be 0). */
void gnttab_maptrack_init(struct gnttab_maptrack *mt, struct gnttab_handle *slots,
                          unsigned int nr);
/* More handles: slots (nr of them, more than now) replaces the storage, the
 * handles in use copied over at the same numbers and the new ones free.
 * Returns the old storage, for the caller to free. */
struct gnttab_handle *gnttab_maptrack_grow(struct gnttab_maptrack *mt,
                                           struct gnttab_handle *slots, unsigned int nr);

/*
 * map_grant_ref's bookkeeping: acquire ref of gt for user (GNTTAB_MAP) and
 * record it under a new handle.  GNTST_okay with *handle and *frame set,
 * GNTST_no_space (no free handle), or gnttab_acquire's errors.  If the
 * hypercall layer then fails to map the frame, gnttab_unmap undoes it.
 */
int16_t gnttab_map(struct gnttab_maptrack *mt, struct gnttab *gt, grant_ref_t ref,
                   uint16_t user, bool readonly, grant_handle_t *handle,
                   uint32_t *frame);
/* What handle holds (to find its granting domain): GNTST_okay or
 * GNTST_bad_handle. */
int16_t gnttab_handle_get(struct gnttab_maptrack *mt, grant_handle_t handle,
                          struct gnttab_handle *out);
/* unmap_grant_ref's bookkeeping: release handle's pin on gt (the table of
 * the domain gnttab_handle_get named) and free the handle.  GNTST_okay or
 * GNTST_bad_handle (unused handle, or gt is not its granter's). */
int16_t gnttab_unmap(struct gnttab_maptrack *mt, grant_handle_t handle,
                     struct gnttab *gt);

#endif /* XENO_GRANT_TABLE_H */
