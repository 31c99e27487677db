#!/usr/bin/env python3
"""Generate the hypervisor's embedded symbol table from `nm` output.

The image is linked twice: first with an empty table, then with the table made
from the first link. The table sits after all code (see xeno.lds.S), so the
second link moves no function; `--verify` proves that by comparing the text
symbols of both links, and fails the build otherwise.
"""
import argparse
import subprocess
import sys

TEXT_TYPES = {"t", "T", "w", "W"}


def text_symbols(elf):
    out = subprocess.run(["nm", "-n", "-S", "--defined-only", elf],
                         check=True, capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4:
            addr, size, kind, name = parts
        elif len(parts) == 3:
            addr, kind, name = parts
            size = "0"
        else:
            continue
        if kind in TEXT_TYPES and not name.startswith(".L"):
            syms.append((int(addr, 16), int(size, 16), name))
    # One name per address: prefer the one with a size (a function over a label).
    by_addr = {}
    for addr, size, name in syms:
        if addr not in by_addr or (size and not by_addr[addr][1]):
            by_addr[addr] = (addr, size, name)
    return [by_addr[a] for a in sorted(by_addr)]


def emit(syms, out):
    names, offsets, pos = [], [], 0
    for _, _, name in syms:
        offsets.append(pos)
        names.append(name)
        pos += len(name) + 1
    lines = ['\t.section .rodata.symtab, "a"', "\t.balign 8",
             "\t.globl symtab_count, symtab_addr, symtab_size, symtab_name_off, symtab_names",
             f"symtab_count:\n\t.quad {len(syms)}", "symtab_addr:"]
    lines += [f"\t.quad {addr:#x}" for addr, _, _ in syms]
    lines.append("symtab_size:")
    lines += [f"\t.long {min(size, 0xffffffff):#x}" for _, size, _ in syms]
    lines.append("symtab_name_off:")
    lines += [f"\t.long {off}" for off in offsets]
    lines.append("symtab_names:")
    lines += [f'\t.asciz "{name}"' for name in names]
    lines.append("\t.byte 0")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--empty", metavar="OUT", help="write an empty table")
    ap.add_argument("--from-elf", nargs=2, metavar=("ELF", "OUT"), help="table from ELF's text symbols")
    ap.add_argument("--verify", nargs=2, metavar=("FIRST", "FINAL"),
                    help="check both links place every function at the same address")
    args = ap.parse_args()
    if args.empty:
        emit([], args.empty)
    elif args.from_elf:
        emit(text_symbols(args.from_elf[0]), args.from_elf[1])
    elif args.verify:
        first, final = (text_symbols(e) for e in args.verify)
        if first != final:
            moved = sorted(set(first) ^ set(final))[:5]
            sys.exit(f"gensyms: functions moved between the two links: {moved}")
    else:
        ap.error("nothing to do")


if __name__ == "__main__":
    main()
