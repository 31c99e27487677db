/* Decoding the instruction forms a PV kernel uses to write a page-table entry
 * directly (pv/ptwr_decode.c); pure, so host tests cover every form. */
#ifndef PV_PTWR_DECODE_H
#define PV_PTWR_DECODE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ptwr_op {
    PTWR_MOV,           /* mov r/m, reg | mov r/m, imm */
    PTWR_XCHG,          /* xchg r/m, reg (implicitly locked) */
    PTWR_CMPXCHG,       /* [lock] cmpxchg r/m, reg (compares with rax) */
    PTWR_AND,           /* [lock] and r/m, reg|imm */
    PTWR_OR,            /* [lock] or r/m, reg|imm */
    PTWR_BTS,           /* [lock] bts r/m, reg|imm8 */
    PTWR_BTR,           /* [lock] btr r/m, reg|imm8 */
};

struct ptwr_insn {
    enum ptwr_op op;
    unsigned int size;      /* operand size in bytes: 1, 2, 4 or 8 */
    unsigned int length;    /* the whole instruction, prefixes included */
    bool has_imm;           /* source is imm (sign-extended to size) */
    uint64_t imm;
    unsigned int reg;       /* source register (ModRM numbering, REX.R applied) */
    bool high_byte;         /* byte form without REX: reg 4-7 mean AH, CH, DH, BH */
    bool mem_operand;       /* ModRM names memory (must be, for a fault) */
};

/* Decode the instruction in bytes[0..len); false for anything else (which the
 * caller then hands back to the guest as the page fault it was). */
bool ptwr_decode(const uint8_t *bytes, size_t len, struct ptwr_insn *out);
#endif
