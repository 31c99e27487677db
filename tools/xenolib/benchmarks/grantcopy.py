"""grant_copy: a 4 KiB page copied by GNTTABOP_copy against the guest's own copy.

The grant-copy benchmark guest (guests/bench/pvgrant/) copies pages between frames of
its own three ways and prints one `bench:` line for each (the format of
hypercall.LINE, `cycles` being one copy of a page, or one call):

- `pv_memcpy_4k`: `rep movsq` of a page, in the guest;
- `pv_grant_copy_4k`: one GNTTABOP_copy call with one 4096-byte op;
- `pv_grant_copy_4k_x16`: one GNTTABOP_copy call with 16 such ops (cycles per call;
  the table divides by 16).

It is booted under the debug and the release hypervisor, with icount and on the TCG
wall clock, as pvmem is (pvmem.py). The table puts the three side by side, per page,
with the ratio of the batched grant copy to memcpy; no timing is judged.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import guesttests, paths, runner
from ..bench import Table, register
from ..errors import XenoError
from . import guestboots, hypercall
from .hypercall import MODE_LABEL, MODE_UNIT, MODES

PVGRANT_CONFIG = hypercall.BENCH_BUILD / "pvgrant" / "pvgrant-pv64.cfg"
PVGRANT = guesttests.GuestTest(name="pvgrant", environments=("pv64",), memory=8, vcpus=1,
                               cmdline="", expect_shutdown="poweroff", summary="")
BATCH = 16                          # ops (pages) per call of pv_grant_copy_4k_x16
NAMES = ("pv_memcpy_4k", "pv_grant_copy_4k", "pv_grant_copy_4k_x16")
VARIANTS = ("debug", "release")


def boot(variant: str, deterministic: bool,
         timeout: float = hypercall.TIMEOUT_S) -> runner.RunResult:
    return runner.boot(paths.elf(variant), "qemu", smp=1, mem=hypercall.MEM_MIB,
                       timeout=timeout, deterministic=deterministic, configs=[PVGRANT_CONFIG])


@dataclass(frozen=True)
class Run:
    found: dict                     # name -> hypercall.Measurement

    def per_page(self, name: str) -> float:
        cycles = self.found[name].cycles
        return cycles / BATCH if name == "pv_grant_copy_4k_x16" else float(cycles)


def checked(variant: str, mode: str, result: runner.RunResult) -> Run:
    """The measurements of one boot; raises unless the guest passed and printed every
    line well-formed."""
    verdict = guesttests.judge(result.lines, PVGRANT, "pv64", result.verdict,
                               result.timed_out)
    found = hypercall.parse(result.lines)
    wrong = ([] if verdict.outcome == "pass" else [verdict.message])
    wrong += hypercall.problems(found, NAMES)
    if wrong:
        raise XenoError("pvgrant benchmark boot (%s hypervisor, %s): %s; serial log: %s"
                        % (variant, MODE_LABEL[mode], "; ".join(wrong), result.serial_log))
    return Run(found)


_measured = None


def measure() -> dict:
    """(variant, mode) -> Run, booted once per `tools/xeno bench` run."""
    global _measured
    if _measured is None:
        _measured = guestboots.measure(VARIANTS, [(v,) for v in VARIANTS], boot, checked)
    return _measured


@register("grant_copy", "a 4 KiB page copied by GNTTABOP_copy (1 and 16 ops per call) vs "
                        "the guest's own rep movsq (PV guest, QEMU TCG, icount and wall clock)")
def grant_copy() -> Table:
    got = measure()
    table = Table("grant_copy: cycles per 4 KiB page copied between two frames of the guest: "
                  "its own `rep movsq`, GNTTABOP_copy with one op per call, and with %d ops "
                  "per call" % BATCH,
                  ["memcpy", "grant copy x1", "grant copy x%d" % BATCH])
    for mode in MODES:
        for v in VARIANTS:
            run = got[(v, mode)]
            table.add("%s [%s]" % (v, MODE_LABEL[mode]), MODE_UNIT[mode],
                      [run.per_page(name) for name in NAMES])
    single = ", ".join("%s %.3f" % (v, got[(v, "icount")].per_page("pv_grant_copy_4k")
                                    / got[(v, "icount")].per_page("pv_memcpy_4k"))
                       for v in VARIANTS)
    table.note = ("grant copy x1/memcpy (icount): %s. Frames by number, DOMID_SELF on both "
                  "sides: the copy path without a grant lookup." % single)
    return table
