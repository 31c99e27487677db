/*
 * Address-to-name lookup for backtraces. The tables are generated from the
 * first link of the image and linked into the second (see SConstruct).
 */
#include <asm/symbols.h>

extern const uint64_t symtab_count;
extern const uint64_t symtab_addr[];      /* sorted ascending */
extern const uint32_t symtab_size[];
extern const uint32_t symtab_name_off[];
extern const char symtab_names[];

bool symbol_lookup(uint64_t addr, struct symbol_hit *hit)
{
    uint64_t lo = 0, hi = symtab_count;

    /* Find the last symbol starting at or below addr. */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (symtab_addr[mid] <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return false;
    lo--;
    if (symtab_size[lo] && addr - symtab_addr[lo] >= symtab_size[lo])
        return false;
    hit->name = &symtab_names[symtab_name_off[lo]];
    hit->offset = addr - symtab_addr[lo];
    hit->size = symtab_size[lo];
    return true;
}
