"""What `tools/xeno bench pvh_ops` (tools/xenolib/benchmarks/pvh_ops.py) reads from the
benchmark guests' consoles and what it refuses, from canned lines: no emulator here
(tests/system/test_bench_programs.py boots the guests)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from xenolib import bench  # noqa: E402
from xenolib.benchmarks import hypercall, pvh_ops  # noqa: E402

OPERATIONS = 20000


def lines_for(side, cycles, domain=1, counts=None):
    """The console of a guest of SIDE that measured CYCLES (name -> cycles) and counted
    what EXPECTED says, or COUNTS (name -> (hypercalls, exits)) where given."""
    counts = counts or {}
    out = []
    for name, hypercalls, exits in pvh_ops.EXPECTED[side]:
        hypercalls, exits = counts.get(name, (hypercalls * OPERATIONS, exits * OPERATIONS))
        out.append("(d%d) bench: %s cycles=%d min=%d max=%d iterations=2000 batches=9"
                   % (domain, name, cycles[name], cycles[name], cycles[name] + 1))
        out.append("(d%d) bench-counts: %s operations=%d hypercalls=%d exits=%d host_exits=%d"
                   % (domain, name, OPERATIONS, hypercalls, exits, 2))
    # The PV guest's measurements pvh_ops does not read.
    for name in hypercall.PV_NAMES if side == "pv" else ():
        if name not in cycles:
            out.append("(d%d) bench: %s cycles=300 min=300 max=300 iterations=2000 batches=9"
                       % (domain, name))
    return out


def cycles_for(side, base):
    found = {side + "_" + op.name: base + 10 * i for i, op in enumerate(pvh_ops.OPS)}
    found[pvh_ops.CLOCK[side]] = 1
    return found


PV = lines_for("pv", cycles_for("pv", 100))
PVH = lines_for("pvh", cycles_for("pvh", 1000))


def test_counts_lines_parse():
    counts = pvh_ops.parse_counts(PVH + ["(d1) bench-counts: pvh_x operations=1 hypercalls=x",
                                         "bench-counts: pvh_y operations=1 hypercalls=0 exits=0 "
                                         "host_exits=0",
                                         "(d1) bench-counts: pvh_z operations=1 hypercalls=0 "
                                         "exits=0 host_exits=0 extra=1"])
    assert set(counts) == {name for name, _, _ in pvh_ops.EXPECTED["pvh"]}
    c = counts["pvh_io_in"]
    assert (c.operations, c.hypercalls, c.exits, c.host_exits, c.domain) == (
        OPERATIONS, 0, OPERATIONS, 2, 1)
    assert c.per_op(c.exits) == 1 and isinstance(c.per_op(c.exits), int)
    assert c.per_op(OPERATIONS + 5000) == 1.25


def test_good_boots_have_no_problems():
    assert pvh_ops.problems("pv", PV) == []
    assert pvh_ops.problems("pvh", PVH) == []


def test_every_line_is_required():
    assert pvh_ops.problems("pvh", [l for l in PVH if "pvh_set_timer_op" not in l]) == [
        "no `bench: pvh_set_timer_op` line", "no `bench-counts: pvh_set_timer_op` line"]
    assert pvh_ops.problems("pv", []) == (
        ["no `bench: %s` line" % name for name in hypercall.PV_NAMES]
        + ["no `bench-counts: %s` line" % name for name, _, _ in pvh_ops.EXPECTED["pv"]])


def test_operations_must_make_exactly_their_exits_and_hypercalls():
    extra_exit = lines_for("pvh", cycles_for("pvh", 1000),
                           counts={"pvh_null_hypercall": (OPERATIONS, OPERATIONS + 1)})
    assert pvh_ops.problems("pvh", extra_exit) == [
        "pvh_null_hypercall: 20000 hypercalls and 20001 exits in 20000 operations, "
        "expected 1 and 1 per operation"]
    pv_exit = lines_for("pv", cycles_for("pv", 100), counts={"pv_io_in": (0, 3)})
    assert pvh_ops.problems("pv", pv_exit) == [
        "pv_io_in: 0 hypercalls and 3 exits in 20000 operations, expected 0 and 0 per "
        "operation"]


def test_the_clock_must_count_instructions():
    slow = dict(cycles_for("pvh", 1000), pvh_nop=2)
    assert pvh_ops.problems("pvh", lines_for("pvh", slow)) == [
        "one instruction (pvh_nop) took 2 TSC ticks: the TSC does not count instructions "
        "(is `clock: sync=none` still in tools/bochsrc.template?)"]


def test_table_from_canned_runs():
    runs = {"pv": pvh_ops.Run(hypercall.parse(PV), pvh_ops.parse_counts(PV)),
            "pvh": pvh_ops.Run(hypercall.parse(PVH), pvh_ops.parse_counts(PVH))}
    got = {(side, v): runs[side] for side in pvh_ops.SIDES for v in pvh_ops.VARIANTS}
    text = bench.format_table(pvh_ops.table_of(got))
    print(text)
    assert "pvh/pv" in text and "pvh exits/op" in text

    def row(label):
        return next(l for l in text.splitlines() if l.lstrip().startswith(label)).split()
    assert row("null hypercall (PV syscall, PVH vmcall) [debug]")[-5:] == [
        "100", "1,000", "1", "1", "10.000"]
    assert row("in al, unknown port [release]")[-5:] == [
        "160", "1,060", "1", "0", "6.625"]               # 1060 / 160
    assert "(there were: debug 16, release 16)" in " ".join(text.split())
