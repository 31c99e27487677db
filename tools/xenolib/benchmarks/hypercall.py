"""hypercall and syscall_bounce: the PV guest's system-call paths against native ones.

Two programs of guests/bench/ run the same measuring loops (guests/bench/common/loops.S):
the PV benchmark guest (pvbench) under the debug and the release hypervisor, and a
bare-metal multiboot2 kernel (bench-native). Every side is booted the same way: by
runner.boot(), through a GRUB ISO from image.py, with the same QEMU command line, 1 CPU
and 256 MiB. Each side is measured twice:

- icount: QEMU `-icount shift=0,sleep=off`, where the TSC counts instructions. The
  numbers repeat exactly from run to run, but every instruction costs one cycle, a
  CR3 write or a TLB refill included.
- TCG wall clock: no icount, the TSC runs with the host's. Noisy (5-10%, and
  more while other emulators run), but it includes what TCG makes expensive, such as
  the whole software TLB a CR3 write flushes. These boots run one at a time.

Each program prints `bench: NAME cycles=N min=N max=N iterations=N batches=N` lines
(docs/benchmarks.md); `cycles` is the median batch's cost of one round trip. Tests never
judge these numbers; the table reports the ratio to native for the issue's goal (a null
hypercall within 1.5x of a native system call).
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .. import build, guesttests, paths, runner
from ..bench import Table, register
from ..errors import XenoError

BENCH_BUILD = paths.BUILD / "guests" / "bench"
NATIVE_ELF = BENCH_BUILD / "native" / "bench-native.elf"
PV_CONFIG = BENCH_BUILD / "pv" / "pvbench-pv64.cfg"
# pvbench as the guest tests' judge sees it (guests/bench/pv/manifest.c).
PVBENCH = guesttests.GuestTest(name="pvbench", environments=("pv64",), memory=8, vcpus=1,
                               cmdline="", expect_shutdown="poweroff", summary="")
MEM_MIB = 256
TIMEOUT_S = 120

# A measurement line; the hypervisor prefixes a domain's console lines with "(dN) ".
LINE = re.compile(r"^(?:\(d(\d+)\) )?bench: ([a-z][a-z0-9_]*) cycles=(\d+) min=(\d+) "
                  r"max=(\d+) iterations=(\d+) batches=(\d+)$")
# What each program prints, in this order.
NATIVE_NAMES = ("native_syscall_bare", "native_syscall", "native_syscall_stub")
PV_NAMES = ("pv_null_hypercall", "pv_null_hypercall_page", "pv_evtchn_send_self",
            "pv_set_timer_op", "pv_xeno_test_buffer", "pv_syscall_bounce",
            "pv_cpuid_forced", "pv_cpuid_native", "pv_cpuid_xen_leaf", "pv_io_in")
MODES = ("icount", "wall")
MODE_LABEL = {"icount": "icount", "wall": "TCG wall clock"}
MODE_UNIT = {"icount": "instr", "wall": "host TSC"}
SIDES = ("native", "pv-debug", "pv-release")


@dataclass(frozen=True)
class Measurement:
    name: str
    cycles: int
    min: int
    max: int
    iterations: int
    batches: int
    domain: int | None = None


def parse_named(pattern: re.Pattern, make, lines) -> dict:
    """NAME -> MAKE(NAME, *numbers, domain=N) for every line among LINES that PATTERN
    matches, its groups being the `(dN) ` prefix's N (None without one), the name and
    then numbers."""
    found = {}
    for line in lines:
        m = pattern.match(line.rstrip())
        if m:
            dom, name, *numbers = m.groups()
            found[name] = make(name, *map(int, numbers), domain=int(dom) if dom else None)
    return found


def parse(lines) -> dict:
    """NAME -> Measurement for every well-formed `bench:` line among LINES."""
    return parse_named(LINE, Measurement, lines)


def problems(found: dict, names) -> list:
    """What is wrong with the measurements FOUND that should name NAMES: missing ones
    and numbers that do not hang together (min <= cycles <= max, counts positive)."""
    wrong = []
    for name in names:
        m = found.get(name)
        if m is None:
            wrong.append("no `bench: %s` line" % name)
        elif not (m.min <= m.cycles <= m.max) or m.iterations < 1 or m.batches < 1:
            wrong.append("`bench: %s` does not hang together: %s" % (name, m))
    return wrong


def boot_native(deterministic: bool, timeout: float = TIMEOUT_S) -> runner.RunResult:
    return runner.boot(NATIVE_ELF, "qemu", smp=1, mem=MEM_MIB, timeout=timeout,
                       deterministic=deterministic)


def boot_pv(variant: str, deterministic: bool, timeout: float = TIMEOUT_S) -> runner.RunResult:
    return runner.boot(paths.elf(variant), "qemu", smp=1, mem=MEM_MIB, timeout=timeout,
                       deterministic=deterministic, configs=[PV_CONFIG])


def _checked(side: str, mode: str, result: runner.RunResult) -> dict:
    names = NATIVE_NAMES if side == "native" else PV_NAMES
    found = parse(result.lines)
    wrong = problems(found, names)
    if result.verdict != "pass" or wrong:
        raise XenoError("%s benchmark boot (%s): %s; serial log: %s"
                        % (side, MODE_LABEL[mode],
                           "; ".join(wrong) or result.message, result.serial_log))
    return found


_measured = None


def measure() -> dict:
    """(side, mode) -> {name: Measurement}; booted once per `tools/xeno bench` run and
    shared by both benchmarks."""
    global _measured
    if _measured is None:
        build.scons([str(paths.elf(v).relative_to(paths.ROOT)) for v in paths.VARIANTS]
                    + [str(BENCH_BUILD.relative_to(paths.ROOT))])

        def boot(side: str, mode: str) -> runner.RunResult:
            deterministic = mode == "icount"
            if side == "native":
                return boot_native(deterministic)
            return boot_pv(side.split("-", 1)[1], deterministic)

        results = {}
        # icount runs do not disturb one another: two at a time. The wall-clock ones
        # run alone, one after another.
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {(side, "icount"): pool.submit(boot, side, "icount") for side in SIDES}
            for key, future in futures.items():
                results[key] = future.result()
        for side in SIDES:
            results[(side, "wall")] = boot(side, "wall")
        _measured = {key: _checked(key[0], key[1], result) for key, result in results.items()}
    return _measured


def _row(table: Table, what: str, mode: str, native: str, pv: str, got: dict) -> None:
    table.add("%s [%s]" % (what, MODE_LABEL[mode]), MODE_UNIT[mode],
              [got[("native", mode)][native].cycles,
               got[("pv-debug", mode)][pv].cycles,
               got[("pv-release", mode)][pv].cycles])


def _floor(got: dict) -> str:
    return ", ".join("%d %s" % (got[("native", mode)]["native_syscall_bare"].cycles,
                                MODE_UNIT[mode]) for mode in MODES)


@register("hypercall", "PV null hypercall round trip vs a native syscall round trip "
                       "(QEMU TCG, icount and wall clock)")
def hypercall() -> Table:
    got = measure()
    table = Table("hypercall: xen_version(XENVER_version) from the PV guest kernel vs a "
                  "native ring-3 null syscall, cycles per round trip (goal: PV within 1.5x)",
                  list(SIDES))
    for mode in MODES:
        _row(table, "syscall", mode, "native_syscall", "pv_null_hypercall", got)
        _row(table, "call: stub / hypercall page", mode, "native_syscall_stub",
             "pv_null_hypercall_page", got)
    table.note = ("native: a kernel entry that saves every register, dispatches through a "
                  "table and returns with sysretq; the bare syscall+sysretq floor is %s. "
                  "icount: instructions, exact; TCG wall clock: host TSC, 5-10%% noise."
                  % _floor(got))
    return table


@register("syscall_bounce", "PV guest user->kernel->user system call vs native "
                            "(QEMU TCG, icount and wall clock)")
def syscall_bounce() -> Table:
    got = measure()
    table = Table("syscall_bounce: a null system call from user mode and back (PV: "
                  "hypervisor bounce to the guest kernel's syscall callback, "
                  "HYPERVISOR_iret back), cycles per round trip", list(SIDES))
    for mode in MODES:
        _row(table, "user->kernel->user", mode, "native_syscall", "pv_syscall_bounce", got)
    table.note = ("native: the same kernel entry as in `hypercall`; the bare floor is %s. "
                  "PV: two hypervisor entries and two page-table switches per round trip."
                  % _floor(got))
    return table
