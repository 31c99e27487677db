"""The benchmark programs of guests/bench/ still run and print well-formed `bench:` lines,
booted exactly as `tools/xeno bench` boots them. No timing is judged here: numbers
belong to `tools/xeno bench` (tools/xenolib/benchmarks/hypercall.py, pvmem.py,
grantcopy.py, evtchn.py, vmx_exits.py and pvh_ops.py). The
work the PV memory guest did is checked (the hypervisor's counters against what it
issued), as `tools/xeno bench mmu_batch ptwr` checks it."""
import pytest

from xenolib import bench, guesttests
from xenolib.benchmarks import evtchn, grantcopy, hypercall, memory, pvh_ops, pvmem, vmx_exits


def built(path):
    if not path.is_file():
        pytest.fail("%s is missing: build first (scons build/guests/bench; `tools/xeno "
                    "test` builds before testing)" % path, pytrace=False)


def show(what, result):
    print("%s: %s" % (what, result.message))
    print("run directory:", result.run_dir)
    print("---- serial console ----")
    print(result.text)


def assert_bench_lines(lines, names):
    """Every line that says `bench:` is well-formed, and NAMES are all there."""
    said = [line for line in lines if "bench: " in line]
    malformed = [line for line in said if not hypercall.LINE.match(line)]
    assert not malformed, "malformed bench lines: %r" % malformed
    found = hypercall.parse(lines)
    assert hypercall.problems(found, names) == []
    assert [m.name for m in found.values()] == list(names), "missing or out of order"
    return found


@pytest.mark.parametrize("mode", ["icount", "wall"])
def test_native_kernel(mode):
    built(hypercall.NATIVE_ELF)
    result = hypercall.boot_native(deterministic=mode == "icount", timeout=60)
    show("bench-native (%s)" % mode, result)
    assert result.verdict == "pass", result.message
    assert result.lines[-1].startswith("XENO-STATUS: pass")
    found = assert_bench_lines(result.lines, hypercall.NATIVE_NAMES)
    assert all(m.domain is None for m in found.values())


@pytest.mark.parametrize("variant", ["debug", "release"])
def test_pv_guest(variant):
    built(hypercall.PV_CONFIG)
    result = hypercall.boot_pv(variant, deterministic=True, timeout=60)
    show("pvbench under the %s hypervisor" % variant, result)
    verdict = guesttests.judge(result.lines, hypercall.PVBENCH, "pv64", result.verdict, result.timed_out)
    assert verdict.outcome == "pass", verdict.message
    found = assert_bench_lines(result.lines, hypercall.PV_NAMES)
    assert {m.domain for m in found.values()} == {verdict.domain}


CANNED_NATIVE = ["bench-native: ring-3 syscall benchmarks on bare metal (multiboot2)",
                 "bench: native_syscall_bare cycles=4 min=4 max=4 iterations=2000 batches=9",
                 "bench: native_syscall cycles=56 min=56 max=57 iterations=2000 batches=9",
                 "bench: native_syscall_stub cycles=63 min=60 max=63 iterations=2000 batches=9",
                 "XENO-STATUS: pass"]
CANNED_PV = ["(d1) bench: pv_null_hypercall cycles=84 min=84 max=84 iterations=2000 batches=9",
             "(d1) bench: pv_null_hypercall_page cycles=90 min=90 max=91 iterations=2000 "
             "batches=9",
             "(d1) bench: pv_evtchn_send_self cycles=600 min=600 max=601 iterations=2000 "
             "batches=9",
             "(d1) bench: pv_set_timer_op cycles=210 min=210 max=211 iterations=2000 batches=9",
             "(d1) bench: pv_xeno_test_buffer cycles=120 min=120 max=120 iterations=2000 "
             "batches=9",
             "(d1) bench: pv_syscall_bounce cycles=560 min=560 max=600 iterations=2000 batches=9",
             "(d1) bench: pv_cpuid_forced cycles=320 min=320 max=321 iterations=2000 batches=9",
             "(d1) bench: pv_cpuid_native cycles=1 min=0 max=1 iterations=2000 batches=9",
             "(d1) bench: pv_cpuid_xen_leaf cycles=322 min=322 max=322 iterations=2000 "
             "batches=9",
             "(d1) bench: pv_io_in cycles=310 min=310 max=311 iterations=2000 batches=9"]


