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
#include "xtest.h"

/* Fails the test unless GNTST status GOT is WANT (as expect_rc for return values). */
void expect_status(const char *what, int16_t got, int16_t want);

/* The domain's own table of one frame, mapped writable; aborts the test if that is
 * refused. pv64 (lib/pv64/grant_frames.c): setup_table, mapped at scratch page 0
 * (pagetable.h), which a test that calls this must leave alone. pvh64
 * (lib/pvh64/grant_frames.c): XENMAPSPACE_grant_table frame 0 at the runtime's
 * first grant page (pvh.h). */
struct grant_entry_v1 *grant_own_table(void);

/* Entry REF of table GT for DOMID: FRAME (or the frame of PAGE, an image address:
 * virt_to_mfn(), an mfn in pv64, a gpfn in pvh64) with FLAGS, written last
 * (release), as a guest must. */
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
