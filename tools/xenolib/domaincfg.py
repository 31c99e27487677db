"""Domain configs for `tools/xeno run CONFIG...`: parse, find their images, and lay
them out as GRUB boot modules (docs/boot-contract.md, "GRUB modules for domains").

The grammar and every message are those of xen/domain_config.c, so a config the
hypervisor would refuse is refused here first, with the same words. Both parsers are
tested against one table, tests/unit/domain_config_cases.h; change them together.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError

LINE_MAX = 2048
NAME_MAX = 63
IMAGE_NAME_MAX = 127
CMDLINE_MAX = 1023
MEMORY_MAX_MIB = 65536
VCPUS_MAX = 32
WEIGHT_MAX = 65535
WEIGHT_DEFAULT = 256
SCHED_US_MAX = 1000000
CPU_MAX = 63
QUOTE_MAX = 32          # longest key or value quoted in a message
REQUIRED = ("name", "memory", "kernel")
# What the hypervisor itself needs besides the domains, when --mem is not given.
HYPERVISOR_MEM_MIB = 64
DEFAULT_MEM_MIB = 256

# key -> (the setting it fills, "number" or "string"); `extra` is xl's older cmdline.
KEYS = {
    "name": ("name", "string"),
    "type": ("type", "string"),
    "memory": ("memory", "number"),
    "vcpus": ("vcpus", "number"),
    "kernel": ("kernel", "string"),
    "ramdisk": ("ramdisk", "string"),
    "cmdline": ("cmdline", "string"),
    "extra": ("cmdline", "string"),
    "weight": ("weight", "number"),
    "warp_us": ("warp_us", "number"),
    "warp_limit_us": ("warp_limit_us", "number"),
    "unwarp_us": ("unwarp_us", "number"),
    "cpus": ("cpus", "string"),
    "privileged": ("privileged", "number"),
}
_CPU_LIST = re.compile(rb"[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*")
_NUMBER = re.compile(rb"0[xX][0-9a-fA-F]+|[0-9]+")
_NAME = re.compile(rb"[A-Za-z0-9_.-]{1,%d}" % NAME_MAX)
_IMAGE = re.compile(rb"[A-Za-z0-9_.+/-]{1,%d}" % IMAGE_NAME_MAX)
_PLAIN = re.compile(r"[^A-Za-z0-9_.+-]")
_SPACE = b" \t"


class ConfigError(UsageError):
    """A config (or the images it names) that cannot boot; the message names the file."""


@dataclass
class DomainConfig:
    path: Path = None
    name: str = ""
    type: str = "pv"
    memory: int = 0             # MiB
    vcpus: int = 1
    kernel: str = ""            # image values exactly as written in the config
    ramdisk: str = ""
    cmdline: str = ""
    weight: int = WEIGHT_DEFAULT    # BVT scheduling (xen/include/xeno/domain_config.h)
    warp_us: int = 0
    warp_limit_us: int = 0
    unwarp_us: int = 0
    cpus: int = 0                   # bit n: CPU n; 0: anywhere
    privileged: bool = False        # the control domain (domctl, VIRQ_DOM_EXC)
    images: dict = field(default_factory=dict)   # "kernel"/"ramdisk" -> file found


def _quoted(raw: bytes) -> str:
    text = raw[:QUOTE_MAX].decode("utf-8", "replace")
    return text + ("..." if len(raw) > QUOTE_MAX else "")


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


class _Line:
    """One line being parsed; fail() raises with 'SOURCE:LINE: '."""

    def __init__(self, source: str, number: int, raw: bytes):
        self.source, self.number, self.raw, self.pos = source, number, raw, 0

    def fail(self, message: str):
        raise ConfigError("%s:%d: %s" % (self.source, self.number, message))

    def peek(self):
        return self.raw[self.pos] if self.pos < len(self.raw) else None

    def skip_space(self):
        while self.peek() is not None and self.peek() in _SPACE:
            self.pos += 1

    def take_while(self, test) -> bytes:
        start = self.pos
        while self.peek() is not None and test(self.peek()):
            self.pos += 1
        return self.raw[start:self.pos]


def _is_alpha(c: int) -> bool:
    return ord("a") <= c <= ord("z") or ord("A") <= c <= ord("Z")


def _is_key_char(c: int) -> bool:
    return _is_alpha(c) or ord("0") <= c <= ord("9") or c == ord("_")


def _parse_line(line: _Line, values: dict, seen: dict) -> None:
    line.skip_space()
    c = line.peek()
    if c is None or c == ord("#"):
        return
    if not (_is_alpha(c) or c == ord("_")):
        line.fail("expected 'key = value'")
    key_raw = line.take_while(_is_key_char)
    line.skip_space()
    if line.peek() != ord("="):
        line.fail("expected '=' after '%s'" % _quoted(key_raw))
    line.pos += 1
    key = key_raw.decode("ascii")
    if key not in KEYS:
        line.fail("unknown key '%s'" % _quoted(key_raw))
    slot, want = KEYS[key]
    if slot in seen:
        first_line, first_key = seen[slot]
        if first_key != key:
            line.fail("duplicate key '%s' (same as '%s' on line %d)"
                      % (key, first_key, first_line))
        line.fail("duplicate key '%s' (first set on line %d)" % (key, first_line))
    seen[slot] = (line.number, key)

    line.skip_space()
    c = line.peek()
    if c is None or c == ord("#"):
        line.fail("key '%s' has no value" % key)
    if c in b"\"'":
        line.pos += 1
        raw = line.take_while(lambda b: b != c)
        if any(b < 0x20 or b == 0x7f for b in raw):
            line.fail("key '%s': control character in string" % key)
        if line.peek() is None:
            line.fail("key '%s': unterminated string" % key)
        line.pos += 1
        kind = "string"
    else:
        raw = line.take_while(lambda b: 0x20 < b < 0x7f and b != ord("#"))
        kind = "number" if _NUMBER.fullmatch(raw) else "word"
    line.skip_space()
    if line.peek() not in (None, ord("#")):
        line.fail("key '%s': unexpected text after the value" % key)
    _apply(line, key, slot, want, kind, raw, values)


def _apply(line: _Line, key: str, slot: str, want: str, kind: str, raw: bytes,
           values: dict) -> None:
    if want == "string" and kind != "string":
        line.fail("key '%s' needs a quoted string" % key)
    if want == "number" and kind != "number":
        line.fail("key '%s' needs a number (decimal or 0x hex)" % key)
    if kind == "number":
        number = int(raw[2:], 16) if raw[:2] in (b"0x", b"0X") else int(raw, 10)
    if slot == "name":
        if not _NAME.fullmatch(raw):
            line.fail("key 'name' must be 1-%d characters of A-Z a-z 0-9 _ . -" % NAME_MAX)
        values[slot] = _text(raw)
    elif slot == "type":
        if raw == b"hvm":
            line.fail("type '%s' is not supported yet" % _text(raw))
        if raw not in (b"pv", b"pvh"):
            line.fail("key 'type': unknown type '%s' (expected 'pv' or 'pvh')" % _quoted(raw))
        values[slot] = _text(raw)
    elif slot == "memory":
        if not 1 <= number <= MEMORY_MAX_MIB:
            line.fail("key 'memory' must be 1-%d (MiB)" % MEMORY_MAX_MIB)
        values[slot] = number
    elif slot == "vcpus":
        if not 1 <= number <= VCPUS_MAX:
            line.fail("key 'vcpus' must be 1-%d" % VCPUS_MAX)
        values[slot] = number
    elif slot == "weight":
        if not 1 <= number <= WEIGHT_MAX:
            line.fail("key 'weight' must be 1-%d" % WEIGHT_MAX)
        values[slot] = number
    elif slot in ("warp_us", "warp_limit_us", "unwarp_us"):
        if number > SCHED_US_MAX:
            line.fail("key '%s' must be 0-%d (microseconds)" % (key, SCHED_US_MAX))
        values[slot] = number
    elif slot == "privileged":
        if number > 1:
            line.fail("key 'privileged' must be 0 or 1")
        values[slot] = number == 1
    elif slot == "cpus":
        values[slot] = _cpu_mask(raw, line)
    elif slot in ("kernel", "ramdisk"):
        # Image values go on a GRUB module2 line as they are: keep to plain characters.
        if not _IMAGE.fullmatch(raw):
            line.fail("key '%s' must be 1-%d characters of A-Z a-z 0-9 _ . + / -"
                      % (key, IMAGE_NAME_MAX))
        values[slot] = _text(raw)
    else:
        if len(raw) > CMDLINE_MAX:
            line.fail("key '%s' is longer than %d characters" % (key, CMDLINE_MAX))
        values[slot] = _text(raw)


def cpu_mask(raw: bytes):
    """A CPU list ("N", "N-M", joined by ',') as a mask, as the hypervisor reads it;
    None if it is not one (guest-test manifests use it too: guesttests.py)."""
    mask = 0
    if not _CPU_LIST.fullmatch(raw):
        return None
    for item in raw.split(b","):
        first, _, last = item.partition(b"-")
        first, last = int(first), int(last or first)
        if last > CPU_MAX or last < first:
            return None
        mask |= ((1 << (last + 1)) - 1) & ~((1 << first) - 1)
    return mask


def _cpu_mask(raw: bytes, line) -> int:
    mask = cpu_mask(raw)
    if mask is None:
        line.fail("key 'cpus' must list CPUs 0-%d as \"N\", \"N-M\" or several joined by ','"
                  % CPU_MAX)
    return mask


def parse(data: bytes, source: str) -> DomainConfig:
    """Parse config text (bytes, as the hypervisor gets them); SOURCE names it in messages."""
    values, seen = {}, {}
    for number, raw in enumerate(data.split(b"\n"), 1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if len(raw) > LINE_MAX:
            raise ConfigError("%s:%d: line longer than %d bytes" % (source, number, LINE_MAX))
        if b"\0" in raw:
            raise ConfigError("%s:%d: NUL byte in line" % (source, number))
        _parse_line(_Line(source, number, raw), values, seen)
    for key in REQUIRED:
        if key not in seen:
            raise ConfigError("%s: missing key '%s'" % (source, key))
    if values.get("warp_us") and not values.get("warp_limit_us"):
        raise ConfigError("%s: key 'warp_us' needs 'warp_limit_us' above 0" % source)
    return DomainConfig(**values)


def load(path) -> DomainConfig:
    """Read and parse the config at PATH and find its images, relative to its directory."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("%s: no such config file" % path)
    except OSError as e:
        raise ConfigError("%s: cannot read it: %s" % (path, e.strerror or e))
    cfg = parse(data, str(path))
    cfg.path = path
    for key in ("kernel", "ramdisk"):
        value = getattr(cfg, key)
        if value:
            found = path.parent / value
            if not found.is_file():
                raise ConfigError("%s: key '%s': no such file %s" % (path, key, found))
            cfg.images[key] = found
    return cfg


