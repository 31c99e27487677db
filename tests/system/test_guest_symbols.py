"""No emulator: tools/xenolib/guest_symbols.py names guest addresses in the lines of the
hypervisor's vCPU reports from the right System.map, and leaves everything else alone;
tools/xenolib/kallsyms.py rebuilds a System.map from kallsyms tables laid out as
scripts/kallsyms.c lays them out (a synthetic kernel image built here)."""
import struct

import pytest

from xenolib import domaincfg, guest_symbols, kallsyms
from xenolib.errors import XenoError

MAP = """\
ffffffff81000000 T _stext
ffffffff81000000 t startup_64
ffffffff81001000 T do_one_thing
ffffffff81001080 W weak_function
ffffffff810010c0 T panic
ffffffff81002000 R some_rodata
ffffffff81003000 D some_data
ffffffff81004000 T after_data
0000000000001000 A cpu_number
garbage line
"""


def test_lookup_names_functions_and_only_functions():
    symbols = guest_symbols.SymbolMap(MAP)
    assert symbols.lookup(0xFFFFFFFF810010D2) == "panic+0x12"
    assert symbols.lookup(0xFFFFFFFF81001000) == "do_one_thing+0x0"
    assert symbols.lookup(0xFFFFFFFF81001090) == "weak_function+0x10"
    # Two names at one address: either is right, and it is a function's.
    assert symbols.lookup(0xFFFFFFFF81000010) in ("_stext+0x10", "startup_64+0x10")
    assert symbols.lookup(0xFFFFFFFF81002010) is None      # rodata
    assert symbols.lookup(0xFFFFFFFF81003008) is None      # data
    assert symbols.lookup(0xFFFFFFFF81004004) == "after_data+0x4"
    assert symbols.lookup(0x1008) is None                  # an absolute (per-CPU) symbol
    assert symbols.lookup(0x10) is None                    # below every symbol


def domain_config(tmp_path, name, kernel="kernel.elf", folder="k"):
    where = tmp_path / folder
    where.mkdir(exist_ok=True)
    (where / kernel).write_bytes(b"\x7fELF not really")
    config = where / ("%s.cfg" % name)
    config.write_text('name = "%s"\nmemory = 8\nkernel = "%s"\n' % (name, kernel))
    return domaincfg.load(config)


def test_report_lines_get_symbols_and_other_lines_do_not(tmp_path):
    cfg = domain_config(tmp_path, "guest")
    (tmp_path / "k" / "System.map").write_text(MAP)
    other = domain_config(tmp_path, "plain", folder="p")        # no map: left alone
    annotate = guest_symbols.Annotator([cfg, other]).line
    assert annotate("domain: d3 'guest' created (pv, 8 MiB, 1 vCPU) from guest.cfg") \
        == "domain: d3 'guest' created (pv, 8 MiB, 1 vCPU) from guest.cfg"
    annotate("domain: d4 'plain' created (pv, 8 MiB, 1 vCPU) from plain.cfg")
    assert annotate("domain: d3 vcpu0 rip=ffffffff810010d2 rsp=ffffc90000013e58 "
                    "rflags=0000000000000246") == \
        ("domain: d3 vcpu0 rip=ffffffff810010d2 <panic+0x12> rsp=ffffc90000013e58 "
         "rflags=0000000000000246")
    assert annotate("keys: d3 vcpu1   [ffffc90000013e60] ffffffff81001004") == \
        "keys: d3 vcpu1   [ffffc90000013e60] ffffffff81001004 <do_one_thing+0x4>"
    assert annotate("domain: d3 vcpu0   ffffc90000013e58: ffffffff81003000 "
                    "ffffffff81001000") == \
        ("domain: d3 vcpu0   ffffc90000013e58: ffffffff81003000 "
         "ffffffff81001000 <do_one_thing+0x0>")
    # Another domain's report, lines that are no report, and a domain never created.
    for line in ("domain: d4 vcpu0 rip=ffffffff810010d2",
                 "(d3) ffffffff810010d2",
                 "keys:   vcpu0 runnable rip=ffffffff810010d2",
                 "domain: d9 vcpu0 rip=ffffffff810010d2"):
        assert annotate(line) == line


def test_a_linux_map_must_name_the_kernels_version(tmp_path):
    cfg = domain_config(tmp_path, "linux", kernel="vmlinux")
    (tmp_path / "k" / "vmlinux").write_bytes(b"\0Linux version 6.1.0-9-amd64 (debian)\0")
    (tmp_path / "k" / "System.map-6.1.0-8-amd64").write_text("ffffffff81000000 T stale\n")
    assert guest_symbols.find_map(cfg.images["kernel"]) is None
    (tmp_path / "k" / "System.map-6.1.0-9-amd64").write_text("ffffffff81000000 T right\n")
    assert guest_symbols.find_map(cfg.images["kernel"]).name == "System.map-6.1.0-9-amd64"
    annotate = guest_symbols.Annotator([cfg]).line
    annotate("domain: d1 'linux' created (pv, 8 MiB, 1 vCPU) from linux.cfg")
    assert annotate("domain: d1 vcpu0 rip=ffffffff81000008").endswith("<right+0x8>")


