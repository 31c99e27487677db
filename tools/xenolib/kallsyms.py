"""A System.map rebuilt from the symbol tables a Linux kernel carries for itself.

Debian's kernel package ships a placeholder System.map ("The real System.map is in
the linux-image-<version>-dbg package", a download of some 850 MB), but every kernel
built with CONFIG_KALLSYMS holds its symbols in .rodata for oopses and /proc/kallsyms.
scripts/kallsyms.c lays them out as consecutive 8-aligned tables:

    kallsyms_offsets        int32 per symbol (base-relative, absolute per-CPU)
    kallsyms_relative_base  u64
    kallsyms_num_syms       u32
    kallsyms_names          per symbol: a length (one byte, or two when bit 7 is set:
                            "big" symbols) and that many token numbers; the first
                            character decoded is the nm type
    kallsyms_markers        u32 per 256 symbols: where their names start
    (kallsyms_seqs_of_names in newer kernels: 3 bytes per symbol)
    kallsyms_token_table    256 NUL-terminated tokens
    kallsyms_token_index    u16 per token: its offset in the table

The tables have no symbols of their own in a stripped vmlinux, so they are found
by their shape, from the token table inwards, and every step is checked against
the next (the index against the tokens, the names' total length against the
markers), so a kernel laid out otherwise is refused rather than misread.
"""
from __future__ import annotations

import struct

from .errors import XenoError

DIGIT_TOKENS = b"0\x001\x002\x003\x004\x005\x006\x007\x008\x009\x00"
SEARCH_BACK = 16 << 20          # how far before the token table the other tables may lie


def _tokens_at(data: bytes, digits: int):
    """(table start, tokens, index offset) if the digit tokens at DIGITS are tokens
    0x30-0x39 of a table followed by its matching index, else None. Symbol names use
    the digits, and a byte used in names stands for itself as a token."""
    token1 = digits
    for _ in range(0x2F):
        token1 = data.rfind(b"\0", 0, token1 - 1) + 1
        if token1 <= 0:
            return None
    # Token 0 runs from the 8-aligned table start to its NUL, with no NUL inside.
    previous_nul = data.rfind(b"\0", 0, token1 - 1)
    for start in range((token1 - 1) & ~7, previous_nul, -8):
        found = _table_from(data, start)
        if found:
            return found
    return None


def _table_from(data: bytes, start: int):
    tokens, pos = [], start
    for _ in range(256):
        end = data.find(b"\0", pos)
        if end < 0:
            return None
        tokens.append(data[pos:end])
        pos = end + 1
    index_at = (pos + 7) & ~7
    if index_at + 512 > len(data):
        return None
    offsets, at = [], 0
    for token in tokens:
        offsets.append(at)
        at += len(token) + 1
    if list(struct.unpack_from("<256H", data, index_at)) != offsets:
        return None
    return start, tokens, index_at


def _find_tokens(data: bytes):
    at = data.find(DIGIT_TOKENS)
    while at >= 0:
        found = _tokens_at(data, at)
        if found:
            return found
        at = data.find(DIGIT_TOKENS, at + 1)
    raise XenoError("the kernel holds no kallsyms token table (CONFIG_KALLSYMS off?)")


def _marker_candidates(data: bytes, table: int):
    """(offset, markers) of every u32 array before TABLE that starts at 0 and rises by
    plausible steps (the names of 256 symbols take 256 B-64 KiB), nearest first."""
    low = max(0, table - SEARCH_BACK) & ~7
    count = (table - low) // 4
    words = struct.unpack_from("<%dI" % count, data, low)
    found = []
    for k in range(0, count - 2, 2):        # the table is 8-aligned
        if words[k] != 0 or not 256 <= words[k + 1] < 65536:
            continue
        end = k + 1
        while end < count and 256 <= words[end] - words[end - 1] < 65536:
            end += 1
        found.append((low + 4 * k, list(words[k:end])))
    return reversed(found)


def _walk_names(data: bytes, start: int, count: int) -> int:
    """Where COUNT names from START end (lengths only)."""
    pos = start
    for _ in range(count):
        length = data[pos]
        if length & 0x80:
            length = (length & 0x7F) | (data[pos + 1] << 7)
            pos += 1
        pos += 1 + length
    return pos


def _find_num_syms(data: bytes, markers_at: int, markers: list):
    """(num_syms offset, count, names offset): the count whose names, starting right
    after it, run exactly up to the markers and whose 256th name is where markers[1]
    says; None if there is none."""
    for at in range(markers_at - 8, max(0, markers_at - SEARCH_BACK), -8):
        count = struct.unpack_from("<I", data, at)[0]
        if count == 0 or (count + 255) // 256 != len(markers):
            continue
        names = at + 8
        if len(markers) > 1 and _walk_names(data, names, 256) != names + markers[1]:
            continue
        if markers_at - 8 < _walk_names(data, names, count) <= markers_at:
            return at, count, names
    return None


def symbols(elf: bytes):
    """[(address, type, name)] in table order from a vmlinux (bytes)."""
    table, tokens, _ = _find_tokens(elf)
    for markers_at, markers in _marker_candidates(elf, table):
        found = _find_num_syms(elf, markers_at, markers)
        if found:
            break
    else:
        raise XenoError("the kernel's kallsyms names and markers were not found")
    num_at, count, names = found
    base_at = num_at - 8
    base = struct.unpack_from("<Q", elf, base_at)[0]
    if base >> 47 != 0x1FFFF:
        raise XenoError("the kernel's kallsyms_relative_base %#x is not a kernel address" % base)
    offsets = struct.unpack_from("<%di" % count, elf, (base_at - 4 * count) & ~7)
    found, pos = [], names
    for offset in offsets:
        length = elf[pos]
        if length & 0x80:
            length = (length & 0x7F) | (elf[pos + 1] << 7)
            pos += 1
        text = b"".join(tokens[b] for b in elf[pos + 1:pos + 1 + length])
        pos += 1 + length
        # Per-CPU symbols keep their absolute (small) values; the rest count down
        # from the base (CONFIG_KALLSYMS_ABSOLUTE_PERCPU, x86-64's choice).
        address = offset if offset >= 0 else base - 1 - offset
        found.append((address, text[:1].decode("ascii", "replace"),
                      text[1:].decode("ascii", "replace")))
    return found


def system_map(elf: bytes) -> str:
    """The symbols in System.map's form: `%016x TYPE NAME`, sorted by address."""
    return "".join("%016x %s %s\n" % s for s in sorted(symbols(elf), key=lambda s: s[0]))
