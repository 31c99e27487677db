"""`tools/xeno demo`: the newcomer's first command. Build, boot the hypervisor with
Domain 0 and Debian's kernel as a Linux PV guest, type a short session into the guest's
shell on the serial console, and show what was found and what the guest said. Where the
Linux guest cannot be had (no package lists, or Bochs, which cannot be typed on), it
boots the hello PV guest (guests/tests/hello) instead and says why."""
from __future__ import annotations

import re
import sys

from . import build, contract, linux_guest, paths, platforms, runner
from .errors import XenoError

DEMO_CPUS = 2
DEMO_MEM = 512
HELLO_CFG = paths.ROOT / "build" / "guests" / "hello" / "hello-pv64.cfg"
PROMPT = r"^\(d2\) linux:/# $"
# What is typed into the Linux guest's shell, each once the line before has shown.
SESSION = [
    (r"^\(d2\) .*init: shell on hvc0", "\n", 0.3),
    (PROMPT, "uname -a; cat /sys/hypervisor/type; nproc; grep MemTotal /proc/meminfo\n"),
    (PROMPT, "echo my name in xenstore: $(exec 3<>/dev/xen/xenbus; printf '"
             "\\002\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\005\\000\\000\\000"
             "name\\000' >&3; dd bs=4096 count=1 <&3 2>/dev/null | tail -c +17)\n"),
    (PROMPT, "poweroff\n"),
]


def _linux_configs(platform: str):
    """Domain 0's and the Linux guest's configs, or None with the reason."""
    if platform == "bochs":
        return None, "Bochs cannot be typed on"
    try:
        build.scons([str(linux_guest.DOM0_CONFIG.relative_to(paths.ROOT))])
        return linux_guest.shell_configs("linux"), ""
    except XenoError as e:
        return None, str(e)


def _hello(platform: str):
    build.scons([str(HELLO_CFG)])
    print("demo: booting the debug hypervisor on %s with %d CPUs and %d MiB, with one PV "
          "guest (%s); the serial console follows" % (platform, DEMO_CPUS, DEMO_MEM,
                                                      HELLO_CFG.relative_to(paths.ROOT)),
          flush=True)
    result = runner.boot(paths.elf("debug"), platform, DEMO_CPUS, DEMO_MEM,
                         configs=[HELLO_CFG], echo=runner.print_line)
    guest = [m.group(1) for m in (re.match(r"^\(d1\) (.*)", l) for l in result.lines) if m]
    return result, [("PV guest", "said %r" % guest[1] if len(guest) > 1 else "no output")], 1


def _linux(platform: str, configs):
    print("demo: booting the debug hypervisor on %s with %d CPUs and %d MiB, with Domain 0 "
          "and Debian's kernel as a PV guest; a short session is typed into its shell "
          "(Ctrl-A three times switches serial input between the guest and Xeno's keys)"
          % (platform, DEMO_CPUS, DEMO_MEM), flush=True)
    result = runner.boot(paths.elf("debug"), platform, DEMO_CPUS, DEMO_MEM, configs=configs,
                         echo=runner.print_line, keys=SESSION, echoed_keys=True,
                         timeout=300)
    out = [line[5:] for line in result.lines if line.startswith("(d2) ")]
    uname = [line for line in out if line.startswith("Linux ")]
    name = [line for line in out if line.startswith("my name in xenstore: ")]
    served = [m.group(1) for m in (re.match(r"^\(d1\) dom0: d2 .* after (\d+) xenstore", l)
                                   for l in result.lines) if m]
    rows = [("Linux guest", uname[0] if uname else "no uname output"),
            ("", name[0] if name else "did not read its name from xenstore"),
            ("Domain 0", "served %s xenstore requests and the console" % served[0]
             if served else "did not report")]
    return result, rows, 2


def cmd_demo(args) -> int:
    platform = args.platform or platforms.default_platform()
    platforms.check(platform, DEMO_CPUS, DEMO_MEM, False)
    build.build_elves(["debug"])
    configs, why = _linux_configs(platform)
    if configs:
        result, rows, domid = _linux(platform, configs)
    else:
        print("demo: no Linux guest (%s): the hello PV guest instead" % why, flush=True)
        result, rows, domid = _hello(platform)
    print()
    print("What the hypervisor found (%s, %d CPUs and %d MiB given):"
          % (platform, DEMO_CPUS, DEMO_MEM))
    for label, value in contract.summary(result.lines, DEMO_CPUS, DEMO_MEM):
        print("  %-12s %s" % (label, value))
    for label, value in rows:
        print("  %-12s %s" % (label, value))
    ended = [l for l in result.lines if re.match(r"^domain: d%d .* shut down: " % domid, l)]
    print("  %-12s %s" % ("", ended[0].split(": ", 1)[1] if ended else "did not shut down"))
    print("  %-12s %s" % ("verdict", result.verdict or "none"))
    sys.stdout.flush()
    runner.report(result, "demo", sys.stderr)
    return result.exit_code
