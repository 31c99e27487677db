/*
 * pv/elf.c: images built here from a description (a small test kernel at
 * VIRT_BASE 0, a Linux-like one at 0xffffffff80000000), every corruption
 * the loader must refuse with a message naming what is wrong, elf_load's
 * callbacks, and random mutations that must neither crash nor read past
 * the image (each parsed image sits in a heap block of exactly its length).
 */
#include <stdlib.h>
#include <public/elfnote.h>
#include <public/version.h>
#include <pv/elf.h>
#include <xeno/console.h>
#include <xeno/errno.h>
#include <xeno/printk.h>
#include <xeno/string.h>
#include "harness.h"
#include "stubs/stub.h"

#define IMG_MAX     0x8000
#define MAX_PH      20         /* 64 + 20 * 56 bytes: below the notes at 0x600 */

/* An image as a description: headers, one note segment, load segment contents. */
struct img {
    struct elf64_ehdr eh;
    struct elf64_phdr ph[MAX_PH];
    unsigned int nph;
    uint8_t notes[16384];
    size_t notes_len;
    size_t notes_off;           /* where the notes go in the file */
    int note_ph;                /* index of the PT_NOTE header, or -1 */
    uint8_t bytes[IMG_MAX];     /* the serialized image */
    size_t len;
};

static struct img m;
static struct elf_info info;
static char err[256];

static void put(size_t off, const void *src, size_t n)
{
    CHECK(off + n <= IMG_MAX);
    memcpy(m.bytes + off, src, n);
}

static void note(const char *owner, uint32_t type, const void *desc, uint32_t descsz)
{
    struct elf64_nhdr nh = { (uint32_t)strlen(owner) + 1, descsz, type };
    size_t at = m.notes_len;

    memcpy(m.notes + at, &nh, sizeof(nh));
    at += sizeof(nh);
    memcpy(m.notes + at, owner, nh.n_namesz);
    at += (nh.n_namesz + 3) & ~3u;
    memcpy(m.notes + at, desc, descsz);
    at += (descsz + 3) & ~3u;
    m.notes_len = at;
}

static void note_num(uint32_t type, uint64_t val, uint32_t size)
{
    note("Xen", type, &val, size);      /* the host is little-endian, like the format */
}

static void note_str(uint32_t type, const char *s)
{
    note("Xen", type, s, (uint32_t)strlen(s) + 1);
}

static struct elf64_phdr *add_ph(uint32_t type, uint32_t flags, uint64_t off,
                                 uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
    struct elf64_phdr *ph = &m.ph[m.nph++];

    *ph = (struct elf64_phdr){ .p_type = type, .p_flags = flags, .p_offset = off,
                               .p_vaddr = paddr, .p_paddr = paddr, .p_filesz = filesz,
                               .p_memsz = memsz, .p_align = 0x1000 };
    return ph;
}

/*
 * A test kernel linked at 1 MiB, VIRT_BASE 0: text at file 0x1000 (one page),
 * data at 0x2000 (0x100 bytes, then 0x2f00 of bss).  Notes first, so callers
 * can add more before serialize().
 */
static void base_image(void)
{
    memset(&m, 0, sizeof(m));
    memcpy(m.eh.e_ident, ELF_MAGIC, 4);
    m.eh.e_ident[EI_CLASS] = ELFCLASS64;
    m.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    m.eh.e_ident[EI_VERSION] = EV_CURRENT;
    m.eh.e_type = ET_EXEC;
    m.eh.e_machine = EM_X86_64;
    m.eh.e_version = EV_CURRENT;
    m.eh.e_entry = 0x100040;
    m.eh.e_phoff = sizeof(struct elf64_ehdr);
    m.eh.e_ehsize = sizeof(struct elf64_ehdr);
    m.eh.e_phentsize = sizeof(struct elf64_phdr);
    m.note_ph = (int)m.nph;
    m.notes_off = 0x600;            /* room for MAX_PH headers before it */
    add_ph(PT_NOTE, PF_R, 0, 0, 0, 0);
    add_ph(PT_LOAD, PF_R | PF_X, 0x1000, 0x100000, 0x1000, 0x1000);
    add_ph(PT_LOAD, PF_R | PF_W, 0x2000, 0x101000, 0x100, 0x3000);

    note("GNU", 3, "build-id", 8);                  /* another owner: skipped */
    note_str(XEN_ELFNOTE_GUEST_OS, "xeno-test");
    note_str(XEN_ELFNOTE_LOADER, "generic");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_num(XEN_ELFNOTE_ENTRY, 0x100000, 8);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0x101000, 8);
    note_num(XEN_ELFNOTE_HV_START_LOW, 0xffff800000000000ULL, 8);
    note_num(XEN_ELFNOTE_PHYS32_ENTRY, 0x100020, 4);
    /* As Linux writes it: .ascii, no NUL. */
    note("Xen", XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb|frob", 46);
    note_num(XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << XENFEAT_dom0, 4);
    note_str(XEN_ELFNOTE_PAE_MODE, "yes");
    note_num(99, 7, 4);                             /* unknown type: ignored */
}

