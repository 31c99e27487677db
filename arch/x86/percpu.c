/*
 * Per-CPU state: each CPU's stacks, mapped with an unmapped guard page below
 * each so an overflow faults (and reaches the double-fault handler on its own
 * IST stack) instead of corrupting memory; and its GDT window, whose reserved
 * page holds the descriptors PV guests rely on (asm/desc.h).
 */
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/syscall.h>
#include <xeno/buddy.h>
#include <xeno/lib.h>
#include <xeno/mm.h>
#include <xeno/string.h>

struct percpu *percpu_of[NR_CPUS];

/* Flat descriptors, accessed bit set so loading them never writes the GDT. */
#define DESC_HV_CODE64 0x00af9b000000ffffUL
#define DESC_HV_DATA 0x00cf93000000ffffUL
#define DESC_GUEST_CODE32 0x00cffb000000ffffUL
#define DESC_GUEST_DATA 0x00cff3000000ffffUL
#define DESC_GUEST_CODE64 0x00affb000000ffffUL
#define TSS_TYPE_AVAILABLE 0x89UL

/* Backs the GDT pages that hold no descriptors: all entries not present. */
static uint8_t gdt_empty_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

uint64_t stack_window_base(unsigned int cpu)
{
    return STACKS_VIRT_START + (uint64_t)cpu * STACK_WINDOW_PAGES * PAGE_SIZE;
}

static uint64_t alloc_zeroed_frame(const char *what)
{
    struct page_info *pg = alloc_frames(0);
    if (!pg)
        panic("out of memory for %s", what);
    memset(page_to_virt(pg), 0, PAGE_SIZE);
    return (uint64_t)page_to_mfn(pg) << PAGE_SHIFT;
}

/* Map npages of fresh frames at va; returns the address just above them. */
static uint64_t map_fresh_stack(uint64_t va, unsigned int npages)
{
    for (unsigned int i = 0; i < npages; i++)
        if (map_pages(va + i * PAGE_SIZE, alloc_zeroed_frame("cpu stacks"), 1,
                      PAGE_HYPERVISOR_RW))
            panic("out of memory mapping cpu stacks");
    return va + npages * PAGE_SIZE;
}

void percpu_init_stacks(struct percpu *pc)
{
    uint64_t base = stack_window_base(pc->cpu_id);

    /* Page 0 stays unmapped: the guard under the main stack. */
    pc->stack_bottom = base + PAGE_SIZE;
    pc->stack_top = map_fresh_stack(pc->stack_bottom, STACK_PAGES);
    pc->syscall_stack_top = pc->stack_top;
    /* One unmapped page between each IST stack and the next. */
    for (unsigned int i = 0; i < 3; i++)
        pc->ist_top[i] = map_fresh_stack(base + (STACK_PAGES + 2 + 2 * i) * PAGE_SIZE, 1);
}

static uint64_t tss_descriptor_low(const struct tss64 *tss)
{
    uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;
    return (limit & 0xffff) | ((base & 0xffffff) << 16) | (TSS_TYPE_AVAILABLE << 40) |
           (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
}

/* Point GDT page `page` of this CPU's window at mfn (0: the empty page). */
static void gdt_map_page(struct percpu *pc, unsigned int page, uint64_t mfn, uint64_t flags)
{
    uint64_t va = pc->gdt_base + page * PAGE_SIZE;
    uint64_t maddr = mfn ? mfn << PAGE_SHIFT : virt_to_maddr(gdt_empty_page);

    if (remap_page(va, maddr, flags))
        panic("out of memory mapping a GDT page");
}

void gdt_map_guest_frames(struct percpu *pc, const uint64_t *mfns, unsigned int nr)
{
    for (unsigned int i = 0; i < GDT_GUEST_PAGES; i++) {
        uint64_t mfn = i < nr ? mfns[i] : 0;
        if (pc->gdt_frames[i] != mfn) {
            gdt_map_page(pc, i, mfn, PAGE_HYPERVISOR_RO);
            pc->gdt_frames[i] = mfn;
        }
    }
}

static void build_gdt_window(struct percpu *pc)
{
    uint64_t reserved = alloc_zeroed_frame("the GDT");
    uint64_t *d = maddr_to_virt(reserved);

    d[HYPERVISOR_CS / 8 - GDT_RESERVED_BYTE / 8] = DESC_HV_CODE64;
    d[HYPERVISOR_DS / 8 - GDT_RESERVED_BYTE / 8] = DESC_HV_DATA;
    d[GUEST_CS32 / 8 - GDT_RESERVED_BYTE / 8] = DESC_GUEST_CODE32;
    d[GUEST_DS / 8 - GDT_RESERVED_BYTE / 8] = DESC_GUEST_DATA;
    d[GUEST_CS64 / 8 - GDT_RESERVED_BYTE / 8] = DESC_GUEST_CODE64;
    d[SEL_TSS / 8 - GDT_RESERVED_BYTE / 8] = tss_descriptor_low(&pc->tss);
    d[SEL_TSS / 8 - GDT_RESERVED_BYTE / 8 + 1] = (uint64_t)&pc->tss >> 32;
    pc->gdt_reserved = d;
    pc->gdt_base = GDT_VIRT_START + (uint64_t)pc->cpu_id * GDT_WINDOW_PAGES * PAGE_SIZE;

    for (unsigned int i = 0; i < GDT_WINDOW_PAGES; i++)
        gdt_map_page(pc, i, 0, PAGE_HYPERVISOR_RO);
    gdt_map_page(pc, GDT_RESERVED_BYTE / PAGE_SIZE, reserved >> PAGE_SHIFT,
                 PAGE_HYPERVISOR_RW);     /* ltr sets the TSS busy bit */
}

void percpu_load(struct percpu *pc)
{
    struct desc_ptr gdtr;

    pc->self = pc;
    /* Caches on: a CPU leaves INIT (and some firmware leaves the BSP) with CR0.CD
     * and NW set, which VM entries would also hand to guests. */
    write_cr0(read_cr0() & ~(CR0_CD | CR0_NW));
    /* fxsave/fxrstor of guest FPU state, and SSE for guests. */
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    build_gdt_window(pc);
    gdtr = (struct desc_ptr){ .limit = GDT_WINDOW_PAGES * PAGE_SIZE - 1, .base = pc->gdt_base };
    pc->tss.rsp[0] = pc->stack_top;
    for (unsigned int i = 0; i < 3; i++)
        pc->tss.ist[i] = pc->ist_top[i];
    pc->tss.iomap_base = sizeof(pc->tss);   /* no I/O bitmap */

    __asm__ volatile("lgdt %0" :: "m"(gdtr));
    /* Reload CS with a far return, then the data selectors and the task register. */
    __asm__ volatile("pushq %[cs]\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %[ds], %%eax\n\t"
                     "mov %%eax, %%ds\n\t"
                     "mov %%eax, %%es\n\t"
                     "mov %%eax, %%ss\n\t"
                     "xor %%eax, %%eax\n\t"
                     "mov %%eax, %%fs\n\t"
                     "mov %%eax, %%gs\n\t"
                     "ltr %w[tss]"
                     :: [cs] "i"(HYPERVISOR_CS), [ds] "i"(HYPERVISOR_DS), [tss] "r"(SEL_TSS)
                     : "rax", "memory");
    idt_load();
    syscall_init_cpu(pc);
}
