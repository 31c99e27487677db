/*
 * The PV memory benchmark guest: what a page-table update costs, three ways, on
 * one L1 table the guest pinned (docs/benchmarks.md, `tools/xeno bench mmu_batch
 * ptwr`):
 *
 *   pv_mmu_update_single   mmu_update of one entry per call; cycles per call
 *   pv_mmu_update_512      mmu_update of all 512 entries in one call; cycles per call
 *   pv_pte_write           an 8-byte `mov` into the entry through the table's read-only
 *                          mapping, emulated (vm_assist writable_pagetables); cycles
 *                          per write
 *
 * Every operation remaps entries between two frames of the guest's own (A and B),
 * so each is a real update: validated, a reference taken on the new frame and
 * dropped on the old. The single update and the emulated write change the same
 * entry (slot 0) between the same two values. The table is in no address space
 * (pinned, not hooked into an L2), so the hardware never sets its A/D bits and no
 * TLB flush is due.
 *
 * Prints one `bench:` line per measurement (common/bench.h), then
 *
 *   bench-work: mmu_update_calls=N mmu_update_entries=N pte_writes=N setup_updates=N
 *
 * what the guest issued in all (warm-ups and checks included), for `tools/xeno
 * bench` to hold against the hypervisor's counters in the domain's `stats:` line.
 * Then the runtime's verdict.
 */
#include "xtest.h"
#include "pvguest.h"
#include "pvmem.h"

_Static_assert(PVMEM_HYPERVISOR_MMU_UPDATE == __HYPERVISOR_mmu_update, "pvmem.h");
_Static_assert(PVMEM_DOMID_SELF == DOMID_SELF, "pvmem.h");

#define ENTRIES 512
/* Calls (writes) per batch; even, so that every loop leaves the entries at B. */
#define SINGLE_ITERATIONS 2000
#define BATCH_ITERATIONS 20
#define WRITE_ITERATIONS 2000
_Static_assert(SINGLE_ITERATIONS % 2 == 0 && BATCH_ITERATIONS % 2 == 0 &&
               WRITE_ITERATIONS % 2 == 0, "an even number of operations ends at B");

#define PTE_P 0x1UL
#define PTE_RW 0x2UL
#define PTE_US 0x4UL
#define PTE_A 0x20UL
#define PTE_D 0x40UL
/* What the entries hold: U set already (the hypervisor forces it), G clear, A and D
 * set (nothing would set them: the table maps nothing the CPU walks), so an entry
 * reads back exactly as written. */
#define PTE_FLAGS (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)
#define PTE_RO_FLAGS (PTE_P | PTE_US | PTE_A)

typedef uint64_t (*pvmem_loop)(uint64_t iterations, uint64_t a, uint64_t b, uint64_t c);
uint64_t pvmem_loop_mmu_update(uint64_t iterations, uint64_t reqs_a, uint64_t reqs_b,
                               uint64_t count);
uint64_t pvmem_loop_mmu_update_empty(uint64_t iterations, uint64_t reqs_a, uint64_t reqs_b,
                                     uint64_t count);
uint64_t pvmem_loop_pte_write(uint64_t iterations, uint64_t val_a, uint64_t val_b,
                              uint64_t pte);
uint64_t pvmem_loop_pte_write_empty(uint64_t iterations, uint64_t val_a, uint64_t val_b,
                                    uint64_t pte);

