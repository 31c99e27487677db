"""domain_memory: the hypervisor's memory per domain, beyond the guest's own frames.

The hypervisor prints, for every domain, what it holds for it from its own accounting
(xen/domain.c domain_xen_memory: struct domain and vCPUs as allocated, event-channel
ports, grant state and grant-table frames, GDT shadows, and the bitmap of populated guest pfns, which grows with the guest):

    domain: dN hypervisor memory X KiB at creation, pfn map Y KiB of it
    domain: dN hypervisor memory X KiB at its end, pfn map Y KiB of it

(docs/boot-contract.md). This benchmark boots the release hypervisor with 1 and with 8
`hello` test domains (8 MiB, 1 vCPU, no grants) and with one `grant_table` test domain
(which sets up a grant table and maps grants), and reports KiB per domain at creation
and at the end, with and without the pfn map. No number is judged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import build, paths, runner
from ..bench import Table, register
from ..errors import XenoError

LINE = re.compile(r"^domain: d(\d+) hypervisor memory (\d+) KiB (at creation|at its end), "
                  r"pfn map (\d+) KiB of it$")
HELLO = paths.BUILD / "guests" / "hello" / "hello-pv64.cfg"
GRANTS = paths.BUILD / "guests" / "grant_table" / "grant_table-pv64.cfg"
VARIANT = "release"
CASES = (("hello x1", HELLO, 1), ("hello x8", HELLO, 8), ("grant_table x1", GRANTS, 1))


@dataclass(frozen=True)
class Usage:
    domain: int
    kib: int
    when: str                       # "at creation" or "at its end"
    pfn_map_kib: int


def parse(lines) -> list:
    """Every well-formed `hypervisor memory` line, in order."""
    found = []
    for line in lines:
        m = LINE.match(line.rstrip())
        if m:
            found.append(Usage(int(m.group(1)), int(m.group(2)), m.group(3), int(m.group(4))))
    return found


def problems(usages, domains: int) -> list:
    """What is missing: one line at creation and one at the end for each of DOMAINS
    domains."""
    wrong = []
    for when in ("at creation", "at its end"):
        got = sorted(u.domain for u in usages if u.when == when)
        if len(got) != domains or len(set(got)) != domains:
            wrong.append("%d `hypervisor memory ... %s` lines for %d domains (domains %s)"
                         % (len(got), when, domains, got))
    wrong += ["pfn map larger than the whole for d%d" % u.domain
              for u in usages if u.pfn_map_kib > u.kib]
    return wrong


COPIES = paths.BUILD / "bench-domain-memory"


def copies(config, count: int) -> list:
    """COUNT configs of CONFIG's guest, named NAME-1 .. NAME-COUNT (names must differ),
    the kernel named by its absolute path."""
    if count == 1:
        return [config]
    COPIES.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(1, count + 1):
        text = []
        for line in config.read_text().splitlines():
            key = line.split("=", 1)[0].strip()
            if key in ("name", "kernel"):
                value = line.split("=", 1)[1].strip().strip('"')
                value = ("%s-%d" % (value, i) if key == "name"
                         else str(config.parent / value))
                line = '%s = "%s"' % (key, value)
            text.append(line)
        path = COPIES / ("%s-%d.cfg" % (config.stem, i))
        path.write_text("\n".join(text) + "\n")
        out.append(path)
    return out


def boot(config, count: int, timeout: float = 120) -> runner.RunResult:
    return runner.boot(paths.elf(VARIANT), "qemu", smp=1, timeout=timeout,
                       deterministic=True, configs=copies(config, count))


def average(usages, when: str, pfn_map: bool) -> float:
    picked = [u for u in usages if u.when == when]
    return sum(u.kib - (0 if pfn_map else u.pfn_map_kib) for u in picked) / len(picked)


@register("domain_memory", "KiB the hypervisor holds per domain beyond the guest's frames "
                           "(1 and 8 hello domains, 1 grant_table domain; release)")
def domain_memory() -> Table:
    build.scons([str(paths.elf(VARIANT).relative_to(paths.ROOT)),
                 str(HELLO.relative_to(paths.ROOT)), str(GRANTS.relative_to(paths.ROOT))])
    table = Table("domain_memory: KiB the hypervisor holds per domain beyond the guest's own "
                  "frames (its own accounting, xen/domain.c domain_xen_memory), average over "
                  "the domains of a boot",
                  ["at creation", "at creation without pfn map", "at its end",
                   "at its end without pfn map"])
    for label, config, count in CASES:
        result = boot(config, count)
        usages = parse(result.lines)
        wrong = problems(usages, count)
        if result.verdict != "pass":
            wrong.append("the run ended %s: %s" % (result.verdict, result.message))
        if wrong:
            raise XenoError("domain_memory boot (%s): %s; serial log: %s"
                            % (label, "; ".join(wrong), result.serial_log))
        table.add(label, "KiB", [average(usages, "at creation", True),
                                 average(usages, "at creation", False),
                                 average(usages, "at its end", True),
                                 average(usages, "at its end", False)])
    table.note = ("8 MiB guests, 1 vCPU; the pfn map is 1 bit a guest page (the guest keeps "
                  "its own p2m, as with Xen). The goal of issue 5 is under 64 KiB.")
    return table
