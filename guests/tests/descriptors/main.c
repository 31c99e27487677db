/*
 * descriptors: a 64-bit PV guest's own GDT (set_gdt) and its entries
 * (update_descriptor), checked by loading selectors at CPL3 and with `lar` (the
 * hypervisor's validated copy cannot be read directly):
 *
 *   - flat DPL3 code and data descriptors load (mov to %ds, a far return into the
 *     code segment); a DPL0 one is accepted with its DPL forced to 3, so it loads at
 *     CPL3 too; a not-present one gives #NP(selector);
 *   - update_descriptor changes a live entry at once, and writes the validated
 *     descriptor (DPL 3) into the frame, in or out of a GDT;
 *   - refused with -EINVAL, leaving the live GDT and the frames as they were: system
 *     descriptors (TSS, LDT, interrupt and trap gates, and call gates, which Xeno does
 *     not emulate: docs/abi.md), more than 7168 entries, frames the domain does not
 *     own, a misaligned update_descriptor; an unreadable frame list is -EFAULT.
 *
 * The frames are mapped read-only while the hypervisor is asked to use them, as Xen
 * requires of descriptor pages.
 */
#include "xtest.h"

#define GDT_MAX_ENTRIES 7168            /* FIRST_RESERVED_GDT_ENTRY */
#define ENTRIES_PER_FRAME 512
#define GDT_ENTRIES 16
#define SEL(index) ((uint16_t)((index) << 3 | 3))

#define DESC_CODE64_DPL3 0x00affa000000ffffUL
#define DESC_CODE64_DPL0 0x00af9a000000ffffUL
#define DESC_DATA_DPL3 0x00cff2000000ffffUL
#define DESC_DATA_DPL0 0x00cf92000000ffffUL
#define DESC_DATA_NOT_PRESENT 0x00cf72000000ffffUL
#define DESC_DPL_MASK (3UL << 45)
#define DESC_ACCESSED (1UL << 40)
/* System descriptors, all present: the first half of a 64-bit TSS, an LDT, and
 * gates to the flat kernel CS at DPL 3. */
#define DESC_TSS64 0x0000890000000067UL
#define DESC_LDT 0x0000820000000fffUL
#define DESC_CALL_GATE 0x0000ec00e0330000UL
#define DESC_INTERRUPT_GATE 0x0000ee00e0330000UL
#define DESC_TRAP_GATE 0x0000ef00e0330000UL
#define BOGUS_MFN (1UL << 36)           /* far beyond any machine's memory */

enum { E_NULL, E_CODE, E_DATA, E_CODE_DPL0, E_DATA_DPL0, E_NOT_PRESENT, E_SPARE,
       E_SCRATCH_ONLY };

static uint64_t gdt_frame[ENTRIES_PER_FRAME] __attribute__((aligned(PAGE_SIZE)));
static uint64_t scratch_frame[ENTRIES_PER_FRAME] __attribute__((aligned(PAGE_SIZE)));
static uint64_t plain_frame[ENTRIES_PER_FRAME] __attribute__((aligned(PAGE_SIZE)));
static uint64_t gdt_mfn;
static uint16_t original_ds;

static const struct { const char *name; uint64_t desc; } system_descs[] = {
    { "a 64-bit TSS", DESC_TSS64 }, { "an LDT", DESC_LDT },
    { "a call gate", DESC_CALL_GATE }, { "an interrupt gate", DESC_INTERRUPT_GATE },
    { "a trap gate", DESC_TRAP_GATE },
};

static void map_frame(void *frame, bool writable)
{
    uint64_t pte = virt_to_mfn((uint64_t)frame) << 12 | (writable ? 0x3 : 0x1);
    char what[80];

    snprintf(what, sizeof(what), "update_va_mapping(%p, %s)", frame,
             writable ? "writable" : "read-only");
    expect_rc(what, hc_update_va_mapping((uint64_t)frame, pte, UVMF_INVLPG), 0);
}

static uint16_t read_ds(void)
{
    uint16_t s;

    __asm__ volatile("mov %%ds, %0" : "=r"(s));
    return s;
}

static void restore_ds(void)
{
    __asm__ volatile("mov %0, %%ds" :: "r"((uint32_t)original_ds) : "memory");
}

static struct exinfo probe_load_ds(uint16_t sel)
{
    exinfo_clear();
    __asm__ volatile("1: mov %w[s], %%ds\n2:\n\t" EXTABLE("1b", "2b")
                     :: [s] "r"((uint32_t)sel) : "memory");
    return exinfo_take();
}

