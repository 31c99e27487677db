/*
 * The mov decoder for MMIO emulation (Intel SDM Vol. 2, 2.1-2.2: prefixes,
 * REX, ModRM, SIB and displacement; the opcode pages of MOV, MOVZX, MOVSX).
 */
#include <hvm/decode.h>
#include <xeno/string.h>

struct cursor {
    const uint8_t *p;
    unsigned int pos, avail;
    bool short_read;
};

static uint64_t take(struct cursor *c, unsigned int n)
{
    uint64_t v = 0;

    if (c->pos + n > c->avail || c->pos + n > HVM_MAX_INSN) {
        c->short_read = true;
        return 0;
    }
    for (unsigned int i = 0; i < n; i++)
        v |= (uint64_t)c->p[c->pos + i] << (8 * i);
    c->pos += n;
    return v;
}

static uint64_t sign_extend(uint64_t v, unsigned int bytes)
{
    unsigned int shift = 64 - 8 * bytes;
    return bytes >= 8 ? v : (uint64_t)((int64_t)(v << shift) >> shift);
}

/* Step over ModRM, SIB and displacement; -1 for a register operand (mod 3),
 * which never reaches MMIO. */
static int skip_modrm(struct cursor *c, unsigned int addr_size, uint8_t *reg_field)
{
    uint8_t modrm = (uint8_t)take(c, 1);
    unsigned int mod = modrm >> 6, rm = modrm & 7;

    *reg_field = (modrm >> 3) & 7;
    if (mod == 3)
        return -1;
    if (addr_size == 2) {                       /* 16-bit addressing: no SIB */
        if (mod == 1)
            take(c, 1);
        else if (mod == 2 || (mod == 0 && rm == 6))
            take(c, 2);
        return 0;
    }
    if (rm == 4) {
        uint8_t sib = (uint8_t)take(c, 1);
        if (mod == 0 && (sib & 7) == 5)
            take(c, 4);                         /* no base: disp32 */
    } else if (mod == 0 && rm == 5) {
        take(c, 4);                             /* disp32 (RIP-relative in 64-bit code) */
    }
    if (mod == 1)
        take(c, 1);
    else if (mod == 2)
        take(c, 4);
    return 0;
}

int hvm_decode_mov(const uint8_t *insn, unsigned int avail, unsigned int mode,
                   struct hvm_mov *out)
{
    struct cursor c = { .p = insn, .avail = avail };
    unsigned int op_size = mode == 16 ? 2 : 4, addr_size = mode / 8;
    uint8_t rex = 0, opcode = 0, reg_field = 0;
    bool opsize_prefix = false;

    memset(out, 0, sizeof(*out));
    for (;;) {                                  /* legacy prefixes, then REX */
        uint8_t b = (uint8_t)take(&c, 1);
        if (c.short_read)
            return -1;
        if (b == 0x66) {
            opsize_prefix = true;
        } else if (b == 0x67) {
            addr_size = mode == 64 ? 4 : (mode == 32 ? 2 : 4);
        } else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 ||
                   b == 0x65) {
            continue;                           /* segment: the exit gave the address */
        } else if (mode == 64 && (b & 0xf0) == 0x40) {
            rex = b;
            opcode = (uint8_t)take(&c, 1);      /* REX must come last */
            break;
        } else {
            opcode = b;
            break;
        }
    }
    if (opsize_prefix)
        op_size = mode == 16 ? 4 : 2;
    if (rex & 0x08)
        op_size = 8;

    switch (opcode) {
    case 0x88: case 0x89: case 0x8a: case 0x8b:
        out->size = (opcode & 1) ? op_size : 1;
        out->store = opcode <= 0x89;
        if (skip_modrm(&c, addr_size, &reg_field))
            return -1;
        break;
    case 0xa0: case 0xa1: case 0xa2: case 0xa3:
        out->size = (opcode & 1) ? op_size : 1;
        out->store = opcode >= 0xa2;
        take(&c, addr_size);                    /* the moffs */
        reg_field = 0;                          /* AL / eAX */
        break;
    case 0xc6: case 0xc7: {
        unsigned int imm_size;
        out->size = opcode == 0xc6 ? 1 : op_size;
        out->store = out->src_imm = true;
        if (skip_modrm(&c, addr_size, &reg_field) || reg_field != 0)
            return -1;
        imm_size = out->size == 8 ? 4 : out->size;   /* imm32 sign-extended to 64 */
        out->imm = sign_extend(take(&c, imm_size), imm_size) &
                   (out->size == 8 ? ~0UL : (1UL << (8 * out->size)) - 1);
        break;
    }
    case 0x0f: {
        uint8_t op2 = (uint8_t)take(&c, 1);
        if (op2 != 0xb6 && op2 != 0xb7 && op2 != 0xbe && op2 != 0xbf)
            return -1;
        out->size = (op2 & 1) ? 2 : 1;
        out->zero_extend = op2 <= 0xb7;
        out->sign_extend = !out->zero_extend;
        if (skip_modrm(&c, addr_size, &reg_field))
            return -1;
        break;
    }
    default:
        return -1;
    }
    if (c.short_read)
        return -1;
    out->len = (uint8_t)c.pos;
    out->reg = reg_field | ((rex & 0x04) ? 8 : 0);
    out->reg_size = (out->zero_extend || out->sign_extend) ? op_size : out->size;
    /* Byte registers 4-7 are AH..BH unless a REX prefix is present. */
    out->high_byte = out->size == 1 && !out->zero_extend && !out->sign_extend && !out->src_imm &&
                     !rex && reg_field >= 4;
    if (out->high_byte)
        out->reg -= 4;
    return 0;
}