def load_all(paths) -> list:
    """Load every config; refuse two domains of one name, or one image value naming
    two different files (the hypervisor finds images by value)."""
    configs = [load(p) for p in paths]
    names, images = {}, {}
    for cfg in configs:
        if cfg.name in names:
            raise ConfigError("%s: domain name '%s' is already used by %s"
                              % (cfg.path, cfg.name, names[cfg.name]))
        names[cfg.name] = cfg.path
        for key, found in cfg.images.items():
            value = getattr(cfg, key)
            earlier = images.setdefault(value, (found, cfg.path))
            if earlier[0].resolve() != found.resolve():
                raise ConfigError("%s: key '%s': image '%s' is %s here but %s in %s"
                                  % (cfg.path, key, value, found, earlier[0], earlier[1]))
    return configs


def memory_needed(configs) -> int:
    """MiB the machine needs for these domains: theirs, the hypervisor's own, and room
    for their images (each distinct file is one boot module, in RAM while they boot)."""
    images = {path.resolve() for cfg in configs for path in cfg.images.values()}
    image_mib = sum(-(-path.stat().st_size // (1 << 20)) for path in images if path.is_file())
    return HYPERVISOR_MEM_MIB + sum(cfg.memory for cfg in configs) + image_mib


def default_memory(configs) -> int:
    return max(DEFAULT_MEM_MIB, memory_needed(configs)) if configs else DEFAULT_MEM_MIB


def plain(name: str) -> str:
    """NAME with anything GRUB might quote or split replaced by '_'."""
    return _PLAIN.sub("_", name)


def boot_modules(configs, taken=("xeno.elf", "grub")) -> list:
    """(file, module arguments, file name on the ISO) for each config, then for each
    distinct image value, in order of first use. ISO names are unique, not in TAKEN."""
    used = set(taken)

    def iso_name(path: Path) -> str:
        base = plain(path.name)
        name, n = base, 1
        while name in used:
            n += 1
            name = "%d-%s" % (n, base)
        used.add(name)
        return name

    modules = [(cfg.path, "domain-config " + plain(cfg.path.name), iso_name(cfg.path))
               for cfg in configs]
    seen = set()
    for cfg in configs:
        for key, found in cfg.images.items():
            value = getattr(cfg, key)
            if value not in seen:
                seen.add(value)
                modules.append((found, "image " + value, iso_name(found)))
    return modules
