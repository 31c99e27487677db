/*
 * Decoding the instruction behind an MMIO access: the mov forms compilers
 * emit for device registers (88/89/8a/8b, a0-a3, c6/c7, movzx, movsx), in 16,
 * 32 and 64-bit code. The faulting guest-physical address comes from the
 * exit; the decoder only needs the width, direction, register or immediate
 * and the instruction's length. Pure: no guest state, so it can be tested on
 * the host.
 */
#ifndef HVM_DECODE_H
#define HVM_DECODE_H
#include <stdbool.h>
#include <stdint.h>

#define HVM_MAX_INSN 15

struct hvm_mov {
    uint8_t len;            /* bytes of the whole instruction */
    uint8_t size;           /* bytes of the memory access: 1, 2, 4 or 8 */
    bool store;             /* to memory (else a load into reg) */
    bool src_imm;           /* a store of imm (else of reg) */
    uint64_t imm;           /* sign-extended to size */
    uint8_t reg;            /* GPR number (ModRM order, REX.R included) */
    bool high_byte;         /* reg is AH, CH, DH or BH */
    uint8_t reg_size;       /* bytes of the register written by a load */
    bool zero_extend, sign_extend;   /* movzx, movsx */
};

/* Decode the mov at insn[0..avail) executed in `mode`-bit code (16, 32, 64).
 * Returns 0, or -1 when it is not a mov with a memory operand we know. */
int hvm_decode_mov(const uint8_t *insn, unsigned int avail, unsigned int mode,
                   struct hvm_mov *out);
#endif
