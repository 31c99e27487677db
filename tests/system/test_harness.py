"""Fast checks of the harness's own parsing, on canned text (no emulator)."""
from pathlib import Path

from xenolib import bench, contract, image
from xenolib.benchmarks import size


def test_clean_strips_grub_escapes_and_carriage_returns():
    raw = "\x1b[H\x1b[J\x1b[1;1H\x1b[0m\x1b[37m\x1b[40mXeno 1.0 (debug) x86-64 hypervisor\r"
    assert contract.clean(raw) == "Xeno 1.0 (debug) x86-64 hypervisor"


def test_contract_regexes_match_the_documented_lines():
    lines = [
        "Xeno 0.1 (release) x86-64 hypervisor",
        "timer: cpu3 19 ticks in 200 ms of PIT time at 100 Hz (expected 20)",
        "  [<ffffffff80201234>] crash_page_fault+0x14/0x40",
        "XENO-STATUS: panic in crash_page_fault",
    ]
    assert contract.first(contract.BANNER, lines).groups() == ("0.1", "release")
    assert contract.first(contract.TIMER, lines).groups() == ("3", "19", "200", "100", "20")
    assert contract.first(contract.FRAME, lines).group(2) == "crash_page_fault"
    assert contract.first(contract.STATUS, lines).group(1) == "panic"
    assert contract.first(contract.STATUS, ["XENO-STATUS: passed"]) is None


def test_grub_cfg_quotes_what_grub_would_interpret():
    cfg = image.grub_cfg("a=1 b=$x it's", [(Path("/tmp/m.bin"), "x y")], efi=False)
    assert "multiboot2 /boot/xeno.elf a=1 'b=$x' 'it'\\''s'\n" in cfg
    assert "module2 /boot/m.bin x y\n" in cfg
    assert "efi_gop" not in cfg
    assert "insmod efi_gop" in image.grub_cfg("", [], efi=True)


def test_bench_table_has_a_ratio_column():
    table = bench.Table("t", ["debug", "release"])
    table.add("entry to banner", "cycles", [200, 100])
    text = bench.format_table(table)
    assert "release/debug" in text
    assert "0.500" in text
    assert "200" in text


def test_loadable_size_of_the_debug_build(debug_elf):
    loaded = size.loadable_size(debug_elf)
    assert 0 < loaded
