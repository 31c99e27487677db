"""`tools/xeno demo`: the newcomer's first command. Build, boot the hypervisor with the
hello PV guest (guests/tests/hello), and show what was found and what the guest said."""
from __future__ import annotations

import sys

import re

from . import build, contract, paths, platforms, runner

DEMO_CPUS = 2
DEMO_MEM = 256
HELLO_CFG = paths.ROOT / "build" / "guests" / "hello" / "hello-pv64.cfg"


def cmd_demo(args) -> int:
    platform = args.platform or platforms.default_platform()
    platforms.check(platform, DEMO_CPUS, DEMO_MEM, False)
    build.build_elves(["debug"])
    build.scons([str(HELLO_CFG)])
    print("demo: booting the debug hypervisor on %s with %d CPUs and %d MiB, with one PV "
          "guest (%s); the serial console follows" % (platform, DEMO_CPUS, DEMO_MEM,
                                                      HELLO_CFG.relative_to(paths.ROOT)),
          flush=True)
    result = runner.boot(paths.elf("debug"), platform, DEMO_CPUS, DEMO_MEM,
                         configs=[HELLO_CFG], echo=runner.print_line)
    print()
    print("What the hypervisor found (%s, %d CPUs and %d MiB given):"
          % (platform, DEMO_CPUS, DEMO_MEM))
    for label, value in contract.summary(result.lines, DEMO_CPUS, DEMO_MEM):
        print("  %-12s %s" % (label, value))
    guest = [m.group(1) for m in (re.match(r"^\(d1\) (.*)", l) for l in result.lines) if m]
    ended = [l for l in result.lines if re.match(r"^domain: d1 .* shut down: ", l)]
    print("  %-12s %s" % ("PV guest", "said %r" % guest[1] if len(guest) > 1 else "no output"))
    print("  %-12s %s" % ("", ended[0].split(": ", 1)[1] if ended else "did not shut down"))
    print("  %-12s %s" % ("verdict", result.verdict or "none"))
    sys.stdout.flush()
    runner.report(result, "demo", sys.stderr)
    return result.exit_code
