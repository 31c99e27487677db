/*
 * Grant tables, version 1 (xeno/grant_table.h): the entry state machine the
 * hypervisor and the granting guest share, the active (pin) counts behind
 * it, table growth, transfer's commit protocol, and map handles.
 */
#include <xeno/compiler.h>
#include <xeno/errno.h>
#include <xeno/grant_table.h>
#include <xeno/lib.h>
#include <xeno/string.h>

/* How often a compare-and-exchange on a guest entry is retried before the
 * guest is taken to be racing us on purpose (as Xen: five tries). */
#define ENTRY_TRIES 5

/* flags (bits 0-15) and domid (bits 16-31) of an entry, as one word. */
typedef uint32_t __attribute__((may_alias)) entry_word;

static const struct gnttab_frame_ops *frame_ops;

void gnttab_set_frame_ops(const struct gnttab_frame_ops *ops)
{
    BUG_ON(!ops || !ops->alloc || !ops->free);
    frame_ops = ops;
}

static struct grant_entry_v1 *entry(struct gnttab *gt, grant_ref_t ref)
{
    return &gt->frames[ref / GNTTAB_ENTRIES_PER_FRAME].shared[ref % GNTTAB_ENTRIES_PER_FRAME];
}

static struct gnttab_active *active(struct gnttab *gt, grant_ref_t ref)
{
    return &gt->frames[ref / GNTTAB_ENTRIES_PER_FRAME].active[ref % GNTTAB_ENTRIES_PER_FRAME];
}

static entry_word *entry_word_of(struct grant_entry_v1 *e)
{
    BUILD_BUG_ON(__builtin_offsetof(struct grant_entry_v1, flags) != 0);
    BUILD_BUG_ON(__builtin_offsetof(struct grant_entry_v1, domid) != 2);
    return (entry_word *)e;
}

static uint16_t word_flags(uint32_t w)
{
    return (uint16_t)w;
}

static uint16_t word_domid(uint32_t w)
{
    return (uint16_t)(w >> 16);
}

/* ------------------------------------------------------------------------
 * The table and its frames.
 */

int gnttab_init(struct gnttab *gt, uint16_t domid, unsigned int max_frames)
{
    if (max_frames == 0 || max_frames > GNTTAB_MAX_FRAMES)
        return -EINVAL;
    memset(gt, 0, sizeof(*gt));
    spin_lock_init(&gt->lock);
    gt->domid = domid;
    gt->max_frames = max_frames;
    return 0;
}

int gnttab_destroy(struct gnttab *gt)
{
    spin_lock(&gt->lock);
    if (gt->nr_pinned) {
        spin_unlock(&gt->lock);
        return -EBUSY;
    }
    while (gt->nr_frames) {
        gt->nr_frames--;
        frame_ops->free(gt, gt->nr_frames, &gt->frames[gt->nr_frames]);
        memset(&gt->frames[gt->nr_frames], 0, sizeof(gt->frames[0]));
    }
    spin_unlock(&gt->lock);
    return 0;
}

static int grow_locked(struct gnttab *gt, unsigned int nr_frames)
{
    BUG_ON(!frame_ops);
    if (nr_frames > gt->max_frames)
        return -EINVAL;
    while (gt->nr_frames < nr_frames) {
        struct gnttab_frame *f = &gt->frames[gt->nr_frames];
        int rc = frame_ops->alloc(gt, gt->nr_frames, f);

        if (rc)
            return rc;
        BUG_ON(!f->shared || !f->active);
        gt->nr_frames++;
    }
    return 0;
}

int gnttab_grow(struct gnttab *gt, unsigned int nr_frames)
{
    int rc;

    spin_lock(&gt->lock);
    rc = grow_locked(gt, nr_frames);
    spin_unlock(&gt->lock);
    return rc;
}

int16_t gnttab_setup_table(struct gnttab *gt, unsigned int nr_frames, uint64_t *mfns)
{
    int16_t status = GNTST_okay;

    spin_lock(&gt->lock);
    if (grow_locked(gt, nr_frames))
        status = GNTST_general_error;
    else
        for (unsigned int i = 0; i < nr_frames; i++)
            mfns[i] = gt->frames[i].mfn;
    spin_unlock(&gt->lock);
    return status;
}

void gnttab_query_size(struct gnttab *gt, struct gnttab_query_size *op)
{
    spin_lock(&gt->lock);
    op->nr_frames = gt->nr_frames;
    op->max_nr_frames = gt->max_frames;
    op->status = GNTST_okay;
    spin_unlock(&gt->lock);
}

int gnttab_set_version(struct gnttab_set_version *op)
{
    int rc = 0;

    if (op->version == 2)
        rc = -ENOSYS;           /* as Xen when v2 is not offered */
    else if (op->version != 1)
        rc = -EINVAL;
    op->version = 1;
    return rc;
}

