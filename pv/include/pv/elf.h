/*
 * ELF64 kernel images with Xen ELF notes: parse and validate an image that
 * came in as a boot module, then copy its segments into a domain.
 *
 * Kernels are placed the way Xen places them: segments by p_paddr, at guest
 * virtual address p_paddr - PADDR_OFFSET + VIRT_BASE.  Linux: PADDR_OFFSET 0,
 * VIRT_BASE 0xffffffff80000000.  Small test kernels: no VIRT_BASE note, so
 * both are 0 and they run at their physical link address.
 *
 * The structures below are written from the ELF-64 specification (System V
 * gABI and its x86-64 supplement); note numbers are public/elfnote.h's.
 */
#ifndef PV_ELF_H
#define PV_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- ELF-64 file format ---- */

#define ELF_MAGIC        "\177ELF"
#define EI_CLASS         4
#define EI_DATA          5
#define EI_VERSION       6
#define ELFCLASS64       2
#define ELFDATA2LSB      1
#define EV_CURRENT       1
#define ET_EXEC          2
#define EM_X86_64        62
#define PT_LOAD          1
#define PT_NOTE          4
#define PF_X             1
#define PF_W             2
#define PF_R             4

struct elf64_ehdr {
    uint8_t e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 file header is 64 bytes");

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");

/* A note: this header, the name padded to 4 bytes, the descriptor padded to 4. */
struct elf64_nhdr {
    uint32_t n_namesz;
    uint32_t n_descsz;
    uint32_t n_type;
};
_Static_assert(sizeof(struct elf64_nhdr) == 12, "ELF note header is 12 bytes");

/* ---- What elf_parse finds ---- */

#define ELF_MAX_LOADS        16     /* PT_LOAD segments with memsz > 0 */
#define ELF_MAX_NOTES        1024   /* notes of any owner, in all PT_NOTEs */
#define ELF_NOTE_STR_MAX     64     /* informational strings, cut to fit */
#define ELF_FEATURES_MAX     256    /* FEATURES must fit whole */

/* The Xen PV ABI keeps this guest-virtual range for the hypervisor (L4 slots 256-271). */
#define ELF_HV_HOLE_START    0xffff800000000000ULL
#define ELF_HV_HOLE_END      0xffff880000000000ULL

struct elf_segment {
    uint64_t paddr;         /* p_paddr */
    uint64_t offset;        /* p_offset */
    uint64_t filesz;        /* bytes copied from the file */
    uint64_t memsz;         /* filesz <= memsz; the rest is zeroed */
    uint64_t guest_va;      /* paddr - paddr_offset + virt_base */
    uint32_t flags;         /* PF_R | PF_W | PF_X */
    unsigned int phdr;      /* its program header's index, for messages */
};

struct elf_info {
    uint64_t entry;                 /* ENTRY note, else e_entry */
    uint64_t virt_base;             /* VIRT_BASE note, else 0 */
    uint64_t paddr_offset;          /* PADDR_OFFSET note, else 0 */
    uint64_t hypercall_page;        /* guest VA, page-aligned, inside the kernel */
    bool has_hypercall_page;
    uint64_t hv_start_low;
    bool has_hv_start_low;
    uint64_t phys32_entry;          /* PVH entry (physical) */
    bool has_phys32_entry;
    uint64_t init_p2m;              /* VA where the kernel wants its p2m list */
    bool has_init_p2m;
    bool mod_start_pfn;             /* MOD_START_PFN != 0: initrd may be unmapped */
    /* XENFEAT_* bits: named in FEATURES ("!" = required), or in SUPPORTED_FEATURES. */
    uint32_t features_supported;
    uint32_t features_required;
    char features[ELF_FEATURES_MAX];
    char guest_os[ELF_NOTE_STR_MAX];
    char guest_version[ELF_NOTE_STR_MAX];
    char xen_version[ELF_NOTE_STR_MAX];
    char loader[ELF_NOTE_STR_MAX];
    char pae_mode[ELF_NOTE_STR_MAX];
    uint32_t notes_seen;            /* bit n: a Xen note of type n was found */
    unsigned int nr_xen_notes;
    unsigned int nr_ignored_notes;  /* Xen notes of a type we do not know */
    uint64_t virt_kstart;           /* guest VA range of all segments: [kstart, kend) */
    uint64_t virt_kend;
    unsigned int nr_segments;
    struct elf_segment segments[ELF_MAX_LOADS];
};

/*
 * Validate IMAGE (LEN bytes; any alignment) and fill *INFO.  Returns 0, or
 * -EINVAL (-ENOEXEC when it is not an x86-64 ELF executable at all) with one
 * line in ERR (if err_len > 0) naming the field, segment or note at fault.
 * Everything is checked against LEN with overflow-checked arithmetic.
 * Refused besides malformed files: kernels without Xen notes, or whose notes
 * Xen would refuse (neither LOADER "generic" nor GUEST_OS "linux"; XEN_VERSION
 * not "xen-3.0"; a required feature we cannot name), segments that overlap,
 * a guest-virtual range [virt_base, virt_kend) that is non-canonical or
 * touches the hypervisor hole, an entry outside [virt_kstart, virt_kend), a
 * hypercall page not wholly inside it, an INIT_P2M address inside it.
 */
int elf_parse(const void *image, size_t len, struct elf_info *info,
              char *err, size_t err_len);

/* One printk line for the boot log: where the kernel goes and the notes found. */
void elf_report(const struct elf_info *info, const char *name);

/*
 * Copy each segment's file bytes to its guest VA with WRITE, then ZERO the
 * rest of its memsz.  IMAGE and LEN must be those elf_parse accepted for
 * INFO.  Stops at and returns the first non-zero callback result; 0 when
 * every segment is in place.
 */
int elf_load(const void *image, size_t len, const struct elf_info *info,
             int (*write)(void *ctx, uint64_t guest_va, const void *src, size_t n),
             int (*zero)(void *ctx, uint64_t guest_va, size_t n),
             void *ctx);

/* The name of Xen note TYPE ("ENTRY", ...), or NULL when we do not know it. */
const char *elf_xen_note_name(uint32_t type);

#endif /* PV_ELF_H */
