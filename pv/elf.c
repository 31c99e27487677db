/*
 * ELF64 kernel images with Xen notes (pv/elf.h).
 *
 * The image is a boot module: any bytes at any alignment.  Every header is
 * memcpy'd out before use (no unaligned or type-punned loads), every
 * offset and size is checked against the image length without overflow
 * (`fits` below), and nothing is trusted until it has been checked.
 * The rules about notes and addresses follow what Xen's loader accepts, so
 * a kernel that boots on Xen boots here and one Xen refuses is refused.
 */
#include <stdarg.h>
#include <public/elfnote.h>
#include <public/version.h>
#include <pv/elf.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>

#define GUEST_PAGE_SIZE     4096ULL
#define LOWER_HALF_END      0x0000800000000000ULL   /* first non-canonical address */

struct parse {
    const uint8_t *image;
    size_t len;
    struct elf_info *info;
    char *err;
    size_t err_len;
    bool virt_base_set;
    bool paddr_offset_set;
    bool entry_set;
    unsigned int nr_notes;
};

static int __attribute__((format(printf, 3, 4)))
fail(struct parse *ps, int rc, const char *fmt, ...)
{
    va_list ap;

    if (ps->err_len) {
        va_start(ap, fmt);
        vsnprintf(ps->err, ps->err_len, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* [off, off + size) lies inside [0, limit): checked without overflow. */
static bool fits(uint64_t off, uint64_t size, uint64_t limit)
{
    return off <= limit && size <= limit - off;
}

static const char *const note_names[] = {
    [XEN_ELFNOTE_INFO] = "INFO",
    [XEN_ELFNOTE_ENTRY] = "ENTRY",
    [XEN_ELFNOTE_HYPERCALL_PAGE] = "HYPERCALL_PAGE",
    [XEN_ELFNOTE_VIRT_BASE] = "VIRT_BASE",
    [XEN_ELFNOTE_PADDR_OFFSET] = "PADDR_OFFSET",
    [XEN_ELFNOTE_XEN_VERSION] = "XEN_VERSION",
    [XEN_ELFNOTE_GUEST_OS] = "GUEST_OS",
    [XEN_ELFNOTE_GUEST_VERSION] = "GUEST_VERSION",
    [XEN_ELFNOTE_LOADER] = "LOADER",
    [XEN_ELFNOTE_PAE_MODE] = "PAE_MODE",
    [XEN_ELFNOTE_FEATURES] = "FEATURES",
    [XEN_ELFNOTE_BSD_SYMTAB] = "BSD_SYMTAB",
    [XEN_ELFNOTE_HV_START_LOW] = "HV_START_LOW",
    [XEN_ELFNOTE_L1_MFN_VALID] = "L1_MFN_VALID",
    [XEN_ELFNOTE_SUSPEND_CANCEL] = "SUSPEND_CANCEL",
    [XEN_ELFNOTE_INIT_P2M] = "INIT_P2M",
    [XEN_ELFNOTE_MOD_START_PFN] = "MOD_START_PFN",
    [XEN_ELFNOTE_SUPPORTED_FEATURES] = "SUPPORTED_FEATURES",
    [XEN_ELFNOTE_PHYS32_ENTRY] = "PHYS32_ENTRY",
};
BUILD_BUG_ON(ARRAY_SIZE(note_names) != XEN_ELFNOTE_MAX + 1);
BUILD_BUG_ON(XEN_ELFNOTE_MAX >= 32);    /* notes_seen is a 32-bit mask */

/* XENFEAT_* names as FEATURES spells them (public/version.h numbers). */
static const char *const feature_names[] = {
    [XENFEAT_writable_page_tables] = "writable_page_tables",
    [XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
    [XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
    [XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
    [XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
    [XENFEAT_mmu_pt_update_preserve_ad] = "mmu_pt_update_preserve_ad",
    [XENFEAT_highmem_assist] = "highmem_assist",
    [XENFEAT_gnttab_map_avail_bits] = "gnttab_map_avail_bits",
    [XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
    [XENFEAT_hvm_safe_pvclock] = "hvm_safe_pvclock",
    [XENFEAT_hvm_pirqs] = "hvm_pirqs",
    [XENFEAT_dom0] = "dom0",
};

const char *elf_xen_note_name(uint32_t type)
{
    return type < ARRAY_SIZE(note_names) ? note_names[type] : NULL;
}

/* Numeric notes are 1, 2, 4 or 8 bytes, little-endian (as Xen reads them). */
static int note_number(struct parse *ps, uint32_t type, const uint8_t *desc,
                       uint32_t size, uint64_t *val)
{
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return fail(ps, -EINVAL, "note %s: a number of %u bytes (expected 1, 2, 4 or 8)",
                    note_names[type], size);
    *val = 0;
    for (uint32_t i = size; i-- > 0;)
        *val = (*val << 8) | desc[i];
    return 0;
}

/*
 * A string note, up to its first NUL or the end of its descriptor (Linux
 * writes FEATURES with .ascii, no NUL).  Bytes that are not printable ASCII
 * become '?', since these strings go to the boot log.  Returns the full
 * length, which may exceed what fitted in DST.
 */
static size_t note_string(char *dst, size_t dst_size, const uint8_t *desc, uint32_t size)
{
    size_t n = 0;

    while (n < size && desc[n])
        n++;
    for (size_t i = 0; i < n && i + 1 < dst_size; i++)
        dst[i] = (desc[i] >= ' ' && desc[i] < 0x7f) ? (char)desc[i] : '?';
    dst[n < dst_size ? n : dst_size - 1] = '\0';
    return n;
}

/* FEATURES: names separated by '|', '!' before a name the kernel cannot do without. */
static int parse_features(struct parse *ps)
{
    struct elf_info *info = ps->info;
    const char *p = info->features;

    while (*p) {
        const char *word = p;
        bool required = *word == '!';
        size_t n;
        unsigned int bit;

        while (*p && *p != '|')
            p++;
        n = (size_t)(p - word);
        if (*p == '|')
            p++;
        if (required) {
            word++;
            n--;
        }
        for (bit = 0; bit < ARRAY_SIZE(feature_names); bit++)
            if (strlen(feature_names[bit]) == n && !memcmp(feature_names[bit], word, n))
                break;
        if (bit < ARRAY_SIZE(feature_names)) {
            info->features_supported |= 1U << bit;
            if (required)
                info->features_required |= 1U << bit;
        } else if (required) {
            /* Xen refuses a kernel that needs a feature it cannot name. */
            return fail(ps, -EINVAL, "note FEATURES: requires unknown feature '%.*s'",
                        (int)min_t(size_t, n, 64), word);
        }
    }
    return 0;
}

static int xen_note(struct parse *ps, uint32_t type, const uint8_t *desc, uint32_t size)
{
    struct elf_info *info = ps->info;
    uint64_t val = 0;
    int rc = 0;

    ps->info->nr_xen_notes++;
    if (!elf_xen_note_name(type)) {
        info->nr_ignored_notes++;
        return 0;
    }
    info->notes_seen |= 1U << type;

    switch (type) {
    case XEN_ELFNOTE_ENTRY:
    case XEN_ELFNOTE_HYPERCALL_PAGE:
    case XEN_ELFNOTE_VIRT_BASE:
    case XEN_ELFNOTE_PADDR_OFFSET:
    case XEN_ELFNOTE_HV_START_LOW:
    case XEN_ELFNOTE_INIT_P2M:
    case XEN_ELFNOTE_MOD_START_PFN:
    case XEN_ELFNOTE_PHYS32_ENTRY:
        rc = note_number(ps, type, desc, size, &val);
        break;
    }
    if (rc)
        return rc;

    /* As in Xen, a later note of the same type replaces an earlier one. */
    switch (type) {
    case XEN_ELFNOTE_ENTRY:
        info->entry = val;
        ps->entry_set = true;
        break;
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        info->hypercall_page = val;
        info->has_hypercall_page = true;
        break;
    case XEN_ELFNOTE_VIRT_BASE:
        info->virt_base = val;
        ps->virt_base_set = true;
        break;
    case XEN_ELFNOTE_PADDR_OFFSET:
        info->paddr_offset = val;
        ps->paddr_offset_set = true;
        break;
    case XEN_ELFNOTE_HV_START_LOW:
        info->hv_start_low = val;
        info->has_hv_start_low = true;
        break;
    case XEN_ELFNOTE_INIT_P2M:
        info->init_p2m = val;
        info->has_init_p2m = true;
        break;
    case XEN_ELFNOTE_MOD_START_PFN:
        info->mod_start_pfn = val != 0;
        break;
    case XEN_ELFNOTE_PHYS32_ENTRY:
        info->phys32_entry = val;
        info->has_phys32_entry = true;
        break;
    case XEN_ELFNOTE_GUEST_OS:
        note_string(info->guest_os, sizeof(info->guest_os), desc, size);
        break;
    case XEN_ELFNOTE_GUEST_VERSION:
        note_string(info->guest_version, sizeof(info->guest_version), desc, size);
        break;
    case XEN_ELFNOTE_XEN_VERSION:
        note_string(info->xen_version, sizeof(info->xen_version), desc, size);
        break;
    case XEN_ELFNOTE_LOADER:
        note_string(info->loader, sizeof(info->loader), desc, size);
        break;
    case XEN_ELFNOTE_PAE_MODE:
        note_string(info->pae_mode, sizeof(info->pae_mode), desc, size);
        break;
    case XEN_ELFNOTE_FEATURES:
        /* Unlike the informational strings, a cut FEATURES would change its meaning. */
        if (note_string(info->features, sizeof(info->features), desc, size)
            >= sizeof(info->features))
            return fail(ps, -EINVAL, "note FEATURES: longer than %zu bytes",
                        sizeof(info->features) - 1);
        info->features_supported = info->features_required = 0;
        return parse_features(ps);
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        /* A u32 bitmap per submap; there is one submap (XENFEAT_NR_SUBMAPS). */
        if (size < 4 || size % 4)
            return fail(ps, -EINVAL, "note SUPPORTED_FEATURES: %u bytes (expected "
                        "a multiple of 4)", size);
        info->features_supported |= (uint32_t)desc[0] | (uint32_t)desc[1] << 8 |
                                    (uint32_t)desc[2] << 16 | (uint32_t)desc[3] << 24;
        break;
    default:
        break;      /* INFO, BSD_SYMTAB, L1_MFN_VALID, SUSPEND_CANCEL: seen, not used */
    }
    return 0;
}

/* The notes of one PT_NOTE segment, file range [off, off + size) (already in the file). */
static int parse_notes(struct parse *ps, unsigned int seg, uint64_t off, uint64_t size)
{
    const uint8_t *base = ps->image + off;
    uint64_t pos = 0;
    int rc;

    while (pos < size) {
        struct elf64_nhdr nh;
        uint64_t name_pad, desc_pad;
        const uint8_t *name;

        if (++ps->nr_notes > ELF_MAX_NOTES)
            return fail(ps, -EINVAL, "more than %d ELF notes", ELF_MAX_NOTES);
        if (!fits(pos, sizeof(nh), size))
            return fail(ps, -EINVAL, "segment %u: note header at offset %#llx runs past "
                        "the end of the segment", seg, (unsigned long long)(off + pos));
        memcpy(&nh, base + pos, sizeof(nh));
        /* Name and descriptor are each padded to 4 bytes; u32 + 3 cannot overflow u64. */
        name_pad = ALIGN_UP((uint64_t)nh.n_namesz, 4);
        desc_pad = ALIGN_UP((uint64_t)nh.n_descsz, 4);
        if (!fits(pos + sizeof(nh), name_pad + desc_pad, size))
            return fail(ps, -EINVAL, "segment %u: note at offset %#llx (name %u bytes, "
                        "descriptor %u bytes) runs past the end of the segment", seg,
                        (unsigned long long)(off + pos), nh.n_namesz, nh.n_descsz);
        name = base + pos + sizeof(nh);
        if (nh.n_namesz == 4 && !memcmp(name, "Xen", 4)) {
            rc = xen_note(ps, nh.n_type, name + name_pad, nh.n_descsz);
            if (rc)
                return rc;
        }
        pos += sizeof(nh) + name_pad + desc_pad;
    }
    return 0;
}

static int check_header(struct parse *ps, struct elf64_ehdr *eh)
{
    if (ps->len < sizeof(*eh))
        return fail(ps, -ENOEXEC, "truncated ELF header (%zu bytes, need %zu)",
                    ps->len, sizeof(*eh));
    memcpy(eh, ps->image, sizeof(*eh));
    if (memcmp(eh->e_ident, ELF_MAGIC, 4))
        return fail(ps, -ENOEXEC, "not an ELF file (bad magic)");
    if (eh->e_ident[EI_CLASS] != ELFCLASS64)
        return fail(ps, -ENOEXEC, "not a 64-bit ELF (class %u)", eh->e_ident[EI_CLASS]);
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(ps, -ENOEXEC, "not a little-endian ELF (data %u)", eh->e_ident[EI_DATA]);
    if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return fail(ps, -ENOEXEC, "unknown ELF version %u", eh->e_version);
    if (eh->e_type != ET_EXEC)
        return fail(ps, -ENOEXEC, "not an executable (e_type %u)", eh->e_type);
    if (eh->e_machine != EM_X86_64)
        return fail(ps, -ENOEXEC, "not an x86-64 ELF (e_machine %u)", eh->e_machine);
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return fail(ps, -EINVAL, "program header size %u (expected %zu)",
                    eh->e_phentsize, sizeof(struct elf64_phdr));
    if (eh->e_phnum == 0)
        return fail(ps, -EINVAL, "no program headers");
    /* e_phnum < 2^16, so the table size cannot overflow. */
    if (!fits(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), ps->len))
        return fail(ps, -EINVAL, "program header table (offset %#llx, %u entries) runs "
                    "past the end of the file (%zu bytes)",
                    (unsigned long long)eh->e_phoff, eh->e_phnum, ps->len);
    return 0;
}

static int add_segment(struct parse *ps, unsigned int i, const struct elf64_phdr *ph)
{
    struct elf_info *info = ps->info;
    struct elf_segment *seg;

    if (ph->p_memsz == 0)
        return 0;       /* occupies nothing */
    if (info->nr_segments == ELF_MAX_LOADS)
        return fail(ps, -EINVAL, "more than %d PT_LOAD segments", ELF_MAX_LOADS);
    if (ph->p_filesz > ph->p_memsz)
        return fail(ps, -EINVAL, "segment %u: filesz %#llx is larger than memsz %#llx",
                    i, (unsigned long long)ph->p_filesz, (unsigned long long)ph->p_memsz);
    if (!fits(ph->p_offset, ph->p_filesz, ps->len))
        return fail(ps, -EINVAL, "segment %u: file range %#llx+%#llx runs past the end "
                    "of the file (%zu bytes)", i, (unsigned long long)ph->p_offset,
                    (unsigned long long)ph->p_filesz, ps->len);
    if (ph->p_paddr + ph->p_memsz < ph->p_paddr)
        return fail(ps, -EINVAL, "segment %u: physical range %#llx+%#llx wraps around",
                    i, (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz);
    seg = &info->segments[info->nr_segments++];
    seg->paddr = ph->p_paddr;
    seg->offset = ph->p_offset;
    seg->filesz = ph->p_filesz;
    seg->memsz = ph->p_memsz;
    seg->flags = ph->p_flags & (PF_R | PF_W | PF_X);
    seg->phdr = i;
    return 0;
}

static int read_program_headers(struct parse *ps, const struct elf64_ehdr *eh)
{
    int rc;

    for (unsigned int i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr ph;

        memcpy(&ph, ps->image + eh->e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_LOAD) {
            rc = add_segment(ps, i, &ph);
        } else if (ph.p_type == PT_NOTE) {
            /* Some binutils leave p_offset 0 in note segments; Xen skips those too. */
            if (ph.p_offset == 0)
                continue;
            if (!fits(ph.p_offset, ph.p_filesz, ps->len))
                return fail(ps, -EINVAL, "segment %u: notes %#llx+%#llx run past the end "
                            "of the file (%zu bytes)", i, (unsigned long long)ph.p_offset,
                            (unsigned long long)ph.p_filesz, ps->len);
            rc = parse_notes(ps, i, ph.p_offset, ph.p_filesz);
        } else {
            rc = 0;
        }
        if (rc)
            return rc;
    }
    if (!ps->info->nr_segments)
        return fail(ps, -EINVAL, "no PT_LOAD segments with memory");
    return 0;
}

/* What Xen's note check insists on before it loads a kernel. */
static int check_notes(struct parse *ps)
{
    const struct elf_info *info = ps->info;

    if (!info->nr_xen_notes)
        return fail(ps, -EINVAL, "no Xen ELF notes: not a Xen PV kernel");
    if (strncmp(info->loader, "generic", 7) && strncmp(info->guest_os, "linux", 5))
        return fail(ps, -EINVAL, "notes name neither LOADER 'generic' nor GUEST_OS 'linux' "
                    "(LOADER '%s', GUEST_OS '%s')", info->loader, info->guest_os);
    if (strncmp(info->xen_version, "xen-3.0", 7))
        return fail(ps, -EINVAL, "note XEN_VERSION is '%s', expected 'xen-3.0'",
                    info->xen_version);
    if (ps->paddr_offset_set && !ps->virt_base_set)
        return fail(ps, -EINVAL, "note PADDR_OFFSET without VIRT_BASE");
    return 0;
}

/* Guest VAs of the segments, and the range they span. */
static int place_segments(struct parse *ps)
{
    struct elf_info *info = ps->info;
    uint64_t start = ~0ULL, end = 0;

    for (unsigned int i = 0; i < info->nr_segments; i++) {
        struct elf_segment *seg = &info->segments[i];
        uint64_t rel;

        if (seg->paddr < info->paddr_offset)
            return fail(ps, -EINVAL, "segment %u: p_paddr %#llx is below PADDR_OFFSET "
                        "%#llx", seg->phdr, (unsigned long long)seg->paddr,
                        (unsigned long long)info->paddr_offset);
        rel = seg->paddr - info->paddr_offset;
        /* The last byte must be addressable: va + memsz may not wrap past 2^64. */
        if (rel > ~0ULL - info->virt_base ||
            seg->memsz > ~0ULL - (rel + info->virt_base))
            return fail(ps, -EINVAL, "segment %u: virtual address %#llx+%#llx+%#llx "
                        "wraps around", seg->phdr, (unsigned long long)info->virt_base,
                        (unsigned long long)rel, (unsigned long long)seg->memsz);
        seg->guest_va = rel + info->virt_base;
        for (unsigned int j = 0; j < i; j++) {
            const struct elf_segment *other = &info->segments[j];

            if (seg->guest_va < other->guest_va + other->memsz &&
                other->guest_va < seg->guest_va + seg->memsz)
                return fail(ps, -EINVAL, "segments %u and %u overlap", other->phdr,
                            seg->phdr);
        }
        start = min(start, seg->guest_va);
        end = max(end, seg->guest_va + seg->memsz);
    }
    info->virt_kstart = start;
    info->virt_kend = end;
    return 0;
}

/*
 * Where the builder maps the domain, [virt_base, kend), must be guest address
 * space.  (virt_base <= kstart holds: place_segments refused p_paddr < PADDR_OFFSET.)
 */
static int check_range(struct parse *ps)
{
    const struct elf_info *info = ps->info;
    uint64_t lo = info->virt_base, hi = info->virt_kend;   /* hi is exclusive */

    if (lo < ELF_HV_HOLE_END && hi > ELF_HV_HOLE_START)
        return fail(ps, -EINVAL, "virtual range %#llx-%#llx overlaps the hypervisor's "
                    "%#llx-%#llx", (unsigned long long)lo, (unsigned long long)hi,
                    ELF_HV_HOLE_START, ELF_HV_HOLE_END);
    if ((lo < LOWER_HALF_END && hi > LOWER_HALF_END) ||
        (lo >= LOWER_HALF_END && lo < ELF_HV_HOLE_START))
        return fail(ps, -EINVAL, "virtual range %#llx-%#llx is not canonical",
                    (unsigned long long)lo, (unsigned long long)hi);
    return 0;
}

static int check_addresses(struct parse *ps)
{
    const struct elf_info *info = ps->info;
    uint64_t ks = info->virt_kstart, ke = info->virt_kend;

    if (info->entry < ks || info->entry >= ke)
        return fail(ps, -EINVAL, "entry point %#llx is outside the loaded range %#llx-%#llx",
                    (unsigned long long)info->entry, (unsigned long long)ks,
                    (unsigned long long)ke);
    if (info->has_hypercall_page &&
        (!IS_ALIGNED(info->hypercall_page, GUEST_PAGE_SIZE) ||
         info->hypercall_page < ks || !fits(info->hypercall_page - ks, GUEST_PAGE_SIZE,
                                            ke - ks)))
        return fail(ps, -EINVAL, "note HYPERCALL_PAGE %#llx is not a page inside the loaded "
                    "range %#llx-%#llx", (unsigned long long)info->hypercall_page,
                    (unsigned long long)ks, (unsigned long long)ke);
    if (info->has_init_p2m && info->init_p2m >= ks && info->init_p2m < ke)
        return fail(ps, -EINVAL, "note INIT_P2M %#llx is inside the kernel",
                    (unsigned long long)info->init_p2m);
    return 0;
}

int elf_parse(const void *image, size_t len, struct elf_info *info,
              char *err, size_t err_len)
{
    struct parse ps = {
        .image = image, .len = len, .info = info,
        .err = err, .err_len = err ? err_len : 0,
    };
    struct elf64_ehdr eh;
    int rc;

    memset(info, 0, sizeof(*info));
    if (ps.err_len)
        err[0] = '\0';
    rc = check_header(&ps, &eh);
    if (!rc)
        rc = read_program_headers(&ps, &eh);
    if (!rc)
        rc = check_notes(&ps);
    if (!rc) {
        if (!ps.entry_set)
            info->entry = eh.e_entry;
        rc = place_segments(&ps);
    }
    if (!rc)
        rc = check_range(&ps);
    if (!rc)
        rc = check_addresses(&ps);
    if (rc)
        memset(info, 0, sizeof(*info));
    return rc;
}

void elf_report(const struct elf_info *info, const char *name)
{
    char notes[256];
    size_t n = 0;

    notes[0] = '\0';
    for (unsigned int t = 0; t < ARRAY_SIZE(note_names); t++)
        if ((info->notes_seen & (1U << t)) && n < sizeof(notes))
            n += (size_t)snprintf(notes + n, sizeof(notes) - n, "%s%s",
                                  n ? " " : "", note_names[t]);
    printk("elf: %s: entry %#llx, virt %#llx-%#llx, VIRT_BASE %#llx, PADDR_OFFSET %#llx, "
           "%u segments; notes %s (%u ignored); GUEST_OS '%s', GUEST_VERSION '%s', LOADER '%s', "
           "XEN_VERSION '%s', FEATURES '%s'\n", name,
           (unsigned long long)info->entry, (unsigned long long)info->virt_kstart,
           (unsigned long long)info->virt_kend, (unsigned long long)info->virt_base,
           (unsigned long long)info->paddr_offset, info->nr_segments,
           n ? notes : "none", info->nr_ignored_notes, info->guest_os,
           info->guest_version, info->loader, info->xen_version, info->features);
}

int elf_load(const void *image, size_t len, const struct elf_info *info,
             int (*write)(void *ctx, uint64_t guest_va, const void *src, size_t n),
             int (*zero)(void *ctx, uint64_t guest_va, size_t n),
             void *ctx)
{
    const uint8_t *bytes = image;
    int rc;

    for (unsigned int i = 0; i < info->nr_segments; i++) {
        const struct elf_segment *seg = &info->segments[i];

        /* Cheap insurance against an info that did not come from this image. */
        if (!fits(seg->offset, seg->filesz, len) || seg->filesz > seg->memsz ||
            seg->memsz > SIZE_MAX)
            return -EINVAL;
        if (seg->filesz) {
            rc = write(ctx, seg->guest_va, bytes + seg->offset, (size_t)seg->filesz);
            if (rc)
                return rc;
        }
        if (seg->memsz > seg->filesz) {
            rc = zero(ctx, seg->guest_va + seg->filesz, (size_t)(seg->memsz - seg->filesz));
            if (rc)
                return rc;
        }
    }
    return 0;
}
