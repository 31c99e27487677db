/*
 * Host stand-in for arch/x86/include/asm/page.h: "machine frames" are
 * pages of an arena that stub_arena_init() maps (tests/unit/stubs/page.c).
 */
#ifndef STUB_ASM_PAGE_H
#define STUB_ASM_PAGE_H

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

void *mfn_to_virt(unsigned long mfn);
/* ~0UL for an address outside the arena (never a valid frame). */
unsigned long virt_to_mfn(const void *va);

#endif