def test_parse_canned_lines():
    found = hypercall.parse(CANNED_NATIVE + CANNED_PV + [
        "bench: broken cycles=x", "(d1) bench: pv_x cycles=1 min=2 max=3 iterations=1 batches=1 extra"])
    assert set(found) == set(hypercall.NATIVE_NAMES) | set(hypercall.PV_NAMES)
    assert found["native_syscall"].cycles == 56 and found["native_syscall"].domain is None
    assert found["pv_syscall_bounce"].max == 600 and found["pv_syscall_bounce"].domain == 1
    bad = hypercall.parse(["bench: pv_null_hypercall cycles=5 min=6 max=9 iterations=10 "
                           "batches=3"])
    assert hypercall.problems(bad, ["pv_null_hypercall", "pv_syscall_bounce"]) == [
        "`bench: pv_null_hypercall` does not hang together: %s" % bad["pv_null_hypercall"],
        "no `bench: pv_syscall_bounce` line"]


def test_tables_from_canned_measurements(monkeypatch):
    native, pv = hypercall.parse(CANNED_NATIVE), hypercall.parse(CANNED_PV)
    canned = {(side, mode): native if side == "native" else pv
              for side in hypercall.SIDES for mode in hypercall.MODES}
    monkeypatch.setattr(hypercall, "_measured", canned)
    text = bench.format_table(hypercall.hypercall())
    print(text)
    assert "pv-release/native" in text
    assert "1.500" in text                      # 84 / 56
    assert "floor is 4 instr, 4 host TSC" in text
    text = bench.format_table(hypercall.syscall_bounce())
    print(text)
    assert "10.000" in text                     # 560 / 56


@pytest.mark.parametrize("variant", ["debug", "release"])
def test_pvmem_guest(variant):
    built(pvmem.PVMEM_CONFIG)
    result = pvmem.boot(variant, deterministic=True, timeout=60)
    show("pvmem under the %s hypervisor" % variant, result)
    verdict = guesttests.judge(result.lines, pvmem.PVMEM, "pv64", result.verdict,
                               result.timed_out)
    assert verdict.outcome == "pass", verdict.message
    found = assert_bench_lines(result.lines, pvmem.NAMES)
    assert {m.domain for m in found.values()} == {verdict.domain}
    work = pvmem.parse_work(result.lines)
    assert work is not None and work.domain == verdict.domain
    assert pvmem.work_problems(work) == []
    assert work.count("page-table updates") > 0 and work.writes > 0
    pvmem.checked(variant, "icount", result)        # what the benchmark accepts


CANNED_PVMEM = [
    "domain: d1 'pvmem' created (pv, 8 MiB, 1 vCPU) from pvmem-pv64.cfg",
    "(d1) bench: pv_mmu_update_single cycles=757 min=757 max=757 iterations=2000 batches=9",
    "(d1) bench: pv_mmu_update_512 cycles=102400 min=102400 max=102430 iterations=20 "
    "batches=9",
    "(d1) bench: pv_pte_write cycles=1113 min=1113 max=1113 iterations=2000 batches=9",
    "(d1) bench-work: mmu_update_calls=20203 mmu_update_entries=122914 pte_writes=20002 "
    "setup_updates=256",
    "(d1) verdict: PASS",
    "domain: d1 stats: 20217 hypercalls, 0 continuations, 123174 page-table updates, "
    "20002 emulated page-table writes, 6 TLB flushes"]


def test_pvmem_work_canned():
    work = pvmem.parse_work(CANNED_PVMEM)
    assert (work.domain, work.calls, work.entries, work.writes, work.setup) == (
        1, 20203, 122914, 20002, 256)
    assert work.counted == {"hypercalls": 20217, "continuations": 0,
                            "page-table updates": 123174, "emulated page-table writes": 20002,
                            "TLB flushes": 6}
    assert pvmem.work_problems(work) == []
    # Without the TLB counter (an older stats line) the others still parse.
    assert pvmem.parse_stats(["domain: d3 stats: 5 hypercalls, 1 continuations"], 3) == {
        "hypercalls": 5, "continuations": 1}
    assert pvmem.parse_stats(CANNED_PVMEM, 2) is None
    assert pvmem.work_problems(None) == ["no `bench-work:` line"]
    short = [line.replace("123174 page-table", "123169 page-table").replace(
        "20002 emulated", "19999 emulated") for line in CANNED_PVMEM]
    assert pvmem.work_problems(pvmem.parse_work(short)) == [
        "the hypervisor counted 123169 page-table updates for 122914 mmu_update entries "
        "and 256 setup updates (expected 123170 to %d)" % (123170 + pvmem.SETUP_UPDATES),
        "the hypervisor counted 19999 emulated page-table writes for 20002 direct writes"]
    no_stats = pvmem.parse_work(CANNED_PVMEM[:-1])
    assert pvmem.work_problems(no_stats) == ["no `domain: d1 stats:` line"]