static void serialize(void)
{
    size_t end = 0x2100;

    m.eh.e_phnum = (uint16_t)m.nph;
    if (m.note_ph >= 0) {
        m.ph[m.note_ph].p_offset = m.notes_off;
        m.ph[m.note_ph].p_filesz = m.notes_len;
    }
    memset(m.bytes, 0, sizeof(m.bytes));
    for (size_t i = 0x1000; i < end; i++)
        m.bytes[i] = (uint8_t)(i * 7 + 1);
    put(0, &m.eh, sizeof(m.eh));
    put(sizeof(m.eh), m.ph, m.nph * sizeof(m.ph[0]));
    put(m.notes_off, m.notes, m.notes_len);
    m.len = end > m.notes_off + m.notes_len ? end : m.notes_off + m.notes_len;
}

/* Parse a private copy of exactly len bytes of m.bytes. */
static int parse_len(size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    int rc;

    CHECK(copy != NULL);
    memcpy(copy, m.bytes, len);
    rc = elf_parse(copy, len, &info, err, sizeof(err));
    free(copy);
    return rc;
}

static int parse_image(void)
{
    serialize();
    return parse_len(m.len);
}

/* Build, parse, and expect a refusal whose message contains WORDS. */
#define REFUSED(rc_want, words) do {                                          \
    int _rc = parse_image();                                                  \
    CHECK_EQ(_rc, rc_want);                                                   \
    CHECK_CONTAINS(err, words);                                               \
    CHECK_EQ(info.nr_segments, 0);                                            \
} while (0)

TEST(a_test_kernel_at_virt_base_0)
{
    base_image();
    CHECK_EQ(parse_image(), 0);
    CHECK_STR_EQ(err, "");
    CHECK_EQ(info.entry, 0x100000);                 /* the note, not e_entry */
    CHECK_EQ(info.virt_base, 0);
    CHECK_EQ(info.paddr_offset, 0);
    CHECK(info.has_hypercall_page);
    CHECK_EQ(info.hypercall_page, 0x101000);
    CHECK(info.has_hv_start_low);
    CHECK_EQ(info.hv_start_low, 0xffff800000000000ULL);
    CHECK(info.has_phys32_entry);
    CHECK_EQ(info.phys32_entry, 0x100020);
    CHECK(!info.has_init_p2m);
    CHECK_STR_EQ(info.guest_os, "xeno-test");
    CHECK_STR_EQ(info.loader, "generic");
    CHECK_STR_EQ(info.xen_version, "xen-3.0");
    CHECK_STR_EQ(info.pae_mode, "yes");
    CHECK_STR_EQ(info.guest_version, "");
    CHECK_STR_EQ(info.features, "!writable_page_tables|pae_pgdir_above_4gb|frob");
    CHECK_EQ(info.features_required, 1u << XENFEAT_writable_page_tables);
    CHECK_EQ(info.features_supported, (1u << XENFEAT_writable_page_tables) |
             (1u << XENFEAT_pae_pgdir_above_4gb) | (1u << XENFEAT_dom0));
    CHECK_EQ(info.nr_xen_notes, 11);
    CHECK_EQ(info.nr_ignored_notes, 1);
    CHECK(info.notes_seen & (1u << XEN_ELFNOTE_ENTRY));
    CHECK(!(info.notes_seen & (1u << XEN_ELFNOTE_VIRT_BASE)));
    CHECK_EQ(info.virt_kstart, 0x100000);
    CHECK_EQ(info.virt_kend, 0x104000);
    CHECK_EQ(info.nr_segments, 2);
    CHECK_EQ(info.segments[0].paddr, 0x100000);
    CHECK_EQ(info.segments[0].offset, 0x1000);
    CHECK_EQ(info.segments[0].filesz, 0x1000);
    CHECK_EQ(info.segments[0].memsz, 0x1000);
    CHECK_EQ(info.segments[0].guest_va, 0x100000);
    CHECK_EQ(info.segments[0].flags, PF_R | PF_X);
    CHECK_EQ(info.segments[1].guest_va, 0x101000);
    CHECK_EQ(info.segments[1].filesz, 0x100);
    CHECK_EQ(info.segments[1].memsz, 0x3000);
    CHECK_EQ(info.segments[1].flags, PF_R | PF_W);
}