/* The L1 table (mapped read-only once pinned) and the two frames its entries map. */
static uint64_t table[ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint8_t frame_a[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t frame_b[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
/* mmu_update requests mapping every entry to A, and to B. */
static struct mmu_update to_a[ENTRIES], to_b[ENTRIES];
static uint64_t val_a, val_b;

/* What this guest asked for, in all. */
static struct {
    uint64_t calls, entries, writes;
} issued;

static long mmu_update(const struct mmu_update *reqs, unsigned int count, unsigned int *done)
{
    issued.calls++;
    issued.entries += count;
    return hypercall(__HYPERVISOR_mmu_update, reqs, count, done, DOMID_SELF, 0, 0);
}

static volatile uint64_t *entry(unsigned int slot)
{
    return (volatile uint64_t *)&table[slot];
}

/* Whether entries FIRST..FIRST+N-1 all hold WANT; fails the test if not. */
static bool entries_are(unsigned int first, unsigned int n, uint64_t want, const char *when)
{
    for (unsigned int i = first; i < first + n; i++) {
        if (*entry(i) != want) {
            xtest_fail("%s: entry %u reads %#lx, expected %#lx", when, i, *entry(i), want);
            return false;
        }
    }
    return true;
}

/* A measurement: LOOP and its EMPTY twin, with their arguments after the iterations. */
struct pvmem_measure {
    pvmem_loop loop, empty;
    uint64_t a, b, c;
};

static uint64_t measure_batch(const void *ctx, bool empty, uint64_t iterations)
{
    const struct pvmem_measure *m = ctx;

    return (empty ? m->empty : m->loop)(iterations, m->a, m->b, m->c);
}

/* The median, lowest and highest cost of one iteration (bench_batches). */
static struct bench_result measure(pvmem_loop loop, pvmem_loop empty, uint64_t iterations,
                                   uint64_t a, uint64_t b, uint64_t c)
{
    const struct pvmem_measure m = { loop, empty, a, b, c };

    return bench_batches(measure_batch, &m, iterations, iterations);
}

/* The measurement runs of one loop: how many times its operation was issued. */
static uint64_t runs(uint64_t iterations)
{
    return (BENCH_BATCHES + 1) * iterations;
}

/* Zero the table, map it read-only, pin it as an L1 and point every entry at B. */
static bool setup_table(void)
{
    uint64_t mfn = virt_to_mfn((uint64_t)table);
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L1_TABLE, .arg1 = mfn };
    unsigned int done = 0;

    val_a = virt_to_mfn((uint64_t)frame_a) << 12 | PTE_FLAGS;
    val_b = virt_to_mfn((uint64_t)frame_b) << 12 | PTE_FLAGS;
    for (unsigned int i = 0; i < ENTRIES; i++) {
        uint64_t ptr = (mfn << 12) + i * sizeof(uint64_t) + MMU_NORMAL_PT_UPDATE;
        to_a[i] = (struct mmu_update){ .ptr = ptr, .val = val_a };
        to_b[i] = (struct mmu_update){ .ptr = ptr, .val = val_b };
    }
    memset(table, 0, sizeof(table));
    if (!expect_rc("update_va_mapping(the table, read-only)",
                   hc_update_va_mapping((uint64_t)table, mfn << 12 | PTE_RO_FLAGS,
                                        UVMF_INVLPG), 0) ||
        !expect_rc("mmuext_op(PIN_L1_TABLE)", hc_mmuext_op(&pin, 1, NULL), 0) ||
        !expect_rc("mmu_update of 512 entries to B", mmu_update(to_b, ENTRIES, &done), 0))
        return false;
    xtest_check(done == ENTRIES, "mmu_update of 512 entries: done %u", done);
    return entries_are(0, ENTRIES, val_b, "after mapping every entry to B");
}

void test_main(void)
{
    struct bench_result r;
    unsigned int done = 0;

    if (!setup_table())
        return;

    /* One entry per call: check one round first (A, then back to B). */
    expect_rc("mmu_update of entry 0 to A", mmu_update(to_a, 1, &done), 0);
    entries_are(0, 1, val_a, "after mmu_update of entry 0 to A");
    expect_rc("mmu_update of entry 0 to B", mmu_update(to_b, 1, &done), 0);
    if (!entries_are(0, 1, val_b, "after mmu_update of entry 0 to B"))
        return;
    r = measure(pvmem_loop_mmu_update, pvmem_loop_mmu_update_empty, SINGLE_ITERATIONS,
                (uint64_t)to_a, (uint64_t)to_b, 1);
    issued.calls += runs(SINGLE_ITERATIONS);
    issued.entries += runs(SINGLE_ITERATIONS);
    if (!entries_are(0, ENTRIES, val_b, "after the single updates"))
        return;
    bench_report("pv_mmu_update_single", r, SINGLE_ITERATIONS);

    /* The whole table per call. */
    r = measure(pvmem_loop_mmu_update, pvmem_loop_mmu_update_empty, BATCH_ITERATIONS,
                (uint64_t)to_a, (uint64_t)to_b, ENTRIES);
    issued.calls += runs(BATCH_ITERATIONS);
    issued.entries += runs(BATCH_ITERATIONS) * ENTRIES;
    if (!entries_are(0, ENTRIES, val_b, "after the batched updates"))
        return;
    bench_report("pv_mmu_update_512", r, BATCH_ITERATIONS);

    /* Direct writes of entry 0, emulated: check one round first. */
    if (!expect_rc("vm_assist(enable writable_pagetables)",
                   hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
                             VMASST_TYPE_writable_pagetables, 0, 0, 0, 0), 0))
        return;
    *entry(0) = val_a;
    issued.writes++;
    entries_are(0, 1, val_a, "after writing A into entry 0");
    *entry(0) = val_b;
    issued.writes++;
    if (!entries_are(0, 1, val_b, "after writing B into entry 0"))
        return;
    r = measure(pvmem_loop_pte_write, pvmem_loop_pte_write_empty, WRITE_ITERATIONS, val_a,
                val_b, (uint64_t)entry(0));
    issued.writes += runs(WRITE_ITERATIONS);
    if (!entries_are(0, ENTRIES, val_b, "after the emulated writes"))
        return;
    bench_report("pv_pte_write", r, WRITE_ITERATIONS);

    printf("bench-work: mmu_update_calls=%lu mmu_update_entries=%lu pte_writes=%lu "
           "setup_updates=%lu\n", issued.calls, issued.entries, issued.writes,
           xtest_setup_pt_updates);
}
