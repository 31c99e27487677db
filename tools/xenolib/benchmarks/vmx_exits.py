"""vmx_exits: what each kind of VM exit costs a VT-x container, in emulated
instructions under Bochs, beside the PV guest's equivalent where there is one.

One Bochs boot per hypervisor variant (debug and release, two at a time) with
`vmx_selftest=bench` and the PV benchmark guest (pvbench) as a domain:

- the VMX self-test's bench run (hvm/selftest/bench.c, guest_bench.inc) times loops of
  a VMCALL (xen_version), CPUID leaf 1, IN from an unknown port, a read of an emulated
  MMIO register (EPT violation), an interrupt raised with IF=1 (I/O exit, injection),
  raised with IF=0 then `sti` (plus an interrupt-window exit), and `sti; hlt` woken by
  an interrupt, each against its twin without the exiting instruction, and a `nop`;
  it prints a `bench:` line (hypercall.LINE) and a `bench-exits:` line per measurement;
- pvbench then prints its own `bench:` lines, among them the PV round trip of the same
  hypercall, CPUID through the forced-emulation prefix, a plain CPUID and IN from the
  same unknown port (guests/bench/common/exits.S).

With `clock: sync=none` (tools/bochsrc.template) Bochs's TSC is its tick counter, one
tick per emulated instruction (`ips` only says how many ticks make a second of
virtual time), so `cycles` are instructions. A `nop` in the VMX guest and a plain CPUID
in the PV guest show it (1 tick each); the benchmark fails if they do not. A VM entry or exit counts as at most one
instruction: these numbers are the software path lengths on both sides, not what the
hardware transitions cost. Nothing here judges a number (docs/benchmarks.md).
"""
from __future__ import annotations

import re
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .. import build, paths, runner
from ..bench import NOT_APPLICABLE, Table, register
from ..errors import XenoError
from . import hypercall

CMDLINE = "vmx_selftest=bench"
MEM_MIB = 256
TIMEOUT_S = 120
VARIANTS = ("debug", "release")
# What the self-test's bench run prints, in this order.
VMX_NAMES = ("vmx_nop", "vmx_vmcall", "vmx_cpuid", "vmx_io_in", "vmx_mmio_read",
             "vmx_irq_inject", "vmx_irq_window", "vmx_hlt_wake")
ALL_NAMES = VMX_NAMES + hypercall.PV_NAMES
EXITS = re.compile(r"^bench-exits: ([a-z][a-z0-9_]*) operations=(\d+)((?: [a-z_]+=\d+)*)$")
# Exits the host causes (its interrupts), not the measured operation.
HOST_EXITS = ("ext_intr", "nmi", "preempt_timer")
# (row, PV measurement or None, VMX measurement)
ROWS = (
    ("hypercall xen_version", "pv_null_hypercall", "vmx_vmcall"),
    ("cpuid leaf 1 (PV: forced emulation)", "pv_cpuid_forced", "vmx_cpuid"),
    ("in al, unknown port", "pv_io_in", "vmx_io_in"),
    ("mmio register read", None, "vmx_mmio_read"),
    ("interrupt raised, IF=1", None, "vmx_irq_inject"),
    ("interrupt raised, IF=0, sti", None, "vmx_irq_window"),
    ("sti; hlt, woken", None, "vmx_hlt_wake"),
)
COLUMNS = ["pv", "hvm", "hvm exits per op"]


@dataclass(frozen=True)
class Exits:
    """A `bench-exits:` line: the exits the hypervisor counted during a measurement
    (warm-up, batches and twins), by kind, and the interrupts it injected."""
    name: str
    operations: int
    counts: dict

    def per_op(self) -> str:
        """The guest's own exits per operation, e.g. "1 io + 1 intr_window + 1 irq"."""
        parts = []
        for kind, count in self.counts.items():
            if kind in HOST_EXITS or not count:
                continue
            per = count / self.operations
            label = "irq" if kind == "irqs_injected" else kind
            parts.append("%s %s" % ("%g" % round(per, 2), label))
        return " + ".join(parts) or "none"

    def host(self) -> int:
        return sum(self.counts.get(kind, 0) for kind in HOST_EXITS)


def parse_exits(lines) -> dict:
    """NAME -> Exits for every well-formed `bench-exits:` line among LINES."""
    found = {}
    for line in lines:
        m = EXITS.match(line.rstrip())
        if m:
            counts = {}
            for part in m.group(3).split():
                kind, value = part.split("=")
                counts[kind] = int(value)
            found[m.group(1)] = Exits(m.group(1), int(m.group(2)), counts)
    return found