TEST(a_linux_like_kernel)
{
    base_image();
    m.notes_len = 0;
    note_str(XEN_ELFNOTE_GUEST_OS, "linux");
    note_str(XEN_ELFNOTE_GUEST_VERSION, "2.6");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_num(XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000ULL, 8);
    note_num(XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
    note_num(XEN_ELFNOTE_ENTRY, 0xffffffff81000010ULL, 8);
    note_num(XEN_ELFNOTE_INIT_P2M, 0x8000000000ULL, 8);
    note_num(XEN_ELFNOTE_MOD_START_PFN, 1, 4);
    note_num(XEN_ELFNOTE_SUSPEND_CANCEL, 1, 4);
    note("Xen", XEN_ELFNOTE_L1_MFN_VALID, "\1\0\0\0\0\0\0\0\1\0\0\0\0\0\0\0", 16);
    m.ph[1].p_paddr = 0x1000000;
    m.ph[2].p_paddr = 0x1001000;
    m.ph[1].p_vaddr = 0xffffffff81000000ULL;        /* ignored: loaded by p_paddr */
    CHECK_EQ(parse_image(), 0);
    CHECK_STR_EQ(err, "");
    CHECK_EQ(info.virt_base, 0xffffffff80000000ULL);
    CHECK_EQ(info.entry, 0xffffffff81000010ULL);
    CHECK_EQ(info.segments[0].guest_va, 0xffffffff81000000ULL);
    CHECK_EQ(info.segments[1].guest_va, 0xffffffff81001000ULL);
    CHECK_EQ(info.virt_kstart, 0xffffffff81000000ULL);
    CHECK_EQ(info.virt_kend, 0xffffffff81004000ULL);
    CHECK(info.has_init_p2m);
    CHECK(info.mod_start_pfn);
    CHECK(!info.has_hypercall_page);
    CHECK_STR_EQ(info.guest_version, "2.6");
    CHECK(info.notes_seen & (1u << XEN_ELFNOTE_L1_MFN_VALID));

    /* PADDR_OFFSET moves the kernel down relative to p_paddr. */
    base_image();
    note_num(XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000ULL, 8);
    note_num(XEN_ELFNOTE_PADDR_OFFSET, 0x100000, 8);
    note_num(XEN_ELFNOTE_ENTRY, 0xffffffff80000000ULL, 8);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0xffffffff80001000ULL, 8);
    CHECK_EQ(parse_image(), 0);
    CHECK_STR_EQ(err, "");
    CHECK_EQ(info.segments[0].guest_va, 0xffffffff80000000ULL);
    CHECK_EQ(info.virt_kend, 0xffffffff80004000ULL);
}

TEST(entry_defaults_to_e_entry)
{
    base_image();
    m.notes_len = 0;
    note_str(XEN_ELFNOTE_LOADER, "generic");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0.4");
    CHECK_EQ(parse_image(), 0);
    CHECK_EQ(info.entry, 0x100040);
    CHECK(!info.has_hypercall_page);
    CHECK_STR_EQ(info.features, "");
}

