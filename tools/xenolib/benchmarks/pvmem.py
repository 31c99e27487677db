"""mmu_batch and ptwr: what a PV guest's page-table update costs, three ways.

The PV memory benchmark guest (guests/bench/pvmem/) pins an L1 table of its own and
remaps its entries between two of its frames, so every operation is a real, validated
update. It prints one `bench:` line per measurement (the format of hypercall.LINE,
`cycles` being one operation: one call, or one write):

- `pv_mmu_update_single`: mmu_update of one entry per call;
- `pv_mmu_update_512`: mmu_update of all 512 entries of the table in one call;
- `pv_pte_write`: an 8-byte `mov` of the same entry as the single update, through the
  table's read-only mapping, emulated by the hypervisor (vm_assist
  writable_pagetables);

then `bench-work:` with what it issued in all. It is booted under the debug and the
release hypervisor, with icount and on the TCG wall clock, as hypercall.py boots
pvbench. The tables report the ratios and judge no timing. What they do check is the
work per operation: the hypervisor's own counters (the domain's `stats:` line at its
destruction, docs/boot-contract.md) must show one validated page-table update per
mmu_update entry and one emulated write per direct write, or the benchmark did not
measure what it says and fails.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import guesttests, paths, runner
from ..bench import Table, register
from ..errors import XenoError
from . import guestboots, hypercall
from .hypercall import MODE_LABEL, MODE_UNIT, MODES

PVMEM_CONFIG = hypercall.BENCH_BUILD / "pvmem" / "pvmem-pv64.cfg"
PVMEM = guesttests.GuestTest(name="pvmem", environments=("pv64",), memory=8, vcpus=1,
                             cmdline="", expect_shutdown="poweroff", summary="")
MEM_MIB = hypercall.MEM_MIB
TIMEOUT_S = hypercall.TIMEOUT_S
BATCH = 512                         # entries per call of pv_mmu_update_512
NAMES = ("pv_mmu_update_single", "pv_mmu_update_512", "pv_pte_write")
VARIANTS = ("debug", "release")
# Page-table updates the hypervisor may count beyond the guest's mmu_update entries
# and the runtime's start-of-day unmapping (reported as setup_updates): the
# benchmark's own update_va_mapping calls (4 today).
SETUP_UPDATES = 16

WORK = re.compile(r"^\(d(\d+)\) bench-work: mmu_update_calls=(\d+) mmu_update_entries=(\d+) "
                  r"pte_writes=(\d+) setup_updates=(\d+)$")
STATS = re.compile(r"^domain: d(\d+) stats: (.*)$")
COUNTER = re.compile(r"^(\d+) ([a-zA-Z][a-zA-Z -]*)$")


@dataclass(frozen=True)
class Work:
    """What the guest issued (its `bench-work:` line) and what the hypervisor counted
    for its domain (the `stats:` line; counter name -> value)."""
    domain: int
    calls: int
    entries: int
    writes: int
    setup: int
    counted: dict

    def count(self, name: str) -> int:
        return self.counted.get(name, 0)


def parse_stats(lines, domain: int) -> dict | None:
    """The counters of DOMAIN's `stats:` line ("N hypercalls, N continuations, ...")
    as {"hypercalls": N, ...}, or None when there is no such line."""
    for line in lines:
        m = STATS.match(line.rstrip())
        if m and int(m.group(1)) == domain:
            counters = {}
            for part in m.group(2).split(", "):
                c = COUNTER.match(part.strip())
                if c:
                    counters[c.group(2)] = int(c.group(1))
            return counters
    return None


def parse_work(lines) -> Work | None:
    """The guest's `bench-work:` line with its domain's counters, or None without one."""
    for line in lines:
        m = WORK.match(line.rstrip())
        if m:
            dom, calls, entries, writes, setup = map(int, m.groups())
            return Work(dom, calls, entries, writes, setup, parse_stats(lines, dom) or {})
    return None


def work_problems(work: Work | None) -> list:
    """Why WORK says the benchmark did not do what it says: each mmu_update entry one
    validated page-table update (plus a few of the setup's), each direct write one
    emulated write, each call a hypercall."""
    if work is None:
        return ["no `bench-work:` line"]
    if not work.counted:
        return ["no `domain: d%d stats:` line" % work.domain]
    wrong = []
    updates = work.count("page-table updates")
    low = work.entries + work.setup
    if not low <= updates <= low + SETUP_UPDATES:
        wrong.append("the hypervisor counted %d page-table updates for %d mmu_update entries "
                     "and %d setup updates (expected %d to %d)"
                     % (updates, work.entries, work.setup, low, low + SETUP_UPDATES))
    if work.count("emulated page-table writes") != work.writes:
        wrong.append("the hypervisor counted %d emulated page-table writes for %d direct "
                     "writes" % (work.count("emulated page-table writes"), work.writes))
    if work.count("hypercalls") < work.calls:
        wrong.append("the hypervisor counted %d hypercalls for %d mmu_update calls"
                     % (work.count("hypercalls"), work.calls))
    return wrong


def boot(variant: str, deterministic: bool, timeout: float = TIMEOUT_S) -> runner.RunResult:
    return runner.boot(paths.elf(variant), "qemu", smp=1, mem=MEM_MIB, timeout=timeout,
                       deterministic=deterministic, configs=[PVMEM_CONFIG])


@dataclass(frozen=True)
class Run:
    found: dict                     # name -> hypercall.Measurement
    work: Work


def checked(variant: str, mode: str, result: runner.RunResult) -> Run:
    """The measurements and work of one boot; raises unless the guest passed, printed
    every line well-formed and the hypervisor's counters agree with what it issued."""
    verdict = guesttests.judge(result.lines, PVMEM, "pv64", result.verdict, result.timed_out)
    found = hypercall.parse(result.lines)
    work = parse_work(result.lines)
    wrong = ([] if verdict.outcome == "pass" else [verdict.message])
    wrong += hypercall.problems(found, NAMES) + work_problems(work)
    if wrong:
        raise XenoError("pvmem benchmark boot (%s hypervisor, %s): %s; serial log: %s"
                        % (variant, MODE_LABEL[mode], "; ".join(wrong), result.serial_log))
    return Run(found, work)


_measured = None


def measure() -> dict:
    """(variant, mode) -> Run; booted once per `tools/xeno bench` run and shared by
    both benchmarks."""
    global _measured
    if _measured is None:
        _measured = guestboots.measure(VARIANTS, [(v,) for v in VARIANTS], boot, checked)
    return _measured


def _cycles(run: Run, name: str) -> int:
    return run.found[name].cycles


def _work_note(got: dict, what) -> str:
    """One line per variant: WHAT(work) says what the counters show (icount boots)."""
    return "\n  ".join("%s: %s" % (v, what(got[(v, "icount")].work)) for v in VARIANTS)


def _updates(w: Work) -> str:
    extra = w.count("page-table updates") - w.entries
    return ("%s page-table updates counted for %s mmu_update entries issued (%.4f per entry; "
            "%d more from setup), %s hypercalls for %s calls, %d continuations, %d TLB flushes"
            % ("{:,}".format(w.count("page-table updates")), "{:,}".format(w.entries),
               w.count("page-table updates") / w.entries, extra,
               "{:,}".format(w.count("hypercalls")), "{:,}".format(w.calls),
               w.count("continuations"), w.count("TLB flushes")))


def _writes(w: Work) -> str:
    return ("%s emulated page-table writes counted for %s direct writes (%.4f per write), "
            "%d TLB flushes in the whole run"
            % ("{:,}".format(w.count("emulated page-table writes")), "{:,}".format(w.writes),
               w.count("emulated page-table writes") / w.writes, w.count("TLB flushes")))


@register("mmu_batch", "mmu_update: cost per entry of a 512-entry batch vs one entry per call "
                       "(PV guest, QEMU TCG, icount and wall clock)")
def mmu_batch() -> Table:
    got = measure()
    table = Table("mmu_batch: mmu_update remapping entries of a pinned L1 table, cycles per "
                  "entry: all 512 entries in one call vs one entry per call",
                  ["batch of %d" % BATCH, "single"])
    for mode in MODES:
        for v in VARIANTS:
            run = got[(v, mode)]
            table.add("%s [%s]" % (v, MODE_LABEL[mode]), MODE_UNIT[mode],
                      [_cycles(run, "pv_mmu_update_512") / BATCH,
                       _cycles(run, "pv_mmu_update_single")])
    per_call = ", ".join("%s %s %s" % (v, "{:,}".format(_cycles(got[(v, "icount")],
                                                                  "pv_mmu_update_512")),
                                       MODE_UNIT["icount"]) for v in VARIANTS)
    table.note = ("one %d-entry call: %s (icount). Work per operation (the domain's stats "
                  "line against what the guest issued, icount boots):\n  %s"
                  % (BATCH, per_call, _work_note(got, _updates)))
    return table


@register("ptwr", "an emulated page-table write (writable page tables) vs an mmu_update of "
                  "one entry (PV guest, QEMU TCG, icount and wall clock)")
def ptwr() -> Table:
    got = measure()
    table = Table("ptwr: one L1 entry rewritten, cycles per update: mmu_update of that entry "
                  "vs a direct `mov` into it, trapped and emulated (vm_assist "
                  "writable_pagetables)", ["mmu_update", "emulated write"])
    for mode in MODES:
        for v in VARIANTS:
            run = got[(v, mode)]
            table.add("%s [%s]" % (v, MODE_LABEL[mode]), MODE_UNIT[mode],
                      [_cycles(run, "pv_mmu_update_single"), _cycles(run, "pv_pte_write")])
    table.note = ("the same entry between the same two values both ways. Work per operation "
                  "(the domain's stats line against what the guest issued, icount boots):\n"
                  "  %s" % _work_note(got, _writes))
    return table