def problems(lines) -> list:
    """What is wrong with a bench boot's LINES: the self-test's verdict (it fails when
    an operation did not make the exits it should), missing or inconsistent `bench:`
    lines, missing `bench-exits:` lines."""
    wrong = []
    if "vmx: selftest passed" not in lines:
        failed = [l for l in lines if l.startswith("vmx: selftest ")]
        wrong.append("the VMX self-test did not pass (%s)" % (failed[-1] if failed else
                                                               "no verdict line"))
    found = hypercall.parse(lines)
    wrong += hypercall.problems(found, ALL_NAMES)
    exits = parse_exits(lines)
    wrong += ["no `bench-exits: %s` line" % name for name in VMX_NAMES if name not in exits]
    return wrong


def calibration_problems(found: dict) -> list:
    """The table's unit is instructions only if the TSC counts one tick per
    instruction: a nop must measure 1 in the VMX guest and a plain CPUID 1 in the PV
    guest. Not a judgement of the hypervisor: of the measuring instrument."""
    wrong = []
    for name in ("vmx_nop", "pv_cpuid_native"):
        m = found.get(name)
        if m is not None and m.cycles != 1:
            wrong.append("one instruction (%s) took %d TSC ticks: the TSC does not count "
                         "instructions (is `clock: sync=none` still in "
                         "tools/bochsrc.template?)" % (name, m.cycles))
    return wrong


def boot(variant: str, timeout: float = TIMEOUT_S) -> runner.RunResult:
    return runner.boot(paths.elf(variant), "bochs", smp=1, mem=MEM_MIB, cmdline=CMDLINE,
                       timeout=timeout, configs=[hypercall.PV_CONFIG])


def checked(variant: str, result: runner.RunResult) -> tuple:
    """(bench measurements, exits) of a boot, or XenoError saying what went wrong."""
    wrong = problems(result.lines)
    wrong = wrong or calibration_problems(hypercall.parse(result.lines))
    if result.verdict != "pass" or wrong:
        raise XenoError("vmx_exits boot (%s): %s; serial log: %s"
                        % (variant, "; ".join(wrong) or result.message, result.serial_log))
    return hypercall.parse(result.lines), parse_exits(result.lines)


_measured = None


def measure() -> dict:
    """variant -> (bench measurements, exits); both Bochs boots run at once."""
    global _measured
    if _measured is None:
        build.scons([str(paths.elf(v).relative_to(paths.ROOT)) for v in VARIANTS]
                    + [str(hypercall.PV_CONFIG.parent.relative_to(paths.ROOT))])
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {v: pool.submit(boot, v) for v in VARIANTS}
            _measured = {v: checked(v, f.result()) for v, f in futures.items()}
    return _measured


@register("vmx_exits", "VT-x exits (VMCALL, CPUID, I/O, MMIO, interrupt window, HLT) "
                       "vs the PV equivalents, emulated instructions (Bochs)")
def vmx_exits() -> Table:
    got = measure()
    table = Table("vmx_exits: emulated instructions per operation under Bochs (TSC = "
                  "instruction count), a VT-x container's exits vs the PV guest kernel's "
                  "equivalents", COLUMNS, ratios=(("hvm", "pv"),))
    host = []
    for variant in VARIANTS:
        found, exits = got[variant]
        for label, pv, vmx in ROWS:
            table.add("%s [%s]" % (label, variant), "instr",
                      [found[pv].cycles if pv else NOT_APPLICABLE, found[vmx].cycles,
                       exits[vmx].per_op()])
        host.append("%s %d" % (variant, sum(e.host() for e in exits.values())))
    vmx, pv = got[VARIANTS[0]][0]["vmx_vmcall"], got[VARIANTS[0]][0]["pv_null_hypercall"]
    note = ("Median of %d batches, each a loop minus its twin without the exiting "
            "instruction (VMX: %d per batch, PV: %d). A VM entry or exit counts as one "
            "instruction at most: software path lengths, not hardware costs. PV: guest "
            "kernel, `syscall` to the hypercall, a #UD or #GP the hypervisor emulates for "
            "CPUID and IN; a plain CPUID in the PV guest is not intercepted (1 instr, as a "
            "nop in the VMX guest: the TSC counts instructions). Host interrupts during "
            "the VMX loops (ext_intr exits): %s."
            % (vmx.batches, vmx.iterations, pv.iterations, ", ".join(host)))
    table.note = "\n  ".join(textwrap.wrap(note, 96))
    return table