TEST(strings_are_cut_and_made_printable)
{
    base_image();
    note("Xen", XEN_ELFNOTE_GUEST_VERSION, "v\001\n\377x", 5);
    note_str(XEN_ELFNOTE_GUEST_OS,
             "linux-with-a-very-long-name-that-goes-on-and-on-and-on-and-on-and-on");
    CHECK_EQ(parse_image(), 0);
    CHECK_STR_EQ(info.guest_version, "v???x");
    CHECK_EQ(strlen(info.guest_os), ELF_NOTE_STR_MAX - 1);
}

TEST(report_names_the_notes)
{
    base_image();
    CHECK_EQ(parse_image(), 0);
    console_set_loglevel(LOG_LEVEL_INFO);
    console_set_sink_enabled(true);
    stub_console_reset();
    elf_report(&info, "k.elf");
    CHECK_STR_EQ(stub_console_output(),
                 "elf: k.elf: entry 0x100000, virt 0x100000-0x104000, VIRT_BASE 0, "
                 "PADDR_OFFSET 0, 2 segments; notes ENTRY HYPERCALL_PAGE XEN_VERSION "
                 "GUEST_OS LOADER PAE_MODE FEATURES HV_START_LOW SUPPORTED_FEATURES "
                 "PHYS32_ENTRY (1 ignored); GUEST_OS 'xeno-test', GUEST_VERSION '', "
                 "LOADER 'generic', "
                 "XEN_VERSION 'xen-3.0', FEATURES "
                 "'!writable_page_tables|pae_pgdir_above_4gb|frob'\n");
    CHECK_STR_EQ(elf_xen_note_name(XEN_ELFNOTE_PHYS32_ENTRY), "PHYS32_ENTRY");
    CHECK(elf_xen_note_name(19) == NULL);
}

TEST(refuses_bad_headers)
{
    base_image();
    serialize();
    CHECK_EQ(parse_len(10), -ENOEXEC);
    CHECK_CONTAINS(err, "truncated ELF header (10 bytes");
    CHECK_EQ(parse_len(0), -ENOEXEC);

    base_image(); m.eh.e_ident[1] = 'e';
    REFUSED(-ENOEXEC, "bad magic");
    base_image(); m.eh.e_ident[EI_CLASS] = 1;
    REFUSED(-ENOEXEC, "not a 64-bit ELF (class 1)");
    base_image(); m.eh.e_ident[EI_DATA] = 2;
    REFUSED(-ENOEXEC, "not a little-endian ELF");
    base_image(); m.eh.e_version = 2;
    REFUSED(-ENOEXEC, "unknown ELF version 2");
    base_image(); m.eh.e_type = 3;
    REFUSED(-ENOEXEC, "not an executable (e_type 3)");
    base_image(); m.eh.e_machine = 3;
    REFUSED(-ENOEXEC, "not an x86-64 ELF (e_machine 3)");
    base_image(); m.eh.e_phentsize = 32;
    REFUSED(-EINVAL, "program header size 32 (expected 56)");
    base_image(); m.nph = 0; m.note_ph = -1;
    REFUSED(-EINVAL, "no program headers");
}

TEST(refuses_a_program_header_table_outside_the_file)
{
    base_image();
    m.eh.e_phoff = 0x2100 - 100;                    /* 3 entries need 168 bytes */
    REFUSED(-EINVAL, "program header table (offset 0x209c, 3 entries) runs past the end");
    base_image();
    m.eh.e_phoff = ~0ULL - 8;                       /* offset + size overflows */
    REFUSED(-EINVAL, "program header table");
    base_image();
    m.eh.e_phoff = 0x2101;
    REFUSED(-EINVAL, "program header table");
}