/* `lar`: the access-rights byte (descriptor bits 40-47: type, S, DPL, P), or -1 when
 * the selector names nothing CPL3 may inspect. */
static int access_rights(uint16_t sel)
{
    uint32_t ar = 0;
    uint8_t ok;

    __asm__ volatile("lar %[s], %[ar]\n\tsetz %[ok]"
                     : [ar] "+r"(ar), [ok] "=q"(ok) : [s] "r"((uint32_t)sel) : "cc");
    return ok ? (int)((ar >> 8) & 0xff) : -1;
}

/* A far return into code segment SEL and back to the flat CS: the CS seen inside. */
static struct exinfo probe_far_return(uint16_t sel, uint64_t *cs_inside)
{
    uint64_t cs = 0;

    exinfo_clear();
    __asm__ volatile("pushq %[sel]\n\t"
                     "lea 3f(%%rip), %%rax\n\t"
                     "pushq %%rax\n"
                     "1: lretq\n"
                     "3: movw %%cs, %%ax\n\t"
                     "movzwl %%ax, %k[cs]\n\t"
                     "pushq %[flat]\n\t"
                     "lea 2f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "4: add $16, %%rsp\n"     /* the lretq at 1 faulted: drop what it had */
                     "2:\n\t" EXTABLE("1b", "4b")
                     : [cs] "+r"(cs) : [sel] "r"((uint64_t)sel), [flat] "i"(FLAT_KERNEL_CS64)
                     : "rax", "memory");
    *cs_inside = cs;
    return exinfo_take();
}

/* The access-rights byte a valid descriptor has once the hypervisor accepted it:
 * DPL 3. The accessed bit (bit 0 here) is left out of every comparison: the CPU sets
 * it on a load, and Xeno sets it in advance. */
static int accepted_rights(uint64_t desc)
{
    return (int)(((desc | DESC_DPL_MASK) >> 40) & 0xff);
}

static void expect_rights(const char *what, uint16_t sel, int want)
{
    int got = access_rights(sel);

    xtest_check(got == want || (got >= 0 && want >= 0 && (got | 1) == (want | 1)),
                "%s: lar of selector %#x gives access rights %#x, expected %#x", what, sel,
                got, want);
}

static bool same_but_accessed(uint64_t a, uint64_t b)
{
    return (a & ~DESC_ACCESSED) == (b & ~DESC_ACCESSED);
}

static void expect_loads(const char *what, uint16_t sel)
{
    struct exinfo ex = probe_load_ds(sel);

    expect_no_exception(what, &ex);
    if (ex.vector == EXINFO_NONE)
        xtest_check(read_ds() == sel, "%s: %%ds reads %#x, expected %#x", what, read_ds(), sel);
    restore_ds();
}

/* ---- what the live GDT looks like, to show a refused call changed nothing ---- */

struct gdt_view {
    int rights[E_SCRATCH_ONLY + 1];
};

static void take_view(struct gdt_view *v)
{
    for (unsigned int i = 0; i < ARRAY_LEN(v->rights); i++)
        v->rights[i] = access_rights(SEL(i));
}

static void expect_view(const char *what, const struct gdt_view *before)
{
    struct gdt_view now;

    take_view(&now);
    for (unsigned int i = 0; i < ARRAY_LEN(now.rights); i++)
        xtest_check(now.rights[i] == before->rights[i], "%s changed the live GDT: entry %u "
                    "has access rights %#x, had %#x", what, i, now.rights[i], before->rights[i]);
    expect_loads(what, SEL(E_DATA));
}

/* ---- set_gdt with good descriptors ---- */

static void fill_gdt_frame(uint64_t *frame)
{
    memset(frame, 0, PAGE_SIZE);
    frame[E_CODE] = DESC_CODE64_DPL3;
    frame[E_DATA] = DESC_DATA_DPL3;
    frame[E_CODE_DPL0] = DESC_CODE64_DPL0;
    frame[E_DATA_DPL0] = DESC_DATA_DPL0;
    frame[E_NOT_PRESENT] = DESC_DATA_NOT_PRESENT;
}

