/*
 * The instruction forms Linux and other PV kernels use to write a PTE in place
 * (set_pte, ptep_get_and_clear, ptep_set_wrprotect, cmpxchg loops): mov of 1,
 * 2, 4 or 8 bytes from a register or an immediate, xchg, cmpxchg, and/or, and
 * bts/btr, each possibly lock-prefixed. Only the operand size, the source and
 * the length are needed: the address is the fault's CR2. (Opcode encodings:
 * Intel SDM Vol. 2, chapter 2 and the instruction pages.)
 */
#include <pv/ptwr_decode.h>

/* Bytes of ModRM + SIB + displacement for a memory operand, or 0 if invalid. */
static unsigned int modrm_bytes(const uint8_t *p, size_t avail, bool *is_mem)
{
    uint8_t modrm, mod, rm;
    unsigned int n = 1;

    if (avail < 1)
        return 0;
    modrm = p[0];
    mod = modrm >> 6;
    rm = modrm & 7;
    *is_mem = mod != 3;
    if (mod == 3)
        return 1;
    if (rm == 4) {                      /* SIB follows */
        if (avail < 2)
            return 0;
        if (mod == 0 && (p[1] & 7) == 5)
            n += 4;                     /* no base: disp32 */
        n++;
    } else if (mod == 0 && rm == 5) {
        n += 4;                         /* RIP-relative disp32 */
    }
    if (mod == 1)
        n += 1;
    else if (mod == 2)
        n += 4;
    return n <= avail ? n : 0;
}

static uint64_t read_imm(const uint8_t *p, unsigned int bytes)
{
    uint64_t v = 0;
    for (unsigned int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    /* Sign-extend (imm8 and imm32 are sign-extended to the operand size). */
    unsigned int bits = 8 * bytes;
    return bits < 64 ? (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits)) : v;
}

bool ptwr_decode(const uint8_t *b, size_t len, struct ptwr_insn *out)
{
    size_t i = 0;
    bool opsize16 = false, locked = false;
    uint8_t rex = 0, op, op2 = 0;
    unsigned int n, imm_bytes = 0, size;

    for (; i < len && i < 4; i++) {
        if (b[i] == 0x66)
            opsize16 = true;
        else if (b[i] == 0xf0)
            locked = true;
        else if (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 || b[i] == 0x3e)
            continue;   /* ES/CS/SS/DS overrides do nothing in 64-bit mode; Linux patches
                         * LOCK into DS on a uniprocessor */
        else
            break;      /* FS/GS overrides move the base: not a PTE write we accept */
    }
    if (i < len && (b[i] & 0xf0) == 0x40)
        rex = b[i++];
    if (i >= len)
        return false;
    op = b[i++];
    if (op == 0x0f) {
        if (i >= len)
            return false;
        op2 = b[i++];
    }
    (void)locked;

    size = (rex & 8) ? 8 : opsize16 ? 2 : 4;
    *out = (struct ptwr_insn){ 0 };
    if (op == 0x0f) {
        switch (op2) {
        case 0xb0: out->op = PTWR_CMPXCHG; size = 1; break;
        case 0xb1: out->op = PTWR_CMPXCHG; break;
        case 0xab: out->op = PTWR_BTS; break;
        case 0xb3: out->op = PTWR_BTR; break;
        case 0xba:                      /* group 8: bts/btr with imm8 */
            if (i >= len)
                return false;
            if (((b[i] >> 3) & 7) == 5)
                out->op = PTWR_BTS;
            else if (((b[i] >> 3) & 7) == 6)
                out->op = PTWR_BTR;
            else
                return false;
            out->has_imm = true;
            imm_bytes = 1;
            break;
        default:
            return false;
        }
    } else {
        switch (op) {
        case 0x88: out->op = PTWR_MOV; size = 1; break;
        case 0x89: out->op = PTWR_MOV; break;
        case 0x86: out->op = PTWR_XCHG; size = 1; break;
        case 0x87: out->op = PTWR_XCHG; break;
        case 0x20: out->op = PTWR_AND; size = 1; break;
        case 0x21: out->op = PTWR_AND; break;
        case 0x08: out->op = PTWR_OR; size = 1; break;
        case 0x09: out->op = PTWR_OR; break;
        case 0xc6: case 0xc7:           /* mov r/m, imm: /0 only */
            if (i >= len || ((b[i] >> 3) & 7) != 0)
                return false;
            out->op = PTWR_MOV;
            out->has_imm = true;
            if (op == 0xc6) {
                size = 1;
                imm_bytes = 1;
            } else {
                imm_bytes = size == 2 ? 2 : 4;
            }
            break;
        case 0x80: case 0x81: case 0x83: { /* group 1: and (/4), or (/1) with imm */
            if (i >= len)
                return false;
            unsigned int sub = (b[i] >> 3) & 7;
            if (sub == 4)
                out->op = PTWR_AND;
            else if (sub == 1)
                out->op = PTWR_OR;
            else
                return false;
            out->has_imm = true;
            if (op == 0x80) {
                size = 1;
                imm_bytes = 1;
            } else {
                imm_bytes = op == 0x83 ? 1 : size == 2 ? 2 : 4;
            }
            break;
        }
        default:
            return false;
        }
    }
    n = modrm_bytes(b + i, len - i, &out->mem_operand);
    if (!n || !out->mem_operand)
        return false;
    out->reg = ((b[i] >> 3) & 7) | ((rex & 4) ? 8 : 0);
    out->high_byte = size == 1 && !rex && out->reg >= 4;
    i += n;
    if (imm_bytes) {
        if (i + imm_bytes > len)
            return false;
        out->imm = read_imm(b + i, imm_bytes);
        i += imm_bytes;
    }
    out->size = size;
    out->length = (unsigned int)i;
    return true;
}
