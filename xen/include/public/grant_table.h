/*
 * grant_table_op sub-ops, the version 1 grant entry and its flags, and the
 * argument blocks (Xen public/grant_table.h).  Written from the facts in
 * Xen's header; every layout is checked below against the x86_64 offsets of
 * Xen's own structures.
 *
 * A domain's grant table is an array of 8-byte entries in frames it shares
 * with the hypervisor (512 per 4 KiB frame).  The granting guest writes
 * domid and frame, then flags (GTF_permit_access, maybe GTF_readonly); the
 * hypervisor sets GTF_reading/GTF_writing while the grant is mapped or being
 * copied, with a compare-and-exchange on the flags and domid together, so
 * that a guest taking the grant back (its own compare-and-exchange of the
 * flags to 0, expecting neither bit) fails while the grant is in use.
 */
#ifndef PUBLIC_GRANT_TABLE_H
#define PUBLIC_GRANT_TABLE_H
#include <stdint.h>

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

struct grant_entry_v1 {
    uint16_t flags;             /* GTF_*: type and state [guest and hypervisor] */
    uint16_t domid;             /* the domain being granted access [guest] */
    /* permit_access: the frame domid may map or copy [guest].
     * accept_transfer: the pfn slot to fill; once GTF_transfer_completed,
     * the machine frame now owned [hypervisor]. */
    uint32_t frame;
};
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1 layout");
_Static_assert(__builtin_offsetof(struct grant_entry_v1, domid) == 2, "grant_entry_v1.domid");
_Static_assert(__builtin_offsetof(struct grant_entry_v1, frame) == 4, "grant_entry_v1.frame");

#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE 0
#define GNTTAB_RESERVED_XENSTORE 1

/* Entry type (flags bits 0-1). */
#define GTF_invalid (0U << 0)
#define GTF_permit_access (1U << 0)
#define GTF_accept_transfer (2U << 0)
#define GTF_transitive (3U << 0)
#define GTF_type_mask (3U << 0)

/* Subflags of permit_access. */
#define GTF_readonly (1U << 2)      /* [guest] read-only mappings and copies only */
#define GTF_reading (1U << 3)       /* [hypervisor] mapped or copied from */
#define GTF_writing (1U << 4)       /* [hypervisor] mapped writable or copied to */
#define GTF_PWT (1U << 5)
#define GTF_PCD (1U << 6)
#define GTF_PAT (1U << 7)
#define GTF_sub_page (1U << 8)      /* v2 only: copy, never map */

/* Subflags of accept_transfer. */
#define GTF_transfer_committed (1U << 2)    /* [hypervisor] a frame is on its way */
#define GTF_transfer_completed (1U << 3)    /* [hypervisor] frame holds the new mfn */

#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10
#define GNTTABOP_swap_grant_ref 11
#define GNTTABOP_cache_flush 12

/* map_grant_ref flags. */
#define GNTMAP_device_map (1U << 0)
#define GNTMAP_host_map (1U << 1)
#define GNTMAP_readonly (1U << 2)
#define GNTMAP_application_map (1U << 3)
#define GNTMAP_contains_pte (1U << 4)
#define GNTMAP_guest_avail0_shift 16    /* bits 16+: the guest's available PTE bits */

/* Per-op status codes (in each op's status field; all errors negative). */
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)
#define GNTST_no_space (-13)

struct gnttab_map_grant_ref {
    uint64_t host_addr;         /* in: VA, or PTE machine address with contains_pte */
    uint32_t flags;             /* in: GNTMAP_* */
    grant_ref_t ref;            /* in */
    uint16_t dom;               /* in: the granting domain */
    int16_t status;             /* out: GNTST_* */
    grant_handle_t handle;      /* out */
    uint64_t dev_bus_addr;      /* out */
};
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, ref) == 12, "map_grant_ref.ref");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, dom) == 16, "map_grant_ref.dom");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, status) == 18, "map_grant_ref.status");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, handle) == 20, "map_grant_ref.handle");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24, "map_grant_ref.dev_bus_addr");

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t status;
    uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref");
_Static_assert(__builtin_offsetof(struct gnttab_unmap_grant_ref, handle) == 16, "unmap_grant_ref.handle");
_Static_assert(__builtin_offsetof(struct gnttab_unmap_grant_ref, status) == 20, "unmap_grant_ref.status");

struct gnttab_setup_table {
    uint16_t dom;               /* in: DOMID_SELF, or another (privileged only) */
    uint16_t pad0;
    uint32_t nr_frames;         /* in */
    int16_t status;             /* out */
    uint16_t pad1[3];
    uint64_t frame_list;        /* in: guest address of nr_frames uint64_t frame numbers (out) */
};
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table");
_Static_assert(__builtin_offsetof(struct gnttab_setup_table, nr_frames) == 4, "setup_table.nr_frames");
_Static_assert(__builtin_offsetof(struct gnttab_setup_table, status) == 8, "setup_table.status");
_Static_assert(__builtin_offsetof(struct gnttab_setup_table, frame_list) == 16, "setup_table.frame_list");

