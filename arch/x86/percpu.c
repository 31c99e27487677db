/*
 * Per-CPU state: each CPU's GDT and TSS, and its stacks, mapped with an
 * unmapped guard page below each so an overflow faults (and reaches the
 * double-fault handler on its own IST stack) instead of corrupting memory.
 */
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <xeno/lib.h>
#include <xeno/buddy.h>
#include <xeno/mm.h>

struct percpu *percpu_of[NR_CPUS];

#define GDT_CODE64 0x00af9a000000ffffUL
#define GDT_DATA 0x00cf92000000ffffUL
#define TSS_TYPE_AVAILABLE 0x89UL

uint64_t stack_window_base(unsigned int cpu)
{
    return STACKS_VIRT_START + (uint64_t)cpu * STACK_WINDOW_PAGES * PAGE_SIZE;
}

/* Map npages of fresh frames at va; returns the address just above them. */
static uint64_t map_fresh_stack(uint64_t va, unsigned int npages)
{
    for (unsigned int i = 0; i < npages; i++) {
        struct page_info *pg = alloc_frames(0);
        if (!pg)
            panic("out of memory for cpu stacks");
        if (map_pages(va + i * PAGE_SIZE, (uint64_t)page_to_mfn(pg) << PAGE_SHIFT, 1,
                      PAGE_HYPERVISOR_RW))
            panic("out of memory mapping cpu stacks");
    }
    return va + npages * PAGE_SIZE;
}

void percpu_init_stacks(struct percpu *pc)
{
    uint64_t base = stack_window_base(pc->cpu_id);

    /* Page 0 stays unmapped: the guard under the main stack. */
    pc->stack_bottom = base + PAGE_SIZE;
    pc->stack_top = map_fresh_stack(pc->stack_bottom, STACK_PAGES);
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

void percpu_load(struct percpu *pc)
{
    struct desc_ptr gdtr = { .limit = sizeof(pc->gdt) - 1, .base = (uint64_t)pc->gdt };

    pc->self = pc;
    pc->gdt[0] = 0;
    pc->gdt[SEL_CODE64 / 8] = GDT_CODE64;
    pc->gdt[SEL_DATA / 8] = GDT_DATA;
    pc->gdt[SEL_TSS / 8] = tss_descriptor_low(&pc->tss);
    pc->gdt[SEL_TSS / 8 + 1] = (uint64_t)&pc->tss >> 32;
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
                     "ltr %w[tss]"
                     :: [cs] "i"(SEL_CODE64), [ds] "i"(SEL_DATA), [tss] "r"(SEL_TSS)
                     : "rax", "memory");
    wrmsr(MSR_GS_BASE, (uint64_t)pc);
    idt_load();
}
