"""Fast checks of the harness's own parsing, on canned text (no emulator)."""
from pathlib import Path

from xenolib import bench, contract, image
from xenolib.benchmarks import hypercall, size, vmx_exits


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


def test_bench_table_shows_strings_and_skips_their_ratios():
    table = bench.Table("t", ["pv", "hvm", "exits"], ratios=(("hvm", "pv"),))
    table.add("cpuid", "instr", [300, 900, "1 cpuid"])
    table.add("mmio", "instr", [bench.NOT_APPLICABLE, 1800, "1 nested_page_fault"])
    lines = bench.format_table(table).splitlines()
    assert lines[1].split() == ["measurement", "unit", "pv", "hvm", "exits", "hvm/pv"]
    assert lines[2].split() == ["cpuid", "instr", "300", "900", "1", "cpuid", "3.000"]
    assert lines[3].split() == ["mmio", "instr", "-", "1,800", "1", "nested_page_fault", "-"]


def test_vmx_bench_exits_lines():
    lines = ["bench-exits: vmx_irq_window operations=5000 ext_intr=3 intr_window=5000 "
             "io=5000 irqs_injected=5000",
             "bench-exits: vmx_nop operations=5000 irqs_injected=0",
             "bench-exits: vmx_cpuid operations=5000 cpuid=2500",
             "bench-exits: vmx_bad operations=x io=1",
             "(d1) bench-exits: vmx_io_in operations=1 io=1"]
    found = vmx_exits.parse_exits(lines)
    assert list(found) == ["vmx_irq_window", "vmx_nop", "vmx_cpuid"]
    window = found["vmx_irq_window"]
    assert window.operations == 5000 and window.host() == 3
    assert window.per_op() == "1 intr_window + 1 io + 1 irq"
    assert found["vmx_nop"].per_op() == "none"
    assert found["vmx_cpuid"].per_op() == "0.5 cpuid"
    wrong = vmx_exits.problems(lines)
    assert "the VMX self-test did not pass (no verdict line)" in wrong
    assert "no `bench: vmx_vmcall` line" in wrong and "no `bench: pv_io_in` line" in wrong
    assert "no `bench-exits: vmx_hlt_wake` line" in wrong
    assert "no `bench-exits: vmx_nop` line" not in wrong
    # A nop of 2 ticks: the TSC no longer counts instructions, so the unit is wrong.
    slow = vmx_exits.calibration_problems(hypercall.parse(
        ["bench: vmx_nop cycles=2 min=2 max=2 iterations=500 batches=9"]))
    assert len(slow) == 1 and "(vmx_nop) took 2 TSC ticks" in slow[0]


def test_loadable_size_of_the_debug_build(debug_elf):
    loaded = size.loadable_size(debug_elf)
    assert 0 < loaded


def test_bochs_log_failures_name_failed_entries_not_the_shutdown(tmp_path):
    from xenolib import platforms
    log = tmp_path / "bochs.log"
    log.write_text("00000 i normal line\n"
                   "01234 e [CPU0 ] VMENTER FAIL: VMCS guest TR invalid\n"
                   "05678 p [UNMP ] >>PANIC<< Shutdown port: shutdown requested\n")
    assert platforms.bochs_log_failures(log) == [
        "01234 e [CPU0 ] VMENTER FAIL: VMCS guest TR invalid"]
    log.write_text("05678 p [UNMP ] >>PANIC<< Shutdown port: shutdown requested\n")
    assert platforms.bochs_log_failures(log) == []
    assert platforms.bochs_log_failures(tmp_path / "absent.log") == []