struct gnttab_dump_table {
    uint16_t dom;
    int16_t status;
};
_Static_assert(sizeof(struct gnttab_dump_table) == 4, "gnttab_dump_table");

/* transfer: give frame mfn to <domid>, into its grant ref (accept_transfer). */
struct gnttab_transfer {
    uint64_t mfn;               /* in */
    uint16_t domid;             /* in */
    uint16_t pad0;
    grant_ref_t ref;            /* in */
    int16_t status;             /* out */
    uint16_t pad1[3];
};
_Static_assert(sizeof(struct gnttab_transfer) == 24, "gnttab_transfer");
_Static_assert(__builtin_offsetof(struct gnttab_transfer, domid) == 8, "transfer.domid");
_Static_assert(__builtin_offsetof(struct gnttab_transfer, ref) == 12, "transfer.ref");
_Static_assert(__builtin_offsetof(struct gnttab_transfer, status) == 16, "transfer.status");

#define GNTCOPY_source_gref (1U << 0)
#define GNTCOPY_dest_gref (1U << 1)

struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;        /* with GNTCOPY_*_gref: a grant of domid's */
        uint64_t gmfn;          /* without: a frame of the caller's own */
    } u;
    uint16_t domid;
    uint16_t offset;
    uint32_t pad;
};
_Static_assert(sizeof(struct gnttab_copy_ptr) == 16, "gnttab_copy_ptr");
_Static_assert(__builtin_offsetof(struct gnttab_copy_ptr, domid) == 8, "gnttab_copy_ptr.domid");
_Static_assert(__builtin_offsetof(struct gnttab_copy_ptr, offset) == 10, "gnttab_copy_ptr.offset");

struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags;             /* GNTCOPY_* */
    int16_t status;             /* out */
    uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy");
_Static_assert(__builtin_offsetof(struct gnttab_copy, dest) == 16, "gnttab_copy.dest");
_Static_assert(__builtin_offsetof(struct gnttab_copy, len) == 32, "gnttab_copy.len");
_Static_assert(__builtin_offsetof(struct gnttab_copy, flags) == 34, "gnttab_copy.flags");
_Static_assert(__builtin_offsetof(struct gnttab_copy, status) == 36, "gnttab_copy.status");

struct gnttab_query_size {
    uint16_t dom;               /* in */
    uint16_t pad0;
    uint32_t nr_frames;         /* out */
    uint32_t max_nr_frames;     /* out */
    int16_t status;             /* out */
    uint16_t pad1;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size");
_Static_assert(__builtin_offsetof(struct gnttab_query_size, nr_frames) == 4, "query_size.nr_frames");
_Static_assert(__builtin_offsetof(struct gnttab_query_size, max_nr_frames) == 8, "query_size.max_nr_frames");
_Static_assert(__builtin_offsetof(struct gnttab_query_size, status) == 12, "query_size.status");

struct gnttab_unmap_and_replace {
    uint64_t host_addr;
    uint64_t new_addr;
    grant_handle_t handle;
    int16_t status;
    uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_unmap_and_replace) == 24, "gnttab_unmap_and_replace");
_Static_assert(__builtin_offsetof(struct gnttab_unmap_and_replace, status) == 20, "unmap_and_replace.status");

/* set_version: 1 is the only version Xeno offers (2 answers -ENOSYS, others -EINVAL). */
struct gnttab_set_version {
    uint32_t version;           /* in/out */
};
_Static_assert(sizeof(struct gnttab_set_version) == 4, "gnttab_set_version");

struct gnttab_get_version {
    uint16_t dom;
    uint16_t pad;
    uint32_t version;
};
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version");
_Static_assert(__builtin_offsetof(struct gnttab_get_version, version) == 4, "get_version.version");

struct gnttab_get_status_frames {
    uint32_t nr_frames;
    uint16_t dom;
    int16_t status;
    uint64_t frame_list;
};
_Static_assert(sizeof(struct gnttab_get_status_frames) == 16, "gnttab_get_status_frames");
_Static_assert(__builtin_offsetof(struct gnttab_get_status_frames, status) == 6, "get_status_frames.status");

struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;
    grant_ref_t ref_b;
    int16_t status;
    uint16_t pad;
};
_Static_assert(sizeof(struct gnttab_swap_grant_ref) == 12, "gnttab_swap_grant_ref");
#endif