def test_pvmem_tables_from_canned_measurements(monkeypatch):
    run = pvmem.Run(hypercall.parse(CANNED_PVMEM), pvmem.parse_work(CANNED_PVMEM))
    canned = {(v, mode): run for v in pvmem.VARIANTS for mode in hypercall.MODES}
    monkeypatch.setattr(pvmem, "_measured", canned)
    text = bench.format_table(pvmem.mmu_batch())
    print(text)
    assert "single/batch of 512" in text
    assert "200.00" in text and "3.785" in text         # 102400 / 512; 757 / 200
    assert "123,174 page-table updates counted for 122,914" in text
    text = bench.format_table(pvmem.ptwr())
    print(text)
    assert "emulated write/mmu_update" in text
    assert "1.470" in text                              # 1113 / 757
    assert "20,002 emulated page-table writes counted for 20,002 direct writes" in text


@pytest.mark.parametrize("variant", ["debug", "release"])
def test_pvgrant_guest(variant):
    built(grantcopy.PVGRANT_CONFIG)
    result = grantcopy.boot(variant, deterministic=True, timeout=60)
    show("pvgrant under the %s hypervisor" % variant, result)
    verdict = guesttests.judge(result.lines, grantcopy.PVGRANT, "pv64", result.verdict,
                               result.timed_out)
    assert verdict.outcome == "pass", verdict.message
    found = assert_bench_lines(result.lines, grantcopy.NAMES)
    assert {m.domain for m in found.values()} == {verdict.domain}
    grantcopy.checked(variant, "icount", result)    # what the benchmark accepts


CANNED_PVGRANT = [
    "(d1) bench: pv_memcpy_4k cycles=516 min=516 max=516 iterations=500 batches=9",
    "(d1) bench: pv_grant_copy_4k cycles=2064 min=2064 max=2070 iterations=500 batches=9",
    "(d1) bench: pv_grant_copy_4k_x16 cycles=24768 min=24768 max=24800 iterations=50 "
    "batches=9"]


def test_grant_copy_table_from_canned_measurements(monkeypatch):
    run = grantcopy.Run(hypercall.parse(CANNED_PVGRANT))
    canned = {(v, mode): run for v in grantcopy.VARIANTS for mode in hypercall.MODES}
    monkeypatch.setattr(grantcopy, "_measured", canned)
    text = bench.format_table(grantcopy.grant_copy())
    print(text)
    assert "grant copy x16/memcpy" in text
    assert "1548.00" in text and "3.000" in text        # 24768 / 16; 1548 / 516
    assert "grant copy x1/memcpy (icount): debug 4.000, release 4.000" in text


@pytest.mark.parametrize("variant", ["debug", "release"])
@pytest.mark.parametrize("placement", evtchn.PLACEMENTS)
def test_pvevtchn_pair(variant, placement):
    for config in evtchn.configs(placement):
        built(config)
    result = evtchn.boot(variant, placement, deterministic=True, timeout=60)
    show("pvevtchn (%s) under the %s hypervisor" % (placement, variant), result)
    verdict = guesttests.judge(result.lines, evtchn.PVEVTCHN, "pv64", result.verdict,
                               result.timed_out)
    assert verdict.outcome == "pass", verdict.message
    found = assert_bench_lines(result.lines, evtchn.NAMES[placement])
    assert {m.domain for m in found.values()} == {evtchn.PVEVTCHN.peer_domid(0)}
    clock = evtchn.parse_clock(result.lines)
    assert clock is not None and clock.domain == evtchn.PVEVTCHN.peer_domid(0)
    evtchn.checked(variant, placement, "icount", result)    # what the benchmark accepts