def test_a_kernel_linked_from_elsewhere_finds_the_map_beside_its_target(tmp_path):
    built = tmp_path / "built"
    built.mkdir()
    (built / "guest.elf").write_bytes(b"\x7fELF")
    (built / "System.map").write_text(MAP)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "guest.elf").symlink_to(built / "guest.elf")
    assert guest_symbols.find_map(elsewhere / "guest.elf") == built / "System.map"


def test_an_images_own_map_comes_before_system_map(tmp_path):
    """A guest test built for two environments: two images, each with its map."""
    cfg = domain_config(tmp_path, "guest", kernel="guest-pvh64.elf")
    (tmp_path / "k" / "guest-pv64.map").write_text("ffffffff81000000 T other_env\n")
    (tmp_path / "k" / "System.map").write_text("ffffffff81000000 T plain\n")
    assert guest_symbols.find_map(cfg.images["kernel"]).name == "System.map"
    (tmp_path / "k" / "guest-pvh64.map").write_text("ffffffff81000000 T own\n")
    assert guest_symbols.find_map(cfg.images["kernel"]).name == "guest-pvh64.map"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.elf").symlink_to(tmp_path / "k" / "guest-pvh64.elf")
    assert guest_symbols.find_map(elsewhere / "linked.elf").name == "guest-pvh64.map"


# --- kallsyms ---------------------------------------------------------------

BASE = 0xFFFFFFFF81000000


def align8(blob: bytearray) -> None:
    blob.extend(b"\0" * (-len(blob) % 8))


def kallsyms_image(symbols):
    """A blob holding SYMBOLS ((address, type, name)) as scripts/kallsyms.c writes
    them: offsets, relative_base, num_syms, names, markers, token table and index."""
    # Tokens: each byte stands for itself, but 0x01-0x03 for common fragments, and
    # 0x80 for a long one, so names decode through the table.
    tokens = [bytes([i]) if 0x20 < i < 0x7F else b"" for i in range(256)]
    tokens[0] = b"T_"
    tokens[1], tokens[2], tokens[3], tokens[0x80] = b"do_", b"thing", b"panic", b"x" * 40
    fragments = sorted(((t, i) for i, t in enumerate(tokens) if len(t) > 1),
                       key=lambda ti: -len(ti[0]))

    def encode(text: bytes) -> bytes:
        out = bytearray()
        while text:
            for fragment, i in fragments:
                if text.startswith(fragment):
                    out.append(i)
                    text = text[len(fragment):]
                    break
            else:
                out.append(text[0])
                text = text[1:]
        return bytes(out)

    blob = bytearray(b"\xaa" * 64)          # whatever comes before
    offsets = []
    for address, _, _ in symbols:
        offsets.append(-(address - BASE) - 1 if address >= BASE else address)
    blob += struct.pack("<%di" % len(symbols), *offsets)
    align8(blob)
    blob += struct.pack("<Q", BASE)
    blob += struct.pack("<I", len(symbols))
    align8(blob)
    names_at, markers = len(blob), []
    for i, (_, kind, name) in enumerate(symbols):
        if i % 256 == 0:
            markers.append(len(blob) - names_at)
        encoded = encode((kind + name).encode())
        if len(encoded) > 0x7F:                 # a "big" symbol: two length bytes
            blob += bytes([(len(encoded) & 0x7F) | 0x80, len(encoded) >> 7])
        else:
            blob.append(len(encoded))
        blob += encoded
    align8(blob)
    blob += struct.pack("<%dI" % len(markers), *markers)
    align8(blob)
    index, at = [], 0
    for token in tokens:
        index.append(at)
        blob += token + b"\0"
        at += len(token) + 1
    align8(blob)
    blob += struct.pack("<256H", *index)
    blob += b"\x55" * 64
    return bytes(blob)


def synthetic_symbols():
    found = [(0x1000, "A", "cpu_number")]
    for i in range(700):
        found.append((BASE + 0x40 * i, "T" if i % 3 else "t", "do_thing_%d" % i))
    found.append((BASE + 0x40 * 700, "T", "panic"))
    found.append((BASE + 0x40 * 701, "t", "long_" + "ab" * 100))   # a "big" one
    found.append((BASE + 0x100000, "D", "some_data"))
    return found


def test_kallsyms_tables_decode_to_the_symbols_they_hold():
    symbols = synthetic_symbols()
    assert kallsyms.symbols(kallsyms_image(symbols)) == symbols
    text = kallsyms.system_map(kallsyms_image(symbols))
    assert "%016x T panic\n" % (BASE + 0x40 * 700) in text
    assert guest_symbols.SymbolMap(text).lookup(BASE + 0x40 * 700 + 5) == "panic+0x5"


def test_an_image_without_kallsyms_is_refused():
    with pytest.raises(XenoError):
        kallsyms.symbols(b"\x7fELF" + b"\0" * 4096)