TEST(refuses_bad_load_segments)
{
    base_image(); m.ph[2].p_filesz = 0x101;
    REFUSED(-EINVAL, "segment 2: file range 0x2000+0x101 runs past the end of the file "
                     "(8448 bytes)");
    base_image(); m.ph[2].p_offset = ~0ULL - 0x10;
    REFUSED(-EINVAL, "segment 2: file range 0xffffffffffffffef+0x100 runs past the end");
    base_image(); m.ph[2].p_offset = 0x2100; m.ph[2].p_filesz = 1;
    REFUSED(-EINVAL, "segment 2: file range");
    base_image(); m.ph[2].p_filesz = 0x3001;
    REFUSED(-EINVAL, "segment 2: filesz 0x3001 is larger than memsz 0x3000");
    base_image(); m.ph[2].p_paddr = ~0ULL - 0x10;
    REFUSED(-EINVAL, "segment 2: physical range 0xffffffffffffffef+0x3000 wraps around");
    base_image(); m.ph[2].p_paddr = 0x100800;
    REFUSED(-EINVAL, "segments 1 and 2 overlap");
    base_image(); m.nph = 1;
    REFUSED(-EINVAL, "no PT_LOAD segments with memory");
    base_image(); m.ph[1].p_memsz = 0; m.ph[1].p_filesz = 0; m.ph[2].p_memsz = 0;
    m.ph[2].p_filesz = 0;
    REFUSED(-EINVAL, "no PT_LOAD segments with memory");

    base_image();
    for (int i = 0; i < 15; i++)        /* 2 + 15 = 17 */
        add_ph(PT_LOAD, PF_R, 0x1000, 0x200000 + (uint64_t)i * 0x1000, 0x10, 0x10);
    REFUSED(-EINVAL, "more than 16 PT_LOAD segments");
    base_image();
    for (int i = 0; i < 14; i++)        /* exactly 16 is fine; empty ones do not count */
        add_ph(PT_LOAD, PF_R, 0x1000, 0x200000 + (uint64_t)i * 0x1000, 0x10, 0x10);
    add_ph(PT_LOAD, PF_R, 0x1000, 0x300000, 0, 0);
    CHECK_EQ(parse_image(), 0);
    CHECK_STR_EQ(err, "");
    CHECK_EQ(info.nr_segments, 16);
    CHECK_EQ(info.virt_kend, 0x20d010);
}

TEST(refuses_bad_notes)
{
    base_image();
    serialize();
    m.ph[0].p_offset = 0x2000;                      /* after serialize set it */
    put(sizeof(m.eh), m.ph, m.nph * sizeof(m.ph[0]));
    CHECK_EQ(parse_len(m.len), -EINVAL);
    CHECK_CONTAINS(err, "segment 0: notes 0x2000+0x");
    CHECK_CONTAINS(err, "run past the end of the file (8448 bytes)");

    base_image(); m.notes_len = 0;
    note_str(XEN_ELFNOTE_LOADER, "generic");
    {   /* a note whose name size runs off the end */
        struct elf64_nhdr nh = { 0xffffffffu, 4, 1 };
        memcpy(m.notes + m.notes_len, &nh, sizeof(nh));
        m.notes_len += sizeof(nh) + 8;
    }
    REFUSED(-EINVAL, "note at offset 0x618 (name 4294967295 bytes, descriptor 4 bytes) "
                     "runs past the end of the segment");
    base_image(); m.notes_len = 0;
    {   /* descriptor size too large by one padded word */
        struct elf64_nhdr nh = { 4, 5, 1 };
        memcpy(m.notes + m.notes_len, &nh, sizeof(nh));
        memcpy(m.notes + sizeof(nh), "Xen", 4);
        m.notes_len += sizeof(nh) + 4 + 4;
    }
    REFUSED(-EINVAL, "descriptor 5 bytes) runs past the end of the segment");
    base_image(); m.notes_len = 8;                  /* not even a header */
    REFUSED(-EINVAL, "note header at offset 0x600 runs past the end of the segment");

    base_image(); note_num(XEN_ELFNOTE_ENTRY, 0x100000, 3);
    REFUSED(-EINVAL, "note ENTRY: a number of 3 bytes (expected 1, 2, 4 or 8)");
    base_image(); note_num(XEN_ELFNOTE_SUPPORTED_FEATURES, 1, 2);
    REFUSED(-EINVAL, "note SUPPORTED_FEATURES: 2 bytes");
    base_image(); note_str(XEN_ELFNOTE_FEATURES, "pae_pgdir_above_4gb|!frobnicate");
    REFUSED(-EINVAL, "note FEATURES: requires unknown feature 'frobnicate'");
    base_image();
    {
        char longf[300];
        memset(longf, 'a', sizeof(longf) - 1);
        longf[sizeof(longf) - 1] = '\0';
        note_str(XEN_ELFNOTE_FEATURES, longf);
    }
    REFUSED(-EINVAL, "note FEATURES: longer than 255 bytes");

    base_image();                       /* empty notes after the real ones */
    m.notes_off = 0x2100;
    for (int i = 0; i < ELF_MAX_NOTES; i++) {
        memset(m.notes + m.notes_len, 0, sizeof(struct elf64_nhdr));
        m.notes_len += sizeof(struct elf64_nhdr);
    }
    REFUSED(-EINVAL, "more than 1024 ELF notes");
}

