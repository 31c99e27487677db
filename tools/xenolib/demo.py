"""`tools/xeno demo`: the newcomer's first command. Build, boot, show what was found."""
from __future__ import annotations

import sys

from . import build, contract, paths, platforms, runner

DEMO_CPUS = 2
DEMO_MEM = 256


def cmd_demo(args) -> int:
    platform = args.platform or platforms.default_platform()
    platforms.check(platform, DEMO_CPUS, DEMO_MEM, False)
    build.build_elves(["debug"])
    print("demo: booting the debug hypervisor on %s with %d CPUs and %d MiB; its serial "
          "console follows" % (platform, DEMO_CPUS, DEMO_MEM), flush=True)
    result = runner.boot(paths.elf("debug"), platform, DEMO_CPUS, DEMO_MEM,
                         echo=runner.print_line)
    print()
    print("What the hypervisor found (%s, %d CPUs and %d MiB given):"
          % (platform, DEMO_CPUS, DEMO_MEM))
    for label, value in contract.summary(result.lines, DEMO_CPUS, DEMO_MEM):
        print("  %-12s %s" % (label, value))
    print("  %-12s %s" % ("verdict", result.verdict or "none"))
    sys.stdout.flush()
    runner.report(result, "demo", sys.stderr)
    return result.exit_code