/* ------------------------------------------------------------------------
 * Pins.
 */

/*
 * Set GTF_reading (and GTF_writing) on the guest's entry.  The entry is
 * checked only for the first pin: later ones ride on the grant already held,
 * which the guest cannot take back while the flags are set.
 */
static int16_t mark_in_use(struct grant_entry_v1 *e, bool first, bool readonly,
                           enum gnttab_use use, uint16_t user)
{
    uint16_t type_mask = GTF_type_mask | (use == GNTTAB_MAP ? GTF_sub_page : 0);
    entry_word *word = entry_word_of(e);
    uint32_t old = __atomic_load_n(word, __ATOMIC_SEQ_CST);

    for (unsigned int tries = 1;; tries++) {
        uint16_t flags = word_flags(old);
        uint16_t set = GTF_reading;

        if (first && ((flags & type_mask) != GTF_permit_access ||
                      word_domid(old) != user))
            return GNTST_general_error;
        if (!readonly) {
            if (flags & GTF_readonly)
                return GNTST_general_error;
            set |= GTF_writing;
        }
        if (__atomic_compare_exchange_n(word, &old, old | set, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return GNTST_okay;
        if (tries == ENTRY_TRIES)
            return GNTST_general_error;
    }
}

int16_t gnttab_acquire(struct gnttab *gt, grant_ref_t ref, uint16_t user,
                       bool readonly, enum gnttab_use use, uint32_t *frame)
{
    struct gnttab_active *act;
    int16_t status = GNTST_okay;
    bool pinned;

    spin_lock(&gt->lock);
    if (ref >= gnttab_nr_entries(gt)) {
        status = GNTST_bad_gntref;
        goto out;
    }
    act = active(gt, ref);
    pinned = act->pin_ro || act->pin_rw;
    if ((pinned && act->domid != user) ||
        (readonly ? act->pin_ro : act->pin_rw) >= GNTTAB_MAX_PINS) {
        status = GNTST_general_error;
        goto out;
    }
    if (!pinned || (!readonly && !act->pin_rw)) {
        status = mark_in_use(entry(gt, ref), !pinned, readonly, use, user);
        if (status != GNTST_okay)
            goto out;
        if (!pinned) {
            /* The guest wrote frame before flags; our exchange ordered it. */
            act->domid = user;
            act->frame = READ_ONCE(entry(gt, ref)->frame);
            gt->nr_pinned++;
        }
    }
    if (readonly)
        act->pin_ro++;
    else
        act->pin_rw++;
    *frame = act->frame;
out:
    spin_unlock(&gt->lock);
    return status;
}

void gnttab_release(struct gnttab *gt, grant_ref_t ref, bool readonly)
{
    struct gnttab_active *act;
    uint16_t clear = 0;

    spin_lock(&gt->lock);
    BUG_ON(ref >= gnttab_nr_entries(gt));
    act = active(gt, ref);
    if (readonly) {
        BUG_ON(!act->pin_ro);
        act->pin_ro--;
    } else {
        BUG_ON(!act->pin_rw);
        act->pin_rw--;
        if (!act->pin_rw)
            clear |= GTF_writing;
    }
    if (!act->pin_ro && !act->pin_rw) {
        clear |= GTF_reading;
        gt->nr_pinned--;
    }
    if (clear)
        __atomic_fetch_and(&entry(gt, ref)->flags, (uint16_t)~clear, __ATOMIC_SEQ_CST);
    spin_unlock(&gt->lock);
}

struct gnttab_active gnttab_active_of(struct gnttab *gt, grant_ref_t ref)
{
    struct gnttab_active a = { 0 };

    spin_lock(&gt->lock);
    if (ref < gnttab_nr_entries(gt))
        a = *active(gt, ref);
    spin_unlock(&gt->lock);
    return a;
}

int16_t gnttab_copy_check(const struct gnttab_copy *op)
{
    if ((unsigned int)op->source.offset + op->len > 4096 ||
        (unsigned int)op->dest.offset + op->len > 4096)
        return GNTST_bad_copy_arg;
    return GNTST_okay;
}

/* ------------------------------------------------------------------------
 * Transfer: accept_transfer -> committed -> completed with the new frame.
 */

int16_t gnttab_transfer_begin(struct gnttab *gt, grant_ref_t ref, uint16_t sender,
                              uint64_t mfn)
{
    int16_t status = GNTST_general_error;
    entry_word *word;
    uint32_t old;

    if (mfn > UINT32_MAX)
        return GNTST_address_too_big;
    spin_lock(&gt->lock);
    if (ref >= gnttab_nr_entries(gt))
        goto out;
    word = entry_word_of(entry(gt, ref));
    old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    for (unsigned int tries = 1;; tries++) {
        /* Exactly accept_transfer: no subflag may be set yet. */
        if (word_flags(old) != GTF_accept_transfer || word_domid(old) != sender)
            goto out;
        if (__atomic_compare_exchange_n(word, &old, old | GTF_transfer_committed,
                                        false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            status = GNTST_okay;
            goto out;
        }
        if (tries == ENTRY_TRIES)
            goto out;
    }
out:
    spin_unlock(&gt->lock);
    return status;
}

/* The frame first, then the flag the guest waits for. */
void gnttab_transfer_end(struct gnttab *gt, grant_ref_t ref, uint64_t mfn)
{
    struct grant_entry_v1 *e;

    spin_lock(&gt->lock);
    BUG_ON(ref >= gnttab_nr_entries(gt) || mfn > UINT32_MAX);
    e = entry(gt, ref);
    BUG_ON(!(READ_ONCE(e->flags) & GTF_transfer_committed));
    __atomic_store_n(&e->frame, (uint32_t)mfn, __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&e->flags, (uint16_t)GTF_transfer_completed, __ATOMIC_SEQ_CST);
    spin_unlock(&gt->lock);
}

/* ------------------------------------------------------------------------
 * Handles.  Free ones form a list through their ref field.
 */

void gnttab_maptrack_init(struct gnttab_maptrack *mt, struct gnttab_handle *slots,
                          unsigned int nr)
{
    spin_lock_init(&mt->lock);
    mt->nr = nr;
    mt->used = 0;
    mt->slots = slots;
    mt->free_head = 0;
    for (unsigned int i = 0; i < nr; i++)
        slots[i] = (struct gnttab_handle){ .ref = i + 1 };
}

struct gnttab_handle *gnttab_maptrack_grow(struct gnttab_maptrack *mt,
                                           struct gnttab_handle *slots, unsigned int nr)
{
    struct gnttab_handle *old;

    spin_lock(&mt->lock);
    BUG_ON(nr <= mt->nr);
    old = mt->slots;
    if (mt->nr)
        memcpy(slots, old, mt->nr * sizeof(*slots));
    /* The free list ends at the old count, which is now the first new slot:
     * chaining the new ones from there extends it without walking it. */
    for (unsigned int i = mt->nr; i < nr; i++)
        slots[i] = (struct gnttab_handle){ .ref = i + 1 };
    mt->slots = slots;
    mt->nr = nr;
    spin_unlock(&mt->lock);
    return old;
}

int16_t gnttab_map(struct gnttab_maptrack *mt, struct gnttab *gt, grant_ref_t ref,
                   uint16_t user, bool readonly, grant_handle_t *handle,
                   uint32_t *frame)
{
    struct gnttab_handle *slot;
    int16_t status;
    unsigned int h;

    spin_lock(&mt->lock);
    h = mt->free_head;
    if (h >= mt->nr) {
        status = GNTST_no_space;
        goto out;
    }
    status = gnttab_acquire(gt, ref, user, readonly, GNTTAB_MAP, frame);
    if (status != GNTST_okay)
        goto out;
    slot = &mt->slots[h];
    mt->free_head = slot->ref;
    slot->domid = gt->domid;
    slot->flags = (uint16_t)(GNTTAB_HANDLE_USED | (readonly ? GNTTAB_HANDLE_READONLY : 0));
    slot->ref = ref;
    mt->used++;
    *handle = h;
out:
    spin_unlock(&mt->lock);
    return status;
}

int16_t gnttab_handle_get(struct gnttab_maptrack *mt, grant_handle_t handle,
                          struct gnttab_handle *out)
{
    int16_t status = GNTST_bad_handle;

    spin_lock(&mt->lock);
    if (handle < mt->nr && (mt->slots[handle].flags & GNTTAB_HANDLE_USED)) {
        *out = mt->slots[handle];
        status = GNTST_okay;
    }
    spin_unlock(&mt->lock);
    return status;
}

int16_t gnttab_unmap(struct gnttab_maptrack *mt, grant_handle_t handle,
                     struct gnttab *gt)
{
    struct gnttab_handle *slot;
    int16_t status = GNTST_bad_handle;

    spin_lock(&mt->lock);
    if (handle >= mt->nr)
        goto out;
    slot = &mt->slots[handle];
    if (!(slot->flags & GNTTAB_HANDLE_USED) || slot->domid != gt->domid)
        goto out;
    gnttab_release(gt, slot->ref, slot->flags & GNTTAB_HANDLE_READONLY);
    *slot = (struct gnttab_handle){ .ref = mt->free_head };
    mt->free_head = handle;
    mt->used--;
    status = GNTST_okay;
out:
    spin_unlock(&mt->lock);
    return status;
}
