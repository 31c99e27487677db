"""The serial lines the hypervisor prints, as docs/boot-contract.md defines them.

Keep these regexes in step with that document: the runner reads the verdict with them,
the demo and bench parse them, and the system tests assert on them.
"""
from __future__ import annotations

import re

BANNER = re.compile(r"^Xeno (\S+) \((debug|release)\) x86-64 hypervisor")
CMDLINE = re.compile(r'^cmdline: "(.*)"')
UNKNOWN_OPTION = re.compile(r"^warning: unknown command-line option '([^']*)'")
MEMORY = re.compile(r"^memory: (\d+) KiB usable RAM in (\d+) regions")
CPU = re.compile(r"^cpu: (\S+) (.*)")
ACPI = re.compile(r"^acpi: (\d+) CPUs in MADT, LAPIC at (0x[0-9a-f]+), (\d+) IOAPICs?")
APIC = re.compile(r"^apic: (xAPIC|x2APIC) mode")
TSC = re.compile(r"^tsc: (\d+) kHz")
SMP = re.compile(r"^smp: (\d+) CPUs online")
TIMER = re.compile(r"^timer: cpu(\d+) (\d+) ticks in (\d+) ms of PIT time at (\d+) Hz "
                   r"\(expected (\d+)\)")
VMX = re.compile(r"^vmx: (not supported|supported, EPT (yes|no), VPID (yes|no), "
                 r"unrestricted guest (yes|no))")
SVM = re.compile(r"^svm: (not supported|supported, NPT (yes|no))")
BOOT_TIME = re.compile(r"^boot: banner after (\d+) TSC cycles from entry, ready after (\d+) cycles")
PANIC = re.compile(r"^PANIC on cpu(\d+): (.*)")
FRAME = re.compile(r"^  \[<([0-9a-f]{16})>\] (\S+)\+0x([0-9a-f]+)/0x([0-9a-f]+)")
STATUS = re.compile(r"^XENO-STATUS: (pass|fail|panic)( .*)?$")

# GRUB (not the hypervisor) printing this means it could not boot the image and now
# waits for a key press that never comes.
GRUB_GAVE_UP = re.compile(r"Failed to boot both default and fallback entries|"
                          r"Press any key to continue")

# What the hypervisor writes to QEMU's isa-debug-exit port for each verdict; QEMU then
# exits with (value << 1) | 1.
QEMU_EXIT_VALUES = {"pass": 0x10, "fail": 0x11, "panic": 0x12}
QEMU_EXIT_STATUS = {(v << 1) | 1: verdict for verdict, v in QEMU_EXIT_VALUES.items()}

# How the verdict maps onto `tools/xeno run`'s exit status.
VERDICT_EXIT = {"pass": 0, "fail": 1, "panic": 2}

_ESCAPES = re.compile(r"\x1b\[[0-9;?=]*[A-Za-z]")


def clean(line: str) -> str:
    """A serial line without carriage returns and terminal escapes (GRUB clears the
    screen and sets colours; that must reach neither the user's terminal nor parsers)."""
    return _ESCAPES.sub("", line).replace("\r", "")


def first(regex: re.Pattern, lines: list[str]):
    """The first match of REGEX among LINES, or None."""
    for line in lines:
        m = regex.match(line)
        if m:
            return m
    return None


def every(regex: re.Pattern, lines: list[str]) -> list:
    return [m for m in (regex.match(line) for line in lines) if m]


def summary(lines: list[str], cpus_given: int, mem_given_mib: int) -> list[tuple[str, str]]:
    """(label, value) pairs describing what the hypervisor reported, for the demo."""
    rows = []
    m = first(BANNER, lines)
    rows.append(("hypervisor", "Xeno %s (%s)" % m.groups() if m else "no banner"))
    m = first(CPU, lines)
    if m:
        rows.append(("boot CPU", "%s %s" % m.groups()))
    m = first(SMP, lines)
    rows.append(("CPUs online", "%s of %d given" % (m.group(1), cpus_given) if m
                 else "not reported"))
    m = first(MEMORY, lines)
    rows.append(("memory", "%d MiB usable in %s regions, of %d MiB given"
                 % (int(m.group(1)) // 1024, m.group(2), mem_given_mib) if m else "not reported"))
    m = first(TSC, lines)
    rows.append(("TSC", "%s kHz" % m.group(1) if m else "not reported"))
    timers = every(TIMER, lines)
    if timers:
        rows.append(("timer", ", ".join("cpu%s %s/%s ticks" % (t.group(1), t.group(2), t.group(5))
                                        for t in timers)))
    else:
        rows.append(("timer", "not reported"))
    m = first(VMX, lines)
    rows.append(("VT-x", m.group(1) if m else "not reported"))
    m = first(SVM, lines)
    rows.append(("AMD-V", m.group(1) if m else "not reported"))
    return rows