TEST(refuses_what_xen_refuses_about_notes)
{
    base_image(); m.notes_len = 0;
    note("GNU", 3, "build-id", 8);
    REFUSED(-EINVAL, "no Xen ELF notes: not a Xen PV kernel");
    base_image(); m.note_ph = -1; m.ph[0].p_type = 6;   /* no PT_NOTE at all */
    REFUSED(-EINVAL, "no Xen ELF notes");
    base_image(); note_str(XEN_ELFNOTE_LOADER, "special");
    note_str(XEN_ELFNOTE_GUEST_OS, "plan9");
    REFUSED(-EINVAL, "neither LOADER 'generic' nor GUEST_OS 'linux' (LOADER 'special', "
                     "GUEST_OS 'plan9')");
    base_image(); note_str(XEN_ELFNOTE_XEN_VERSION, "xen-4.0");
    REFUSED(-EINVAL, "note XEN_VERSION is 'xen-4.0', expected 'xen-3.0'");
    base_image(); note_num(XEN_ELFNOTE_PADDR_OFFSET, 0, 8);
    REFUSED(-EINVAL, "note PADDR_OFFSET without VIRT_BASE");
}

TEST(refuses_bad_addresses)
{
    base_image(); note_num(XEN_ELFNOTE_ENTRY, 0x104000, 8);     /* == kend */
    REFUSED(-EINVAL, "entry point 0x104000 is outside the loaded range 0x100000-0x104000");
    base_image(); note_num(XEN_ELFNOTE_ENTRY, 0xfffff, 8);
    REFUSED(-EINVAL, "entry point 0xfffff is outside");
    base_image(); note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0x101800, 8);
    REFUSED(-EINVAL, "note HYPERCALL_PAGE 0x101800 is not a page inside the loaded range");
    base_image(); note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0x104000, 8);
    REFUSED(-EINVAL, "note HYPERCALL_PAGE 0x104000");
    base_image(); note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0xff000, 8);
    REFUSED(-EINVAL, "note HYPERCALL_PAGE 0xff000");
    base_image(); note_num(XEN_ELFNOTE_INIT_P2M, 0x102000, 8);
    REFUSED(-EINVAL, "note INIT_P2M 0x102000 is inside the kernel");

    base_image(); note_num(XEN_ELFNOTE_VIRT_BASE, 0x200000, 8);
    note_num(XEN_ELFNOTE_PADDR_OFFSET, 0x100800, 8);
    REFUSED(-EINVAL, "segment 1: p_paddr 0x100000 is below PADDR_OFFSET 0x100800");
    base_image(); note_num(XEN_ELFNOTE_VIRT_BASE, 0xfffffffffff00000ULL, 8);
    note_num(XEN_ELFNOTE_ENTRY, 0xfffffffffff00000ULL, 8);
    REFUSED(-EINVAL, "segment 1: virtual address 0xfffffffffff00000+0x100000+0x1000 "
                     "wraps around");
    base_image(); note_num(XEN_ELFNOTE_VIRT_BASE, 0xfffffffffef00000ULL, 8);
    note_num(XEN_ELFNOTE_ENTRY, 0xffffffffff000000ULL, 8);
    m.ph[2].p_memsz = 0xfff000;                 /* ends exactly at 2^64: wraps */
    REFUSED(-EINVAL, "segment 2: virtual address");
}

