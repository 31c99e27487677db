"""linux_micro and linux_boot: Debian's kernel running user-space microbenchmarks
natively, as a Xeno PV domU, and as a Xen 4.17 PV dom0.

Every side boots the same kernel package and the same initramfs (linux_bench.py:
busybox, guests/linux/bench/lbench.c, guests/linux/bench/init) from a GRUB2 ISO, on
the same QEMU TCG command line: 1 CPU, MACHINE_MIB of RAM, `-cpu max,smap=off,la57=off`
(QEMU 7.2 takes false SMAP faults on a PV kernel's ring-3 iretq, and a PV kernel has
no 5-level paging, so native must not have it either) and `-accel tcg,tb-size=32`
(platforms.md: a GRUB boot otherwise slows later kernel entries by up to 2x, by an
amount that need not be the same on every side). The guest gets GUEST_MIB of RAM on
every side.

- native: GRUB's `linux` (the bzImage) and `initrd`, console=ttyS0.
- xeno: the release hypervisor by runner.boot(), the kernel's ELF (vmlinux) as a PV
  domU of 1 vCPU (linux_bench's lbench.cfg).
- xen: Debian's xen-4.17-amd64.gz by GRUB's `multiboot2`, the bzImage and the initrd
  as `module2`s: dom0, 1 vCPU.

/init prints `lbench-init: up` first (the boot-time mark), then lbench's lines
(`lbench: run=R name=NAME ns_per_op=N iterations=N`), all through /dev/kmsg, and powers
off. lbench runs its set twice; the tables use run 2 (platforms.md: compare the second
run within a boot). A side that fails is shown as failed with its reason; the others
are still reported. No timing is judged anywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import build, image, linux_bench, paths, runner
from ..bench import Table, register
from ..errors import XenoError

SIDES = ("native", "xeno", "xen")
MEASURES = ("getpid", "fork", "pagefault", "pipe", "cpu")
MEASURE_LABEL = {"getpid": "getpid syscall", "fork": "fork+wait",
                 "pagefault": "page fault (anon, 4 KiB)", "pipe": "pipe round trip (1 B)",
                 "cpu": "CPU loop step"}
USED_RUN = 2
MACHINE_MIB = 512
GUEST_MIB = linux_bench.GUEST_MIB
CPU_FLAGS = "smap=off,la57=off"
TB_SIZE = 32
TIMEOUT_S = 400
XENO_VARIANT = "release"
XEN_CMDLINE = ("console=com1 com1=115200,8n1 dom0_mem=%dM,max:%dM dom0_max_vcpus=1"
               % (GUEST_MIB, GUEST_MIB))

# Searched for anywhere in a line: each side puts its own prefix before the kernel log
# (Xeno "(d1) ", the printk time stamp on every side).
RESULT = re.compile(r"lbench: run=(\d+) name=([a-z]+) ns_per_op=([0-9]+(?:\.[0-9]+)?) "
                    r"iterations=(\d+)\s*$")
ERROR = re.compile(r"lbench(?:-init)?: (error .*|lbench failed .*)$")
DONE = re.compile(r"lbench: done\s*$")
INIT_UP = re.compile(r"(?:\[\s*(\d+\.\d+)\] )?lbench-init: up\s*$")
TROUBLE = re.compile(r"(Kernel panic.*|BUG: .*|Oops.*|\(XEN\) .*Panic.*)$")


@dataclass
class Side:
    """One side's boot: its measurements (run -> name -> ns) or why it failed."""
    name: str
    results: dict = field(default_factory=dict)
    done: bool = False
    init_kernel_s: float | None = None      # printk time stamp of `lbench-init: up`
    init_wall_s: float | None = None        # seconds from QEMU's start to that line
    failure: str = ""
    serial_log: str = ""

    def ns(self, measure: str, run: int = USED_RUN):
        return self.results.get(run, {}).get(measure)


def parse(lines, arrived=()) -> Side:
    """Read a side's serial lines (ARRIVED: when each came, from runner.RunResult).
    Sets no failure; checked() judges completeness."""
    side = Side("")
    for i, line in enumerate(lines):
        m = RESULT.search(line)
        if m:
            side.results.setdefault(int(m.group(1)), {})[m.group(2)] = float(m.group(3))
            continue
        if DONE.search(line):
            side.done = True
            continue
        m = INIT_UP.search(line)
        if m and side.init_wall_s is None:
            side.init_kernel_s = float(m.group(1)) if m.group(1) else None
            side.init_wall_s = arrived[i] if i < len(arrived) else None
            continue
        m = ERROR.search(line) or TROUBLE.search(line)
        if m and not side.failure:
            side.failure = m.group(1).strip()
    return side


def checked(name: str, result: runner.RunResult) -> Side:
    """The side NAME's measurements, with failure set when anything is missing."""
    side = parse(result.lines, result.arrived)
    side.name, side.serial_log = name, str(result.serial_log)
    missing = [m for m in MEASURES if side.ns(m) is None]
    if side.failure:
        side.failure = "it printed `%s`" % side.failure
    elif missing or not side.done:
        if side.init_wall_s is None:
            why = "/init never ran"
        else:
            why = "no run %d line for %s" % (USED_RUN, ", ".join(missing) or "`done`")
        how = ("timed out after %d s" % TIMEOUT_S if result.timed_out
               else "QEMU ended with status %s" % result.emulator_status)
        side.failure = "%s (%s)" % (why, how)
    elif name == "xeno" and result.verdict != "pass":
        side.failure = "the hypervisor's verdict: %s" % result.message
    return side


