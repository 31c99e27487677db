/*
 * ptwr_decode (pv/ptwr_decode.c): every instruction form a PV kernel uses to
 * write a page-table entry in place, with the operand size, source and length
 * it must report, and forms it must refuse (so they go back to the guest as
 * the page fault they were).
 */
#include <stdlib.h>
#include "harness.h"
#include <pv/ptwr_decode.h>

struct decode_case {
    const char *what;
    uint8_t bytes[15];
    size_t len;
    bool ok;
    enum ptwr_op op;
    unsigned int size, length, reg;
    bool has_imm, high_byte;
    uint64_t imm;
};

static const struct decode_case cases[] = {
    { "mov %rax,(%rdi)", { 0x48, 0x89, 0x07 }, 3, true, PTWR_MOV, 8, 3, 0, false, false, 0 },
    { "mov %r9,0x10(%rdi,%rcx,8)", { 0x4c, 0x89, 0x4c, 0xcf, 0x10 }, 5, true, PTWR_MOV, 8, 5, 9, false, false, 0 },
    { "mov %ecx,(%rdx)", { 0x89, 0x0a }, 2, true, PTWR_MOV, 4, 2, 1, false, false, 0 },
    { "mov %cx,(%rdx)", { 0x66, 0x89, 0x0a }, 3, true, PTWR_MOV, 2, 3, 1, false, false, 0 },
    { "mov %al,(%rdx)", { 0x88, 0x02 }, 2, true, PTWR_MOV, 1, 2, 0, false, false, 0 },
    { "mov %ah,(%rdx)", { 0x88, 0x22 }, 2, true, PTWR_MOV, 1, 2, 4, false, true, 0 },
    { "mov %spl,(%rdx)", { 0x40, 0x88, 0x22 }, 3, true, PTWR_MOV, 1, 3, 4, false, false, 0 },
    { "movq $-1,0x8(%rdi)", { 0x48, 0xc7, 0x47, 0x08, 0xff, 0xff, 0xff, 0xff }, 8, true,
      PTWR_MOV, 8, 8, 0, true, false, ~0ULL },
    { "movl $0x12345678,(%rip)", { 0xc7, 0x05, 0, 0, 0, 0, 0x78, 0x56, 0x34, 0x12 }, 10, true,
      PTWR_MOV, 4, 10, 0, true, false, 0x12345678 },
    { "movb $0x7f,(%rax)", { 0xc6, 0x00, 0x7f }, 3, true, PTWR_MOV, 1, 3, 0, true, false, 0x7f },
    { "xchg %rax,(%rdi)", { 0x48, 0x87, 0x07 }, 3, true, PTWR_XCHG, 8, 3, 0, false, false, 0 },
    { "lock cmpxchg %rsi,(%rdi)", { 0xf0, 0x48, 0x0f, 0xb1, 0x37 }, 5, true, PTWR_CMPXCHG, 8, 5, 6, false, false, 0 },
    { "cmpxchg %esi,(%rdi)", { 0x0f, 0xb1, 0x37 }, 3, true, PTWR_CMPXCHG, 4, 3, 6, false, false, 0 },
    { "lock and %rax,(%rdi)", { 0xf0, 0x48, 0x21, 0x07 }, 4, true, PTWR_AND, 8, 4, 0, false, false, 0 },
    { "lock andq $-3,(%rdi)", { 0xf0, 0x48, 0x83, 0x27, 0xfd }, 5, true, PTWR_AND, 8, 5, 4, true, false, ~2ULL },
    { "lock orq $0x40,(%rdi)", { 0xf0, 0x48, 0x83, 0x0f, 0x40 }, 5, true, PTWR_OR, 8, 5, 1, true, false, 0x40 },
    { "lock or %rdx,(%rdi)", { 0xf0, 0x48, 0x09, 0x17 }, 4, true, PTWR_OR, 8, 4, 2, false, false, 0 },
    { "lock orl $0x80000000,(%rdi)", { 0xf0, 0x81, 0x0f, 0, 0, 0, 0x80 }, 7, true, PTWR_OR, 4, 7, 1, true, false,
      0xffffffff80000000ULL },
    { "lock btsq $1,(%rdi)", { 0xf0, 0x48, 0x0f, 0xba, 0x2f, 0x01 }, 6, true, PTWR_BTS, 8, 6, 5, true, false, 1 },
    { "lock btrq $1,(%rdi)", { 0xf0, 0x48, 0x0f, 0xba, 0x37, 0x01 }, 6, true, PTWR_BTR, 8, 6, 6, true, false, 1 },
    { "lock bts %rax,(%rdi)", { 0xf0, 0x48, 0x0f, 0xab, 0x07 }, 5, true, PTWR_BTS, 8, 5, 0, false, false, 0 },
    { "lock btr %rcx,(%rdi)", { 0xf0, 0x48, 0x0f, 0xb3, 0x0f }, 5, true, PTWR_BTR, 8, 5, 1, false, false, 0 },
    { "ds andb $0xfd,(%r12) (Linux's UP lock)", { 0x3e, 0x41, 0x80, 0x24, 0x24, 0xfd }, 6, true,
      PTWR_AND, 1, 6, 4, true, false, ~2ULL },
    /* refused */
    { "gs mov %rax,(%rdi) (moves the base)", { 0x65, 0x48, 0x89, 0x07 }, 4, false, 0, 0, 0, 0, false, false, 0 },
    { "mov %rax,%rdi (no memory operand)", { 0x48, 0x89, 0xc7 }, 3, false, 0, 0, 0, 0, false, false, 0 },
    { "add %rax,(%rdi)", { 0x48, 0x01, 0x07 }, 3, false, 0, 0, 0, 0, false, false, 0 },
    { "xor $1,(%rdi) (group 1 /6)", { 0x48, 0x83, 0x37, 0x01 }, 4, false, 0, 0, 0, 0, false, false, 0 },
    { "btc $1,(%rdi) (group 8 /7)", { 0x48, 0x0f, 0xba, 0x3f, 0x01 }, 5, false, 0, 0, 0, 0, false, false, 0 },
    { "mov with the displacement cut off", { 0x48, 0x89, 0x47 }, 3, false, 0, 0, 0, 0, false, false, 0 },
    { "movq imm cut off", { 0x48, 0xc7, 0x07, 0xff }, 4, false, 0, 0, 0, 0, false, false, 0 },
    { "a lone prefix", { 0xf0 }, 1, false, 0, 0, 0, 0, false, false, 0 },
    { "nothing", { 0 }, 0, false, 0, 0, 0, 0, false, false, 0 },
};

