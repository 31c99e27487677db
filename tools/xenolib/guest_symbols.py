"""Naming the guest addresses in the hypervisor's vCPU reports.

The hypervisor's crash report of a domain and its `d` debug key print each vCPU's
registers, stack and call-trace guess as lines `domain: dN vcpuM ...` or
`keys: dN vcpuM ...` (xen/vcpu_dump.c, docs/boot-contract.md). Annotator.line()
appends ` <symbol+0xoffset>` to every 16-digit hex word of such a line that lies in
a function of that domain's kernel, found by the domain's name from its `created`
line and the config of that name.

A config's kernel K has symbols when K's directory holds, in this order:
1. K's own map, K with `.map` for its suffix (SCons writes `NAME-ENV.map` next to
   every test guest image `NAME-ENV.elf`, from `nm -n`: a test built for several
   environments has one image and one map per environment);
2. `System.map` (Domain 0's build and other kernels of their own directory);
3. `System.map-VERSION` for a Linux kernel that holds `Linux version VERSION ` (as
   Debian names it; linux_guest.prepare() leaves one next to vmlinux).
A kernel that is a symbolic link is also looked up beside the file it names. A map
is read only when a report of that domain appears, and once per process.
"""
from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Optional

REPORT = re.compile(r"^(?:domain|keys): d(\d+) vcpu\d+ ")
CREATED = re.compile(r"^domain: d(\d+) '([^']*)' created ")
WORD = re.compile(r"\b[0-9a-f]{16}\b")
TEXT_TYPES = frozenset("tTwW")      # nm's types for code (W: a weak function)

_maps: dict = {}                     # path -> SymbolMap, read once per process


class SymbolMap:
    """The symbols of one System.map, for address lookups."""

    def __init__(self, text: str):
        entries = []
        for line in text.splitlines():
            parts = line.split()
            if len(parts) < 3 or len(parts[1]) != 1:
                continue
            try:
                address = int(parts[0], 16)
            except ValueError:
                continue
            entries.append((address, parts[1], parts[2]))
        # Sorted by address; at one address a function's name wins over a data label.
        entries.sort(key=lambda e: (e[0], e[1] in TEXT_TYPES))
        self.addresses = [e[0] for e in entries]
        self.entries = entries

    def lookup(self, address: int) -> Optional[str]:
        """`name+0xoffset` of the function holding ADDRESS, or None when the nearest
        symbol at or below it is not code (data, absolute, or nothing at all)."""
        i = bisect.bisect_right(self.addresses, address) - 1
        if i < 0:
            return None
        start, kind, name = self.entries[i]
        if kind not in TEXT_TYPES:
            return None
        return "%s+0x%x" % (name, address - start)


def load_map(path: Path) -> SymbolMap:
    key = Path(path).resolve()
    if key not in _maps:
        _maps[key] = SymbolMap(Path(path).read_text(errors="replace"))
    return _maps[key]


def find_map(kernel: Path) -> Optional[Path]:
    """The System.map for the kernel image KERNEL by the rules above, or None. A
    kernel that is a symbolic link is also looked up beside the file it names."""
    kernel = Path(kernel)
    images = [kernel]
    if kernel.resolve() != kernel.absolute():
        images.append(kernel.resolve())
    folders = [image.parent for image in images]
    for image in images:
        own = image.with_suffix(".map")
        if own.is_file():
            return own
    for folder in folders:
        plain = folder / "System.map"
        if plain.is_file():
            return plain
    for folder in folders:
        versioned = sorted(folder.glob("System.map-*"))
        if not versioned:
            continue
        try:
            image = kernel.read_bytes()
        except OSError:
            return None
        for candidate in versioned:
            version = candidate.name[len("System.map-"):]
            if ("Linux version %s " % version).encode() in image:
                return candidate
    return None


class Annotator:
    """Follows a console line by line; returns report lines with symbols added."""

    def __init__(self, configs=()):
        # name -> kernel image; a name's map is looked for at its first report.
        self.kernels = {c.name: c.images.get("kernel") for c in configs
                        if c.images.get("kernel")}
        self.names: dict = {}        # domain id -> name, from `created` lines
        self.maps: dict = {}         # domain id -> SymbolMap or None

    def _map_of(self, domid: str) -> Optional[SymbolMap]:
        if domid not in self.maps:
            kernel = self.kernels.get(self.names.get(domid))
            path = find_map(kernel) if kernel else None
            self.maps[domid] = load_map(path) if path else None
        return self.maps[domid]

    def line(self, line: str) -> str:
        created = CREATED.match(line)
        if created:
            self.names[created.group(1)] = created.group(2)
            self.maps.pop(created.group(1), None)
            return line
        report = REPORT.match(line)
        if not report or not self.kernels:
            return line
        symbols = self._map_of(report.group(1))
        if symbols is None:
            return line

        def name(word):
            found = symbols.lookup(int(word.group(0), 16))
            return "%s <%s>" % (word.group(0), found) if found else word.group(0)
        return WORD.sub(name, line)