TEST(refuses_the_hypervisor_hole_and_non_canonical_ranges)
{
    base_image(); note_num(XEN_ELFNOTE_VIRT_BASE, ELF_HV_HOLE_START, 8);
    note_num(XEN_ELFNOTE_ENTRY, ELF_HV_HOLE_START + 0x100000, 8);
    REFUSED(-EINVAL, "virtual range 0xffff800000000000-0xffff800000104000 overlaps the "
                     "hypervisor's 0xffff800000000000-0xffff880000000000");
    base_image(); note_num(XEN_ELFNOTE_VIRT_BASE, ELF_HV_HOLE_END - 0x101000, 8);
    note_num(XEN_ELFNOTE_ENTRY, ELF_HV_HOLE_END - 0x1000, 8);
    REFUSED(-EINVAL, "overlaps the hypervisor's");
    base_image(); note_num(XEN_ELFNOTE_VIRT_BASE, 0x0000800000000000ULL, 8);
    note_num(XEN_ELFNOTE_ENTRY, 0x0000800000100000ULL, 8);
    REFUSED(-EINVAL, "virtual range 0x800000000000-0x800000104000 is not canonical");
    base_image(); note_num(XEN_ELFNOTE_VIRT_BASE, 0x00007fffffff0000ULL, 8);
    note_num(XEN_ELFNOTE_ENTRY, 0x0000800000000000ULL + 0xf0000, 8);
    REFUSED(-EINVAL, "is not canonical");

    /* Right at the edges is fine. */
    base_image(); note_num(XEN_ELFNOTE_VIRT_BASE, ELF_HV_HOLE_END, 8);
    note_num(XEN_ELFNOTE_ENTRY, ELF_HV_HOLE_END + 0x100000, 8);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, ELF_HV_HOLE_END + 0x101000, 8);
    CHECK_EQ(parse_image(), 0);
    base_image(); note_num(XEN_ELFNOTE_VIRT_BASE, 0x00007fffffefc000ULL, 8);
    note_num(XEN_ELFNOTE_ENTRY, 0x00007ffffffff000ULL, 8);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0x00007ffffffff000ULL, 8);
    CHECK_EQ(parse_image(), 0);
    CHECK_EQ(info.virt_kend, 0x0000800000000000ULL);
}

/* A fake guest: the VA range [base, base + size) backed by an array. */
struct fake_guest {
    uint64_t base;
    uint8_t mem[0x4000];
    int calls, fail_at;
    const uint8_t *image;
    size_t image_len;
};

static int fake_write(void *ctx, uint64_t va, const void *src, size_t n)
{
    struct fake_guest *g = ctx;

    if (++g->calls == g->fail_at)
        return -EFAULT;
    CHECK(va >= g->base && va - g->base + n <= sizeof(g->mem));
    CHECK((const uint8_t *)src >= g->image &&
          (const uint8_t *)src + n <= g->image + g->image_len);
    memcpy(g->mem + (va - g->base), src, n);
    return 0;
}

static int fake_zero(void *ctx, uint64_t va, size_t n)
{
    struct fake_guest *g = ctx;

    if (++g->calls == g->fail_at)
        return -ENOMEM;
    CHECK(va >= g->base && va - g->base + n <= sizeof(g->mem));
    memset(g->mem + (va - g->base), 0, n);
    return 0;
}

static struct fake_guest guest;