def boot_native(files: linux_bench.Files) -> runner.RunResult:
    entry = [image.grub_command("linux", "/boot/vmlinuz", "%s %s mem=%dM" % (
                 linux_bench.NATIVE_CONSOLE, linux_bench.KERNEL_COMMON, GUEST_MIB)),
             image.grub_command("initrd", "/boot/initrd.gz")]
    return runner.boot_grub([(files.vmlinuz, "vmlinuz"), (files.initrd, "initrd.gz")],
                            entry, "Linux", smp=1, mem=MACHINE_MIB, timeout=TIMEOUT_S,
                            cpu_flags=CPU_FLAGS, tb_size=TB_SIZE)


def boot_xen(files: linux_bench.Files) -> runner.RunResult:
    entry = ["  insmod gzio",
             image.grub_command("multiboot2", "/boot/xen.gz", XEN_CMDLINE),
             image.grub_command("module2", "/boot/vmlinuz", "%s %s" % (
                 linux_bench.PV_CONSOLE, linux_bench.KERNEL_COMMON)),
             image.grub_command("module2", "/boot/initrd.gz")]
    return runner.boot_grub([(files.xen, "xen.gz"), (files.vmlinuz, "vmlinuz"),
                             (files.initrd, "initrd.gz")],
                            entry, "Xen", smp=1, mem=MACHINE_MIB, timeout=TIMEOUT_S,
                            cpu_flags=CPU_FLAGS, tb_size=TB_SIZE)


def boot_xeno(files: linux_bench.Files) -> runner.RunResult:
    return runner.boot(paths.elf(XENO_VARIANT), "qemu", smp=1, mem=MACHINE_MIB,
                       timeout=TIMEOUT_S, configs=[files.xeno_config],
                       cpu_flags=CPU_FLAGS, tb_size=TB_SIZE)


BOOTS = {"native": boot_native, "xeno": boot_xeno, "xen": boot_xen}

_measured = None


def measure() -> dict:
    """side -> Side, booted once per `tools/xeno bench` run (one boot at a time: they
    are wall-clock timings) and shared by both benchmarks."""
    global _measured
    if _measured is None:
        build.scons([str(paths.elf(XENO_VARIANT).relative_to(paths.ROOT))])
        files = linux_bench.prepare()
        _measured = {}
        for name in SIDES:
            if name == "xen" and files.xen is None:
                _measured[name] = Side(name, failure="no Xen image: %s" % files.xen_error)
                continue
            print("bench: linux: booting the %s side" % name, flush=True)
            try:
                _measured[name] = checked(name, BOOTS[name](files))
            except XenoError as e:
                _measured[name] = Side(name, failure="could not boot: %s" % e)
    return _measured


def failures(got: dict) -> str:
    return " ".join("%s FAILED: %s (serial log: %s)." % (s.name, s.failure, s.serial_log
                                                         or "none")
                    for s in got.values() if s.failure)


RATIOS = (("xeno", "native"), ("xen", "native"))


def micro_table(got: dict) -> Table:
    table = Table("linux_micro: ns per operation in Debian's kernel under QEMU TCG, "
                  "run %d of a boot; native vs Xeno PV domU vs Xen 4.17 PV dom0" % USED_RUN,
                  list(SIDES), ratios=RATIOS)
    for m in MEASURES:
        table.add(MEASURE_LABEL[m], "ns",
                  [None if got[s].failure else got[s].ns(m) for s in SIDES])
    table.note = ("Wall-clock time under TCG, which makes every page-table switch a full "
                  "software-TLB flush: not hardware ratios. " + failures(got)).strip()
    return table


def boot_table(got: dict) -> Table:
    table = Table("linux_boot: seconds to the first line of /init, Debian's kernel under "
                  "QEMU TCG; native vs Xeno PV domU vs Xen 4.17 PV dom0",
                  list(SIDES), ratios=RATIOS)
    table.add("QEMU start to /init (wall)", "s", [got[s].init_wall_s for s in SIDES])
    table.add("kernel clock at /init", "s", [got[s].init_kernel_s for s in SIDES])
    table.note = ("wall: from QEMU's start (firmware, GRUB, the hypervisor's own boot and "
                  "the kernel's) to the serial line; kernel clock: the printk time stamp "
                  "of that line (from the kernel's clock start, early in its boot). "
                  + failures(got)).strip()
    return table


@register("linux_micro", "getpid, fork+wait, page fault, pipe round trip and a CPU loop "
                         "in Debian's Linux: native vs Xeno PV vs Xen 4.17 PV dom0 "
                         "(QEMU TCG wall clock)")
def linux_micro() -> Table:
    return micro_table(measure())


@register("linux_boot", "Debian's Linux boot time to /init: native vs Xeno PV vs Xen "
                        "4.17 PV dom0 (QEMU TCG wall clock)")
def linux_boot() -> Table:
    return boot_table(measure())
