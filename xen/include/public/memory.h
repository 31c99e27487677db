/* memory_op sub-ops and their arguments (Xen public/memory.h). */
#ifndef PUBLIC_MEMORY_H
#define PUBLIC_MEMORY_H
#include <stdint.h>

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_maximum_ram_page 2
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
#define XENMEM_machphys_mfn_list 5
#define XENMEM_populate_physmap 6
#define XENMEM_add_to_physmap 7
#define XENMEM_memory_map 9
#define XENMEM_machine_memory_map 10
#define XENMEM_exchange 11
#define XENMEM_machphys_mapping 12
#define XENMEM_maximum_gpfn 14

/* increase_reservation (out: mfns), decrease_reservation (in: mfns, for PV),
 * populate_physmap (in: pfns, out: mfns). */
struct xen_memory_reservation {
    uint64_t extent_start;      /* guest address of the array */
    uint64_t nr_extents;
    uint32_t extent_order;      /* 2^order pages each */
    uint32_t mem_flags;
    uint16_t domid;
    uint16_t pad[3];
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation layout");
/* A preempted reservation call resumes at the extent encoded above the command. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1U << MEMOP_EXTENT_SHIFT) - 1)

struct xen_machphys_mapping {
    uint64_t v_start, v_end;    /* where the M2P table is mapped */
    uint64_t max_mfn;           /* the highest mfn it covers */
};
_Static_assert(sizeof(struct xen_machphys_mapping) == 24, "xen_machphys_mapping layout");

struct xen_memory_map {
    uint32_t nr_entries;        /* in: room in buffer; out: entries written */
    uint32_t pad;
    uint64_t buffer;            /* guest address of e820 entries */
};
_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map layout");

/* The BIOS E820 entry layout, packed: 20 bytes. */
struct e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct e820_entry) == 20, "e820 entry layout");
#define E820_RAM 1
/* XENMEM_add_to_physmap (translated guests: PVH and HVM): put a frame the
 * hypervisor owns for the domain at one of its guest frame numbers. */
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1

struct xen_add_to_physmap {
    uint16_t domid;             /* DOMID_SELF */
    uint16_t size;              /* only for ranges, which we do not take */
    uint32_t space;             /* XENMAPSPACE_* */
    uint64_t idx;               /* which frame of that space */
    uint64_t gpfn;              /* where it goes */
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap layout");

#endif