TEST(load_copies_and_zeroes_each_segment)
{
    base_image();
    CHECK_EQ(parse_image(), 0);
    memset(&guest, 0xaa, sizeof(guest));
    guest.base = 0x100000;
    guest.calls = 0;
    guest.fail_at = -1;
    guest.image = m.bytes;
    guest.image_len = m.len;
    CHECK_EQ(elf_load(m.bytes, m.len, &info, fake_write, fake_zero, &guest), 0);
    CHECK_EQ(guest.calls, 3);           /* text; data; bss (text has no bss) */
    CHECK(memcmp(guest.mem, m.bytes + 0x1000, 0x1100) == 0);
    for (size_t i = 0x1100; i < 0x4000; i++)
        if (guest.mem[i] != 0) {
            test_fail(__FILE__, __LINE__, "byte %#zx not zeroed", i);
            break;
        }

    /* The first failure stops the load and is what it returns. */
    for (int at = 1; at <= 3; at++) {
        guest.calls = 0;
        guest.fail_at = at;
        CHECK_EQ(elf_load(m.bytes, m.len, &info, fake_write, fake_zero, &guest),
                 at == 3 ? -ENOMEM : -EFAULT);
        CHECK_EQ(guest.calls, at);
    }
    /* An info that does not fit this image is refused, not followed. */
    guest.fail_at = -1;
    CHECK_EQ(elf_load(m.bytes, 0x1800, &info, fake_write, fake_zero, &guest), -EINVAL);
}

static void check_accepted(size_t len)
{
    CHECK_STR_EQ(err, "");
    CHECK(info.nr_segments >= 1 && info.nr_segments <= ELF_MAX_LOADS);
    CHECK(info.virt_kstart < info.virt_kend);
    CHECK(info.entry >= info.virt_kstart && info.entry < info.virt_kend);
    CHECK(info.virt_base <= info.virt_kstart);
    CHECK(info.virt_kend <= 0x0000800000000000ULL || info.virt_base >= ELF_HV_HOLE_END);
    for (unsigned int i = 0; i < info.nr_segments; i++) {
        const struct elf_segment *s = &info.segments[i];

        CHECK(s->filesz <= s->memsz && s->memsz > 0);
        CHECK(s->offset <= len && s->filesz <= len - s->offset);
        CHECK(s->guest_va >= info.virt_kstart && s->guest_va - info.virt_kstart +
              s->memsz <= info.virt_kend - info.virt_kstart);
    }
    if (info.has_hypercall_page)
        CHECK(info.hypercall_page >= info.virt_kstart &&
              info.hypercall_page + 4096 <= info.virt_kend);
}

static int count_write(void *ctx, uint64_t va, const void *src, size_t n)
{
    (void)va;
    /* Read every byte handed over: ASan then checks src really lies in the image. */
    for (size_t i = 0; i < n; i++)
        *(uint8_t *)ctx ^= ((const uint8_t *)src)[i];
    return 0;
}

static int count_zero(void *ctx, uint64_t va, size_t n)
{
    (void)ctx; (void)va; (void)n;
    return 0;
}

TEST(random_mutations_never_crash)
{
    unsigned int accepted = 0;

    base_image();
    serialize();
    for (int iter = 0; iter < 50000; iter++) {
        static uint8_t saved[IMG_MAX];
        size_t len = m.len;
        uint8_t *copy;
        uint8_t sink = 0;
        int rc;

        memcpy(saved, m.bytes, m.len);
        for (int k = 1 + (int)(test_rand() % 6); k > 0; k--) {
            /* Mostly the headers and notes, where the structure lives. */
            size_t at = (test_rand() % 4) ? test_rand() % (m.notes_off + m.notes_len)
                                          : test_rand() % len;
            switch (test_rand() % 4) {
            case 0:  m.bytes[at] = (uint8_t)test_rand(); break;
            case 1:  m.bytes[at] ^= (uint8_t)(1u << (test_rand() % 8)); break;
            case 2:  m.bytes[at] = (test_rand() % 2) ? 0xff : 0; break;
            default: len = at + 1; break;
            }
        }
        copy = malloc(len);
        CHECK(copy != NULL);
        memcpy(copy, m.bytes, len);
        rc = elf_parse(copy, len, &info, err, sizeof(err));
        if (rc == 0) {
            accepted++;
            check_accepted(len);
            CHECK_EQ(elf_load(copy, len, &info, count_write, count_zero, &sink), 0);
        } else {
            CHECK(rc == -EINVAL || rc == -ENOEXEC);
            CHECK(strlen(err) > 0);
            CHECK_EQ(info.nr_segments, 0);
        }
        free(copy);
        memcpy(m.bytes, saved, m.len);
    }
    /* Mutations of note text and padding are often harmless: some must pass. */
    CHECK(accepted > 100);
}
