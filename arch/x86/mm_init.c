/*
 * From the multiboot2 memory map to a working frame allocator. A bump
 * allocator serves page tables and the frame table until the buddy allocator
 * takes over every RAM frame that nothing else holds.
 */
#include <asm/multiboot2.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/setup.h>
#include <xeno/lib.h>
#include <xeno/buddy.h>
#include <xeno/mm.h>
#include <xeno/printk.h>
#include <xeno/string.h>

#define LOW_MEMORY_END 0x100000UL
#define BOOT_ALLOC_LIMIT (1UL << 30)     /* identity-mapped during early boot */
#define MAX_RESERVED (MB2_MAX_MODULES + 16)   /* every module, and the rest */

struct range { uint64_t start, end; };

static struct range reserved[MAX_RESERVED];
static unsigned int nr_reserved;
static uint64_t boot_alloc_start, boot_alloc_next;
bool buddy_ready;

static void reserve(uint64_t start, uint64_t end)
{
    if (nr_reserved == MAX_RESERVED)
        panic("too many reserved memory ranges");
    reserved[nr_reserved++] = (struct range){ ALIGN_DOWN(start, PAGE_SIZE), ALIGN_UP(end, PAGE_SIZE) };
}

static bool is_ram(uint64_t start, uint64_t end)
{
    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct mem_region *r = &boot_info.mem[i];
        if (r->type == MEM_RAM && start >= r->base && end <= r->base + r->len)
            return true;
    }
    return false;
}

/* End of the reserved range that overlaps [start, end), or 0 if none does. */
static uint64_t reserved_overlap_end(uint64_t start, uint64_t end)
{
    for (unsigned int i = 0; i < nr_reserved; i++)
        if (start < reserved[i].end && reserved[i].start < end)
            return reserved[i].end;
    return 0;
}

uint64_t boot_alloc_pages(unsigned long npages)
{
    uint64_t len = npages * PAGE_SIZE;

    if (buddy_ready)
        panic("boot_alloc_pages after the buddy allocator took over");
    while (boot_alloc_next + len <= BOOT_ALLOC_LIMIT) {
        uint64_t skip = reserved_overlap_end(boot_alloc_next, boot_alloc_next + len);
        if (skip) {
            boot_alloc_next = skip;
            continue;
        }
        if (!is_ram(boot_alloc_next, boot_alloc_next + len)) {
            boot_alloc_next += PAGE_SIZE;
            continue;
        }
        uint64_t maddr = boot_alloc_next;
        boot_alloc_next += len;
        /* Identity-mapped before paging_init, direct-mapped after: both are RAM. */
        memset(paging_is_final() ? maddr_to_virt(maddr) : (void *)maddr, 0, len);
        return maddr;
    }
    panic("boot allocator: no %lu free pages below 1 GiB", npages);
}

uint64_t total_ram_kib(void)
{
    uint64_t total = 0;
    for (unsigned int i = 0; i < boot_info.nr_mem; i++)
        if (boot_info.mem[i].type == MEM_RAM)
            total += boot_info.mem[i].len;
    return total >> 10;
}

uint64_t low_page_for_trampoline(void)
{
    for (uint64_t p = 0x1000; p < 0x9f000; p += PAGE_SIZE)
        if (is_ram(p, p + PAGE_SIZE) && !reserved_overlap_end(p, p + PAGE_SIZE) &&
            !(p >= boot_info.info_phys && p < boot_info.info_phys + boot_info.info_len))
            return p;
    return 0;
}

static uint64_t highest_ram_end(void)
{
    uint64_t top = 0;
    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct mem_region *r = &boot_info.mem[i];
        if (r->type == MEM_RAM)
            top = max_t(uint64_t, top, min_t(uint64_t, r->base + r->len, (uint64_t)DIRECTMAP_SIZE));
    }
    return top;
}

/* Give the buddy allocator every whole RAM page outside the reserved ranges. */
static void hand_ram_to_buddy(void)
{
    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct mem_region *r = &boot_info.mem[i];
        uint64_t p, end;
        if (r->type != MEM_RAM || r->base >= DIRECTMAP_SIZE)
            continue;
        /* Low memory holds BIOS data and the AP trampoline: never hand it out. */
        p = max_t(uint64_t, ALIGN_UP(r->base, PAGE_SIZE), LOW_MEMORY_END);
        end = ALIGN_DOWN(min_t(uint64_t, r->base + r->len, (uint64_t)DIRECTMAP_SIZE), PAGE_SIZE);
        while (p < end) {
            uint64_t skip = reserved_overlap_end(p, p + PAGE_SIZE);
            if (skip) {
                p = skip;
                continue;
            }
            uint64_t run_end = p;
            while (run_end < end && !reserved_overlap_end(run_end, run_end + PAGE_SIZE))
                run_end += PAGE_SIZE;
            buddy_add_free_range(p >> PAGE_SHIFT, (run_end - p) >> PAGE_SHIFT);
            p = run_end;
        }
    }
}

void memory_init(void)
{
    unsigned long max_mfn;
    uint64_t ft_bytes, ft_maddr;
    unsigned long long free_kib;

    printk("memory: %llu KiB usable RAM in %u regions\n",
           (unsigned long long)total_ram_kib(), boot_info.nr_mem);

    reserve((uint64_t)_start - XEN_VIRT_OFFSET, (uint64_t)_end - XEN_VIRT_OFFSET);
    reserve(boot_info.info_phys, boot_info.info_phys + boot_info.info_len);
    for (unsigned int i = 0; i < boot_info.nr_mods; i++)
        reserve(boot_info.mods[i].start, boot_info.mods[i].end);

    boot_alloc_start = boot_alloc_next = (uint64_t)_end - XEN_VIRT_OFFSET;
    paging_init();

    max_mfn = highest_ram_end() >> PAGE_SHIFT;
    ft_bytes = frame_table_bytes(max_mfn);
    ft_maddr = boot_alloc_pages(ALIGN_UP(ft_bytes, PAGE_SIZE) >> PAGE_SHIFT);
    frame_table_init(max_mfn, maddr_to_virt(ft_maddr));

    reserve(boot_alloc_start, boot_alloc_next);
    hand_ram_to_buddy();
    buddy_ready = true;

    free_kib = (unsigned long long)free_frame_count() * (PAGE_SIZE / 1024);
    printk(LOG_DEBUG "memory: frame table of %lu frames (%llu KiB), %llu KiB free\n",
           max_mfn, (unsigned long long)(ft_bytes >> 10), free_kib);
}
