"""pvh_ops: what a PVH domain's hypercalls and exits cost beside the same operations
of a PV domain, in emulated instructions under Bochs, with the VM exits per operation.

The PV and the PVH benchmark guests (guests/bench/pv, guests/bench/pvh) make the same
calls from guest kernel mode, through the same loops (guests/bench/common: loops.S,
exits.S, ops.c compiled for each): xen_version by the environment's hypercall
instruction (PV `syscall`, PVH `vmcall`) and through the hypercall page, an
event-channel send on a loopback channel, set_timer_op, xeno_test writing its
arguments to a guest buffer (PVH: through a walk of the guest's page tables), CPUID of
Xen's first leaf (PV: the forced-emulation prefix) and IN from an unknown port. Each
prints a `bench:` line (hypercall.LINE) and a `bench-counts:` line (COUNTS): what
xeno_stats counted around the measurement, the hypercalls dispatched and the vCPU's
VM exits (a PV vCPU has none).

Two Bochs boots per hypervisor variant, one after the other, one guest each. With
`clock: sync=none` the TSC counts instructions (vmx_exits.py says why), checked on
every boot: a plain CPUID in the PV guest and a `nop` in the PVH guest must measure 1.
The benchmark also fails unless every operation made exactly the hypercalls and VM
exits it should (EXPECTED): a number always measures what its name says. It judges no
timing (docs/benchmarks.md).
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from .. import build, guesttests, paths, runner
from ..bench import Table, register
from ..errors import XenoError
from . import hypercall

PVH_CONFIG = hypercall.BENCH_BUILD / "pvh" / "pvhbench-pvh64.cfg"
MEM_MIB = 256
TIMEOUT_S = 180
VARIANTS = ("debug", "release")
SIDES = ("pv", "pvh")


@dataclass(frozen=True)
class Op:
    label: str          # the table's row
    name: str           # the guests' measurement, after "pv_" or "pvh_"
    hypercalls: int     # per operation, both sides
    exits: int          # VM exits per operation, PVH


OPS = (
    Op("null hypercall (PV syscall, PVH vmcall)", "null_hypercall", 1, 1),
    Op("null hypercall, hypercall page", "null_hypercall_page", 1, 1),
    Op("evtchn send, loopback channel", "evtchn_send_self", 1, 1),
    Op("set_timer_op", "set_timer_op", 1, 1),
    Op("xeno_test, 48-byte guest buffer", "xeno_test_buffer", 1, 1),
    Op("cpuid 0x40000000 (PV: forced emul.)", "cpuid_xen_leaf", 0, 1),
    Op("in al, unknown port", "io_in", 0, 1),
)
# One instruction the hypervisor never sees, on each side: the clock check.
CLOCK = {"pv": "pv_cpuid_native", "pvh": "pvh_nop"}
# The `bench:` lines each guest prints, in order.
NAMES = {"pv": hypercall.PV_NAMES,
         "pvh": tuple("pvh_" + op.name for op in OPS) + (CLOCK["pvh"],)}
# (measurement, hypercalls per operation, VM exits per operation) each side must show.
EXPECTED = {side: tuple((side + "_" + op.name, op.hypercalls, op.exits if side == "pvh" else 0)
                        for op in OPS) + ((CLOCK[side], 0, 0),)
            for side in SIDES}
# side -> (its domain config, environment, the guest as the guest tests' judge sees it
# (guests/bench/*/manifest.c)).
GUESTS = {
    "pv": (hypercall.PV_CONFIG, "pv64", hypercall.PVBENCH),
    "pvh": (PVH_CONFIG, "pvh64",
            guesttests.GuestTest(name="pvhbench", environments=("pvh64",), memory=8, vcpus=1,
                                 cmdline="", expect_shutdown="poweroff", summary="")),
}
COLUMNS = ["pv", "pvh", "pvh exits/op", "pv hypercalls/op"]

COUNTS = re.compile(r"^\(d(\d+)\) bench-counts: ([a-z][a-z0-9_]*) operations=(\d+) "
                    r"hypercalls=(\d+) exits=(\d+) host_exits=(\d+)$")


@dataclass(frozen=True)
class Counts:
    """A `bench-counts:` line: over OPERATIONS of the measured operation (every batch,
    the warm-up too, and the twins), the hypercalls the hypervisor dispatched and the
    VM exits the guest made; HOST_EXITS, the exits the host caused, are not in EXITS."""
    name: str
    operations: int
    hypercalls: int
    exits: int
    host_exits: int
    domain: int

    def per_op(self, count: int) -> int | float:
        """COUNT per operation: an int when it divides exactly."""
        whole, rest = divmod(count, self.operations)
        return whole if not rest else count / self.operations


def parse_counts(lines) -> dict:
    """NAME -> Counts for every well-formed `bench-counts:` line among LINES."""
    return hypercall.parse_named(COUNTS, Counts, lines)


def problems(side: str, lines) -> list:
    """What is wrong with a boot's LINES for SIDE ("pv" or "pvh"), besides the guest's
    verdict: missing or inconsistent `bench:` lines, missing `bench-counts:` lines,
    operations that did not make exactly the hypercalls and exits they should, a clock
    that does not count instructions."""
    found = hypercall.parse(lines)
    counts = parse_counts(lines)
    wrong = hypercall.problems(found, NAMES[side])
    for name, hypercalls, exits in EXPECTED[side]:
        c = counts.get(name)
        if c is None:
            wrong.append("no `bench-counts: %s` line" % name)
        elif c.operations < 1 or (c.hypercalls, c.exits) != (hypercalls * c.operations,
                                                              exits * c.operations):
            wrong.append("%s: %d hypercalls and %d exits in %d operations, expected %d and %d "
                         "per operation" % (name, c.hypercalls, c.exits, c.operations,
                                            hypercalls, exits))
    clock = found.get(CLOCK[side])
    if clock is not None and clock.cycles != 1:
        wrong.append("one instruction (%s) took %d TSC ticks: the TSC does not count "
                     "instructions (is `clock: sync=none` still in tools/bochsrc.template?)"
                     % (clock.name, clock.cycles))
    return wrong


@dataclass(frozen=True)
class Run:
    found: dict                     # name -> hypercall.Measurement
    counts: dict                    # name -> Counts


def boot(side: str, variant: str, timeout: float = TIMEOUT_S) -> runner.RunResult:
    return runner.boot(paths.elf(variant), "bochs", smp=1, mem=MEM_MIB, timeout=timeout,
                       configs=[GUESTS[side][0]])


def checked(side: str, variant: str, result: runner.RunResult) -> Run:
    """The measurements and counts of one boot; raises unless the guest passed and
    problems() found nothing."""
    _, env, test = GUESTS[side]
    verdict = guesttests.judge(result.lines, test, env, result.verdict, result.timed_out)
    wrong = ([] if verdict.outcome == "pass" else [verdict.message]) + problems(side, result.lines)
    if wrong:
        raise XenoError("pvh_ops boot (%s guest, %s hypervisor): %s; serial log: %s"
                        % (side, variant, "; ".join(wrong), result.serial_log))
    return Run(hypercall.parse(result.lines), parse_counts(result.lines))


_measured = None


def measure() -> dict:
    """(side, variant) -> Run; the boots run one after another."""
    global _measured
    if _measured is None:
        build.scons([str(paths.elf(v).relative_to(paths.ROOT)) for v in VARIANTS]
                    + [str(hypercall.BENCH_BUILD.relative_to(paths.ROOT))])
        _measured = {(side, v): checked(side, v, boot(side, v))
                     for v in VARIANTS for side in SIDES}
    return _measured


def table_of(got: dict) -> Table:
    """The table of measured runs GOT ((side, variant) -> Run)."""
    table = Table("pvh_ops: emulated instructions per operation under Bochs (TSC = "
                  "instruction count), from guest kernel mode: a PVH domain vs a PV domain, "
                  "the same calls", COLUMNS, ratios=(("pvh", "pv"),))
    for variant in VARIANTS:
        pv, pvh = got[("pv", variant)], got[("pvh", variant)]
        for op in OPS:
            c = pvh.counts["pvh_" + op.name]
            table.add("%s [%s]" % (op.label, variant), "instr",
                      [pv.found["pv_" + op.name].cycles, pvh.found["pvh_" + op.name].cycles,
                       c.per_op(c.exits),
                       pv.counts["pv_" + op.name].per_op(pv.counts["pv_" + op.name].hypercalls)])
    host = ", ".join("%s %d" % (v, sum(c.host_exits for c in got[("pvh", v)].counts.values()))
                     for v in VARIANTS)
    some = got[("pvh", VARIANTS[0])].found["pvh_null_hypercall"]
    note = ("Median of %d batches of %d, each a loop minus its twin without the operation; "
            "evtchn send: a C loop that also takes the event back (its twin does that "
            "alone), so it includes loading the hypercall's registers. A VM entry or exit "
            "counts as one instruction at most: software path lengths, not hardware costs. "
            "pvh exits/op: the vCPU's VM exits (xeno_stats), host interrupts left out "
            "(there were: %s); a PV vCPU does not exit, its way in is the hypercall (pv "
            "hypercalls/op) or a trap the hypervisor emulates (#UD for forced CPUID, #GP "
            "for IN), which nothing counts. No MMIO row: a PVH domain has no emulated "
            "MMIO (vmx_exits times the self-test container's). Clock check: a plain CPUID "
            "in PV and a nop in PVH measured 1."
            % (some.batches, some.iterations, host))
    table.note = "\n  ".join(textwrap.wrap(note, 96))
    return table


@register("pvh_ops", "a PVH domain's hypercalls (VMCALL, hypercall page), evtchn send, "
                     "set_timer_op, guest-buffer copy, CPUID and I/O exits vs a PV domain's, "
                     "emulated instructions and VM exits per op (Bochs)")
def pvh_ops() -> Table:
    return table_of(measure())