TEST(every_pte_write_form_decodes)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct decode_case *c = &cases[i];
        struct ptwr_insn insn;
        bool ok = ptwr_decode(c->bytes, c->len, &insn);
        if (ok != c->ok) {
            test_fail(__FILE__, __LINE__, "%s: decode %s", c->what, ok ? "accepted" : "refused");
            continue;
        }
        if (!ok)
            continue;
        if (insn.op != c->op || insn.size != c->size || insn.length != c->length ||
            insn.reg != c->reg || insn.has_imm != c->has_imm || insn.high_byte != c->high_byte ||
            (c->has_imm && insn.imm != c->imm))
            test_fail(__FILE__, __LINE__, "%s: op %d size %u length %u reg %u imm %d:%#llx high %d",
                      c->what, insn.op, insn.size, insn.length, insn.reg, insn.has_imm,
                      (unsigned long long)insn.imm, insn.high_byte);
    }
}

/* Each input sits in a heap block of exactly its length, so ASan catches any
 * read past the end. */
TEST(random_bytes_never_overrun)
{
    struct ptwr_insn insn;
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int n = 0; n < 200000; n++) {
        size_t len = (size_t)(x % 16);
        uint8_t *buf = malloc(len ? len : 1);
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            buf[i] = (uint8_t)x;
        }
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        if (ptwr_decode(buf, len, &insn))
            CHECK(insn.length <= len);
        free(buf);
    }
}