CANNED_PVEVTCHN = [
    "(d1) bench-clock: tsc_to_system_mul=2147483648 tsc_shift=1",
    "(d1) bench: pv_evtchn_rtt cycles=8000 min=7990 max=8100 iterations=500 batches=9",
    "(d1) bench: pv_yield_alone cycles=800 min=800 max=810 iterations=500 batches=9",
    "(d1) bench: pv_yield_pair cycles=1500 min=1490 max=1520 iterations=500 batches=9"]


def test_evtchn_tables_from_canned_measurements(monkeypatch):
    clock = evtchn.parse_clock(CANNED_PVEVTCHN)
    assert (clock.domain, clock.mul, clock.shift) == (1, 2 ** 31, 1)
    assert clock.ns(8000) == 8000.0                     # (8000 << 1) * 2^31 >> 32
    assert evtchn.parse_clock(["bench-clock: tsc_to_system_mul=x tsc_shift=0"]) is None
    run = evtchn.Run(hypercall.parse(CANNED_PVEVTCHN), clock)
    canned = {(v, p, mode): run for v in evtchn.VARIANTS for p in evtchn.PLACEMENTS
              for mode in hypercall.MODES}
    monkeypatch.setattr(evtchn, "_measured", canned)
    text = bench.format_table(evtchn.evtchn_pingpong())
    print(text)
    assert "2 CPUs/1 CPU" in text
    assert "8000.00" in text and "4000.00" in text and "1.000" in text
    text = bench.format_table(evtchn.vcpu_switch())
    print(text)
    assert "pair/alone" in text and "1.875" in text     # 1500 / 800
    assert "debug [icount] 700 ns" in text


def test_domain_memory_lines():
    """Every domain's `hypervisor memory` lines are there and well-formed (numbers are
    `tools/xeno bench domain_memory`'s, not judged here)."""
    built(memory.HELLO)
    result = memory.boot(memory.HELLO, 2, timeout=60)
    show("two hello domains under the release hypervisor", result)
    assert result.verdict == "pass", result.message
    said = [line for line in result.lines if "hypervisor memory" in line]
    assert said and all(memory.LINE.match(line.rstrip()) for line in said), said
    assert memory.problems(memory.parse(result.lines), 2) == []


def test_domain_memory_canned():
    lines = ["domain: d1 hypervisor memory 44 KiB at creation, pfn map 16 KiB of it",
             "domain: d1 hypervisor memory 132 KiB at its end, pfn map 16 KiB of it",
             "domain: d2 hypervisor memory 44 KiB at creation, pfn map 16 KiB"]
    usages = memory.parse(lines)
    assert [(u.domain, u.kib, u.when, u.pfn_map_kib) for u in usages] == [
        (1, 44, "at creation", 16), (1, 132, "at its end", 16)]
    assert memory.problems(usages, 1) == []
    assert memory.problems(usages, 2) != []


def test_vmx_exits_boot():
    """One Bochs boot, as `tools/xeno bench vmx_exits` boots it: the VMX self-test's
    bench run and pvbench print every line the benchmark reads, well-formed, and the
    self-test (which checks each operation made the exits it should) passes."""
    built(hypercall.PV_CONFIG)
    result = vmx_exits.boot("debug", timeout=120)
    show("vmx_exits boot (Bochs, debug hypervisor)", result)
    assert result.verdict == "pass", result.message
    assert "vmx: selftest passed" in result.lines
    found = assert_bench_lines(result.lines, vmx_exits.ALL_NAMES)
    assert all(found[name].domain is None for name in vmx_exits.VMX_NAMES)
    said = [line for line in result.lines if line.startswith("bench-exits:")]
    malformed = [line for line in said if not vmx_exits.EXITS.match(line)]
    assert not malformed, "malformed bench-exits lines: %r" % malformed
    assert list(vmx_exits.parse_exits(result.lines)) == list(vmx_exits.VMX_NAMES)
    assert vmx_exits.problems(result.lines) == []


