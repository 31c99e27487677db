/*
 * Grant tables from a test guest (grant_table, grant_peers, grant_orphan): the
 * domain's own table, entries granting a page, GNTTABOP map, unmap and copy
 * wrappers that give the op's status, and the frame of a test of two domains.
 *
 * The wrappers give the hypercall's return value instead when it is not 0 (an
 * -errno, as an int16_t), and preset each status to 99 (no GNTST_ value) so that
 * one the hypervisor never wrote shows.
 */
#ifndef GUEST_GRANTS_H
#define GUEST_GRANTS_H
#include "pagetable.h"
#include "xtest.h"

/* Fails the test unless GNTST status GOT is WANT (as expect_rc for return values). */
void expect_status(const char *what, int16_t got, int16_t want);

/* The domain's own table of one frame (setup_table), mapped writable at scratch
 * page 0 (pagetable.h); aborts the test if either is refused. Inline: the scratch
 * window is the caller's (region_end() is found once per file that asks). */
static inline struct grant_entry_v1 *grant_own_table(void)
{
    uint64_t frame = 0;
    struct gnttab_setup_table op = { .dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = (uint64_t)&frame };

    if (hc_grant_table_op(GNTTABOP_setup_table, &op, 1) || op.status)
        xtest_abort("setup_table: status %d", op.status);
    if (scratch_map(0, frame, PTE_RW_FLAGS))
        xtest_abort("cannot map the grant table frame %#lx", frame);
    return (struct grant_entry_v1 *)scratch_va(0);
}

/* Entry REF of table GT for DOMID: FRAME (or the frame of PAGE, an image address)
 * with FLAGS, written last (release), as a guest must. */
void grant_frame(struct grant_entry_v1 *gt, unsigned int ref, uint16_t domid, uint64_t frame,
                 uint16_t flags);
void grant_page(struct grant_entry_v1 *gt, unsigned int ref, uint16_t domid, void *page,
                uint16_t flags);

/* GNTTABOP_map_grant_ref of DOM's grant REF at VA with FLAGS (GNTMAP_*); the
 * handle goes to *HANDLE if HANDLE is not NULL. */
int16_t grant_map(uint16_t dom, unsigned int ref, uint64_t va, uint32_t flags,
                  grant_handle_t *handle);
/* GNTTABOP_unmap_grant_ref of the mapping at VA. */
int16_t grant_unmap(uint64_t va, grant_handle_t handle);
/* GNTTABOP_copy of one op. */
int16_t grant_copy(struct gnttab_copy op);
/* Copy ops: LEN bytes from DOM's grant REF at OFF to image address TO + TO_OFF,
 * and from image address FROM + OFF to DOM's grant REF at TO_OFF. */
struct gnttab_copy grant_copy_from(uint16_t dom, unsigned int ref, uint16_t off, void *to,
                                   uint16_t to_off, uint16_t len);
struct gnttab_copy grant_copy_to(void *from, uint16_t off, uint16_t dom, unsigned int ref,
                                 uint16_t to_off, uint16_t len);

/* ---- grant tests of two domains (manifest: peers = 2; peers.h) */

/* test_main of such a test: a line naming both domains, then GRANTER in peer 0
 * and MAPPER in peer 1. */
void grant_pair_run(void (*granter)(void), void (*mapper)(void));
/* This peer's domain id, and the other peer's. */
uint16_t grant_pair_self(void);
uint16_t grant_pair_other(void);
#endif
