"""evtchn_pingpong and vcpu_switch: event-channel latency between two domains, and
what switching vCPUs costs.

The event-channel benchmark guest (guests/bench/pvevtchn/) runs as two domains of one
image (peer 0, d1, and peer 1, d2: guests/lib/peers.h) joined by one interdomain
channel (peer 0's alloc_unbound, peer 1's bind_interdomain). A waiting peer masks
events, clears its selector, takes the port's pending bit, and when it was clear
blocks with SCHEDOP_block (which unmasks events and sleeps until an upcall is due): no
spinning, so both peers can share a CPU. Peer 0 prints (hypercall.LINE's format,
`cycles` being guest TSC cycles):

- `pv_evtchn_rtt`: send, then wait for peer 1's answer; per round trip;
- with both peers on CPU 0 only (`switch=1` on the command line):
  `pv_yield_alone`: SCHEDOP_yield while peer 1 sleeps (no switch), per yield;
  `pv_yield_pair`: both peers yield to each other, per yield (peer 0's loop over
  twice its iterations: every yield switches to the other domain);
- `bench-clock: tsc_to_system_mul=N tsc_shift=N`: the pvclock's scale, which turns
  cycles into ns here.

Two boots per hypervisor and mode, each with 2 CPUs (-smp 2): both peers on CPU 0
(`cpus = "0"`), and peer 0 on CPU 0 with peer 1 on CPU 1. As the other benchmarks:
debug and release hypervisor, icount and TCG wall clock. icount with -smp 2 makes
QEMU run both vCPUs in one thread, round robin; the numbers repeat but the two-CPU
latency includes QEMU's turn-taking. The wall-clock boots run one at a time (MTTCG:
a thread per vCPU). No timing is judged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import guesttests, paths, runner
from ..bench import Table, register
from ..errors import XenoError
from . import guestboots, hypercall
from .hypercall import MODE_LABEL, MODES

PVEVTCHN_DIR = hypercall.BENCH_BUILD / "pvevtchn"
PLACEMENTS = ("1cpu", "2cpu")
PLACEMENT_LABEL = {"1cpu": "1 CPU", "2cpu": "2 CPUs"}
PVEVTCHN = guesttests.GuestTest(name="pvevtchn", environments=("pv64",), memory=8, vcpus=1,
                                cmdline="", expect_shutdown="poweroff", summary="", peers=2)
NAMES = {"1cpu": ("pv_evtchn_rtt", "pv_yield_alone", "pv_yield_pair"),
         "2cpu": ("pv_evtchn_rtt",)}
VARIANTS = ("debug", "release")
SMP = 2
CLOCK = re.compile(r"^\(d(\d+)\) bench-clock: tsc_to_system_mul=(\d+) tsc_shift=(-?\d+)$")


def configs(placement: str) -> list:
    return [PVEVTCHN_DIR / ("pvevtchn-%s-p%d.cfg" % (placement, k)) for k in (0, 1)]


def boot(variant: str, placement: str, deterministic: bool,
         timeout: float = hypercall.TIMEOUT_S) -> runner.RunResult:
    return runner.boot(paths.elf(variant), "qemu", smp=SMP, mem=hypercall.MEM_MIB,
                       timeout=timeout, deterministic=deterministic,
                       configs=configs(placement))


@dataclass(frozen=True)
class Clock:
    domain: int
    mul: int
    shift: int

    def ns(self, cycles: float) -> float:
        scaled = cycles * 2 ** self.shift
        return scaled * self.mul / 2 ** 32


def parse_clock(lines):
    for line in lines:
        m = CLOCK.match(line.rstrip())
        if m:
            return Clock(*map(int, m.groups()))
    return None


@dataclass(frozen=True)
class Run:
    found: dict                     # name -> hypercall.Measurement
    clock: Clock

    def ns(self, name: str) -> float:
        return self.clock.ns(self.found[name].cycles)


def checked(variant: str, placement: str, mode: str, result: runner.RunResult) -> Run:
    """The measurements of one boot; raises unless both peers passed and peer 0 printed
    every line well-formed."""
    verdict = guesttests.judge(result.lines, PVEVTCHN, "pv64", result.verdict,
                               result.timed_out)
    found = hypercall.parse(result.lines)
    clock = parse_clock(result.lines)
    wrong = [] if verdict.outcome == "pass" else [verdict.message]
    wrong += hypercall.problems(found, NAMES[placement])
    if clock is None or clock.mul == 0:
        wrong.append("no `bench-clock:` line with a scale")
    if wrong:
        raise XenoError("pvevtchn benchmark boot (%s hypervisor, %s, %s): %s; serial log: %s"
                        % (variant, PLACEMENT_LABEL[placement], MODE_LABEL[mode],
                           "; ".join(wrong), result.serial_log))
    return Run(found, clock)


_measured = None


def measure() -> dict:
    """(variant, placement, mode) -> Run, booted once per `tools/xeno bench` run and
    shared by both benchmarks."""
    global _measured
    if _measured is None:
        keys = [(v, p) for v in VARIANTS for p in PLACEMENTS]
        _measured = guestboots.measure(VARIANTS, keys, boot, checked)
    return _measured


@register("evtchn_pingpong", "event-channel round trip and one-way latency between two "
                             "PV domains on one CPU and on two (QEMU TCG, icount and "
                             "wall clock)")
def evtchn_pingpong() -> Table:
    got = measure()
    table = Table("evtchn_pingpong: ns per event-channel round trip between two domains "
                  "(EVTCHNOP_send, the receiver blocked in SCHEDOP_block), both on CPU 0 "
                  "and on CPUs 0 and 1; one-way is half",
                  [PLACEMENT_LABEL[p] for p in PLACEMENTS])
    for mode in MODES:
        for v in VARIANTS:
            rtt = [got[(v, p, mode)].ns("pv_evtchn_rtt") for p in PLACEMENTS]
            table.add("%s round trip [%s]" % (v, MODE_LABEL[mode]), "ns", rtt)
            table.add("%s one-way [%s]" % (v, MODE_LABEL[mode]), "ns", [x / 2 for x in rtt])
    table.note = ("ns from the guest's TSC through its pvclock scale; icount with 2 CPUs "
                  "runs them in one QEMU thread, round robin.")
    return table


@register("vcpu_switch", "vCPU context switch: SCHEDOP_yield between two PV domains on "
                         "one CPU vs one domain yielding alone (QEMU TCG, icount and "
                         "wall clock)")
def vcpu_switch() -> Table:
    got = measure()
    table = Table("vcpu_switch: ns per SCHEDOP_yield on CPU 0, alone (the other domain "
                  "blocked: no switch) and with two domains yielding to each other (every "
                  "yield switches)", ["alone", "pair"])
    costs = []
    for mode in MODES:
        for v in VARIANTS:
            run = got[(v, "1cpu", mode)]
            alone, pair = run.ns("pv_yield_alone"), run.ns("pv_yield_pair")
            table.add("%s [%s]" % (v, MODE_LABEL[mode]), "ns", [alone, pair])
            costs.append("%s [%s] %.0f ns" % (v, MODE_LABEL[mode], pair - alone))
    table.note = "switch cost (pair - alone): %s." % ", ".join(costs)
    return table
