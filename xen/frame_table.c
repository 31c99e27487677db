/*
 * Sets up the frame table (see xeno/mm.h); the allocators and, later,
 * the PV memory code keep its entries up to date.
 */
#include <xeno/lib.h>
#include <xeno/mm.h>
#include <xeno/string.h>

struct page_info *frame_table;
unsigned long max_page;

size_t frame_table_bytes(unsigned long max_mfn)
{
    return ALIGN_UP(max_mfn * sizeof(struct page_info), (size_t)PAGE_SIZE);
}

void frame_table_init(unsigned long max_mfn, void *storage)
{
    struct page_info *table = storage;

    if (max_mfn >= PAGE_LIST_NULL)
        panic("frame table: %#lx frames is more than supported", max_mfn);
    BUG_ON(!storage || !IS_ALIGNED((uintptr_t)storage, 8));

    memset(table, 0, frame_table_bytes(max_mfn));
    for (unsigned long mfn = 0; mfn < max_mfn; mfn++) {
        table[mfn].list_next = PAGE_LIST_NULL;
        table[mfn].list_prev = PAGE_LIST_NULL;
        table[mfn].count_info = PGC_state_reserved;
        table[mfn].type_info = PGT_none;
        table[mfn].owner = DOMID_INVALID;
        table[mfn].order = PAGE_ORDER_NONE;
    }
    frame_table = table;
    max_page = max_mfn;
}