static bool test_good_gdt(void)
{
    uint64_t cs = 0;
    struct exinfo ex;

    fill_gdt_frame(gdt_frame);
    map_frame(gdt_frame, false);
    if (!expect_rc("set_gdt(a frame of flat DPL3 and DPL0 descriptors, 16 entries)",
                   hc_set_gdt(&gdt_mfn, GDT_ENTRIES), 0))
        return false;

    expect_rights("64-bit code, DPL 3", SEL(E_CODE), accepted_rights(DESC_CODE64_DPL3));
    expect_rights("data, DPL 3", SEL(E_DATA), accepted_rights(DESC_DATA_DPL3));
    expect_rights("64-bit code given DPL 0 (forced to 3)", SEL(E_CODE_DPL0),
                  accepted_rights(DESC_CODE64_DPL0));
    expect_rights("data given DPL 0 (forced to 3)", SEL(E_DATA_DPL0),
                  accepted_rights(DESC_DATA_DPL0));
    expect_rights("not-present data", SEL(E_NOT_PRESENT), accepted_rights(DESC_DATA_NOT_PRESENT));
    expect_rights("an empty entry", SEL(E_SPARE), -1);

    expect_loads("mov of the DPL3 data selector to %ds", SEL(E_DATA));
    expect_loads("mov of the data selector given DPL 0 to %ds (CPL3 needs DPL 3)",
                 SEL(E_DATA_DPL0));
    ex = probe_load_ds(SEL(E_NOT_PRESENT));
    restore_ds();
    expect_exception("mov of a not-present selector to %ds", &ex, X86_EXC_NP, E_NOT_PRESENT << 3);

    ex = probe_far_return(SEL(E_CODE), &cs);
    expect_no_exception("a far return into the DPL3 code segment", &ex);
    xtest_check(ex.vector != EXINFO_NONE || cs == SEL(E_CODE), "in the DPL3 code segment CS "
                "reads %#lx, expected %#x", cs, SEL(E_CODE));
    ex = probe_far_return(SEL(E_CODE_DPL0), &cs);
    expect_no_exception("a far return into the code segment given DPL 0 (CPL3 needs DPL 3)",
                        &ex);
    xtest_check(ex.vector != EXINFO_NONE || cs == SEL(E_CODE_DPL0), "in the code segment "
                "given DPL 0 CS reads %#lx, expected %#x", cs, SEL(E_CODE_DPL0));
    return true;
}

/* ---- update_descriptor ---- */

static uint64_t gdt_maddr(unsigned int entry)
{
    return gdt_mfn << 12 | entry * 8;
}

static void test_update_descriptor(void)
{
    uint64_t plain = virt_to_mfn((uint64_t)plain_frame) << 12;
    struct exinfo ex;

    if (expect_rc("update_descriptor(the data entry, not present)",
                  hc_update_descriptor(gdt_maddr(E_DATA), DESC_DATA_NOT_PRESENT), 0)) {
        ex = probe_load_ds(SEL(E_DATA));
        restore_ds();
        expect_exception("mov to %ds of the entry update_descriptor made not present", &ex,
                         X86_EXC_NP, E_DATA << 3);
        xtest_check(same_but_accessed(gdt_frame[E_DATA], DESC_DATA_NOT_PRESENT),
                    "update_descriptor left %#lx in the frame, expected %#lx",
                    gdt_frame[E_DATA], DESC_DATA_NOT_PRESENT);
    }
    if (expect_rc("update_descriptor(the data entry, data with DPL 0)",
                  hc_update_descriptor(gdt_maddr(E_DATA), DESC_DATA_DPL0), 0)) {
        expect_loads("mov to %ds of the entry updated to data with DPL 0", SEL(E_DATA));
        expect_rights("the entry updated to data with DPL 0", SEL(E_DATA),
                      accepted_rights(DESC_DATA_DPL0));
        xtest_check(same_but_accessed(gdt_frame[E_DATA], DESC_DATA_DPL0 | DESC_DPL_MASK),
                    "update_descriptor wrote %#lx into the frame, expected %#lx (DPL 3)",
                    gdt_frame[E_DATA], DESC_DATA_DPL0 | DESC_DPL_MASK);
    }
    /* A frame in no GDT takes validated descriptors too. */
    if (expect_rc("update_descriptor(a plain page, code with DPL 0)",
                  hc_update_descriptor(plain + 5 * 8, DESC_CODE64_DPL0), 0))
        xtest_check(same_but_accessed(plain_frame[5], DESC_CODE64_DPL0 | DESC_DPL_MASK),
                    "update_descriptor wrote %#lx into a plain page, expected %#lx (DPL 3)",
                    plain_frame[5], DESC_CODE64_DPL0 | DESC_DPL_MASK);
}

