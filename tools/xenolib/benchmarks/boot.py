"""boot: time from the hypervisor's entry to its banner and to ready, debug vs release.

Measured on QEMU TCG in deterministic mode, where the TSC counts guest instructions, so
the numbers are emulated-clock cycles and repeat exactly from run to run.
"""
from .. import contract, paths, runner
from ..bench import Table, register
from ..errors import XenoError


@register("boot", "cycles from entry to banner and to ready (QEMU TCG, -icount)")
def boot_time() -> Table:
    banner, ready = [], []
    for variant in paths.VARIANTS:
        result = runner.boot(paths.elf(variant), "qemu", smp=1, mem=256, timeout=120,
                             deterministic=True)
        m = contract.first(contract.BOOT_TIME, result.lines)
        if not m:
            raise XenoError("boot benchmark: the %s run printed no `boot:` line (%s); "
                            "serial log: %s" % (variant, result.message, result.serial_log))
        banner.append(int(m.group(1)))
        ready.append(int(m.group(2)))
    table = Table("boot: emulated TSC cycles from entry (QEMU TCG, icount shift=0, 1 CPU)",
                  list(paths.VARIANTS))
    table.add("entry to banner", "cycles", banner)
    table.add("entry to ready", "cycles", ready)
    return table
