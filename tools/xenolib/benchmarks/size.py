"""size: the hypervisor image, debug vs release: bytes loaded into memory and file size."""
import struct
from pathlib import Path

from .. import paths
from ..bench import Table, register
from ..errors import XenoError

PT_LOAD = 1


def loadable_size(elf: Path) -> int:
    """Sum of p_memsz over PT_LOAD program headers (what the loader puts in memory)."""
    data = elf.read_bytes()
    if data[:4] != b"\x7fELF":
        raise XenoError("%s is not an ELF file" % elf)
    is64 = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    if is64:
        phoff, = struct.unpack_from(order + "Q", data, 0x20)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x36)
    else:
        phoff, = struct.unpack_from(order + "I", data, 0x1C)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x2A)
    total = 0
    for i in range(phnum):
        at = phoff + i * phentsize
        p_type, = struct.unpack_from(order + "I", data, at)
        if p_type != PT_LOAD:
            continue
        memsz, = (struct.unpack_from(order + "Q", data, at + 0x28) if is64
                  else struct.unpack_from(order + "I", data, at + 0x14))
        total += memsz
    return total


@register("size", "hypervisor image size: loadable bytes and ELF file size")
def image_size() -> Table:
    elves = [paths.elf(v) for v in paths.VARIANTS]
    table = Table("size: the hypervisor ELF (build/VARIANT/xeno.elf)", list(paths.VARIANTS))
    table.add("loadable (PT_LOAD memsz)", "bytes", [loadable_size(e) for e in elves])
    table.add("file", "bytes", [e.stat().st_size for e in elves])
    return table