static void test_update_descriptor_refused(void)
{
    static uint64_t before[ENTRIES_PER_FRAME];
    struct gdt_view view;
    char what[96];

    take_view(&view);
    memcpy(before, gdt_frame, PAGE_SIZE);
    expect_rc("update_descriptor(a misaligned address)",
              hc_update_descriptor(gdt_maddr(E_SPARE) + 4, DESC_DATA_DPL3), -EINVAL);
    expect_rc("update_descriptor(a frame the domain does not own)",
              hc_update_descriptor(BOGUS_MFN << 12, DESC_DATA_DPL3), -EINVAL);
    for (unsigned int i = 0; i < ARRAY_LEN(system_descs); i++) {
        snprintf(what, sizeof(what), "update_descriptor(%s)", system_descs[i].name);
        expect_rc(what, hc_update_descriptor(gdt_maddr(E_SPARE), system_descs[i].desc), -EINVAL);
    }
    xtest_check(memcmp(before, gdt_frame, PAGE_SIZE) == 0,
                "a refused update_descriptor changed the frame");
    expect_view("a refused update_descriptor", &view);
}

/* ---- set_gdt refusals ---- */

static long set_gdt_list(uint64_t list, void *unused)
{
    (void)unused;
    return hc_set_gdt((const uint64_t *)list, GDT_ENTRIES);
}

static void expect_set_gdt_refused(const char *what, const uint64_t *frames,
                                   unsigned long entries, const struct gdt_view *view)
{
    expect_rc(what, hc_set_gdt(frames, entries), -EINVAL);
    expect_view(what, view);
}

static void test_set_gdt_refused(void)
{
    uint64_t scratch_mfn = virt_to_mfn((uint64_t)scratch_frame);
    uint64_t frames[GDT_MAX_ENTRIES / ENTRIES_PER_FRAME + 1];
    struct gdt_view view;
    char what[96];

    take_view(&view);
    for (unsigned int i = 0; i < ARRAY_LEN(system_descs); i++) {
        /* A good GDT but for one descriptor, with an entry the live one lacks. */
        memcpy(scratch_frame, gdt_frame, PAGE_SIZE);
        scratch_frame[E_SCRATCH_ONLY] = DESC_DATA_DPL3;
        scratch_frame[E_SPARE] = system_descs[i].desc;
        map_frame(scratch_frame, false);
        snprintf(what, sizeof(what), "set_gdt(a frame with %s)", system_descs[i].name);
        expect_set_gdt_refused(what, &scratch_mfn, GDT_ENTRIES, &view);
        map_frame(scratch_frame, true);
    }

    for (unsigned int i = 0; i < ARRAY_LEN(frames); i++)
        frames[i] = gdt_mfn;
    expect_set_gdt_refused("set_gdt(7169 entries)", frames, GDT_MAX_ENTRIES + 1, &view);
    frames[0] = BOGUS_MFN;
    expect_set_gdt_refused("set_gdt(a frame the domain does not own)", frames, GDT_ENTRIES,
                           &view);
    frames[0] = gdt_mfn;
    frames[1] = BOGUS_MFN;
    expect_set_gdt_refused("set_gdt(a good frame, then one the domain does not own)", frames,
                           ENTRIES_PER_FRAME + GDT_ENTRIES, &view);

    expect_efault_for_bad_pointers("set_gdt(frame list)", set_gdt_list, NULL, sizeof(uint64_t), 0);
    expect_view("set_gdt with bad frame-list pointers", &view);
}

/* ---- the largest and the empty GDT ---- */

static void test_gdt_sizes(void)
{
    uint64_t frames[GDT_MAX_ENTRIES / ENTRIES_PER_FRAME];
    unsigned int last = (GDT_MAX_ENTRIES / ENTRIES_PER_FRAME - 1) * ENTRIES_PER_FRAME;

    for (unsigned int i = 0; i < ARRAY_LEN(frames); i++)
        frames[i] = gdt_mfn;
    if (expect_rc("set_gdt(7168 entries: the frame 14 times)", hc_set_gdt(frames, GDT_MAX_ENTRIES), 0))
        expect_rights("a code entry in the 14th frame", SEL(last + E_CODE),
                      accepted_rights(DESC_CODE64_DPL3));

    if (expect_rc("set_gdt(0 entries)", hc_set_gdt(frames, 0), 0)) {
        expect_rights("a guest selector with an empty GDT", SEL(E_CODE), -1);
        expect_loads("mov of the flat selector to %ds with an empty GDT", FLAT_RING3_DS32);
    }
}

void test_main(void)
{
    original_ds = read_ds();
    gdt_mfn = virt_to_mfn((uint64_t)gdt_frame);
    if (!test_good_gdt())
        return;
    test_update_descriptor();
    test_update_descriptor_refused();
    test_set_gdt_refused();
    test_gdt_sizes();
    restore_ds();
}
