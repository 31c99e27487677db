/*
 * ELFNOTE(type, desc...): one ELF note of owner "Xen" in .note.Xen (a PT_NOTE
 * segment, lib/image.lds), for each environment's head.S. Assembly only.
 */
#ifndef GUEST_ELFNOTE_ASM_H
#define GUEST_ELFNOTE_ASM_H
#include <public/elfnote.h>

#define ELFNOTE(type, desc...)                                                        \
        .pushsection .note.Xen, "a", @note;                                           \
        .balign 4;                                                                    \
        .long 2f - 1f;                  /* namesz */                                  \
        .long 4f - 3f;                  /* descsz */                                  \
        .long type;                                                                   \
1:      .asciz "Xen";                                                                 \
2:      .balign 4;                                                                    \
3:      desc;                                                                         \
4:      .balign 4;                                                                    \
        .popsection

#endif