CANNED_VMX = [
    "vmx: selftest run 4: timing each kind of exit",
    "bench: vmx_nop cycles=1 min=1 max=1 iterations=500 batches=9",
    "bench-exits: vmx_nop operations=5000 irqs_injected=0",
    "bench: vmx_vmcall cycles=1280 min=1280 max=1286 iterations=500 batches=9",
    "bench-exits: vmx_vmcall operations=5000 hypercall=5000 irqs_injected=0",
    "bench: vmx_cpuid cycles=960 min=960 max=966 iterations=500 batches=9",
    "bench-exits: vmx_cpuid operations=5000 cpuid=5000 irqs_injected=0",
    "bench: vmx_io_in cycles=930 min=930 max=931 iterations=500 batches=9",
    "bench-exits: vmx_io_in operations=5000 io=5000 irqs_injected=0",
    "bench: vmx_mmio_read cycles=1800 min=1800 max=1800 iterations=500 batches=9",
    "bench-exits: vmx_mmio_read operations=5000 nested_page_fault=5000 irqs_injected=0",
    "bench: vmx_irq_inject cycles=1100 min=1099 max=1102 iterations=500 batches=9",
    "bench-exits: vmx_irq_inject operations=5000 ext_intr=16 io=5000 irqs_injected=5000",
    "bench: vmx_irq_window cycles=1700 min=1700 max=1703 iterations=500 batches=9",
    "bench-exits: vmx_irq_window operations=5000 ext_intr=4 intr_window=5000 io=5000 "
    "irqs_injected=5000",
    "bench: vmx_hlt_wake cycles=1000 min=1000 max=1000 iterations=500 batches=9",
    "bench-exits: vmx_hlt_wake operations=5000 hlt=5000 irqs_injected=5000",
    "vmx: selftest passed"]


def test_vmx_exits_table_from_canned_lines(monkeypatch):
    lines = CANNED_VMX + CANNED_PV
    assert vmx_exits.problems(lines) == []
    found = hypercall.parse(lines)
    assert vmx_exits.calibration_problems(found) == []
    canned = {v: (found, vmx_exits.parse_exits(lines)) for v in vmx_exits.VARIANTS}
    monkeypatch.setattr(vmx_exits, "_measured", canned)
    text = bench.format_table(vmx_exits.vmx_exits())
    print(text)
    assert "hvm/pv" in text and "hvm exits per op" in text

    def row(label):
        return next(l for l in text.splitlines() if l.lstrip().startswith(label)).split()
    assert row("hypercall xen_version [debug]")[-5:] == [
        "84", "1,280", "1", "hypercall", "15.238"]              # 1280 / 84
    assert row("in al, unknown port [release]")[-4:] == ["930", "1", "io", "3.000"]  # 930 / 310
    assert row("interrupt raised, IF=0, sti [debug]")[-11:] == [
        "-", "1,700", "1", "intr_window", "+", "1", "io", "+", "1", "irq", "-"]
    assert row("mmio register read [debug]")[-5:] == ["-", "1,800", "1", "nested_page_fault", "-"]
    assert "(ext_intr exits): debug 20, release 20." in " ".join(text.split())


@pytest.mark.parametrize("side", pvh_ops.SIDES)
def test_pvh_ops_boot(side):
    """One Bochs boot of each benchmark guest as `tools/xeno bench pvh_ops` boots it
    (debug): the guest passes and prints every line the benchmark reads, with exactly
    the hypercalls and VM exits per operation it expects (the canned cases are in
    tests/unit/test_bench_pvh_ops.py)."""
    config, env, test = pvh_ops.GUESTS[side]
    built(config)
    result = pvh_ops.boot(side, "debug", timeout=120)
    show("pvh_ops boot (Bochs, %s guest, debug hypervisor)" % side, result)
    verdict = guesttests.judge(result.lines, test, env, result.verdict, result.timed_out)
    assert verdict.outcome == "pass", verdict.message
    found = assert_bench_lines(result.lines, pvh_ops.NAMES[side])
    assert {m.domain for m in found.values()} == {verdict.domain}
    said = [line for line in result.lines if "bench-counts: " in line]
    malformed = [line for line in said if not pvh_ops.COUNTS.match(line)]
    assert not malformed, "malformed bench-counts lines: %r" % malformed
    assert {c.domain for c in pvh_ops.parse_counts(result.lines).values()} == {verdict.domain}
    pvh_ops.checked(side, "debug", result)          # what the benchmark accepts
