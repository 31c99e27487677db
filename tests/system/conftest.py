"""Fixtures for the system tests: boot the built hypervisor through tools/xenolib."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from xenolib import paths, runner  # noqa: E402


@pytest.fixture(scope="session")
def debug_elf() -> Path:
    elf = paths.elf("debug")
    if not elf.is_file():
        pytest.fail("%s is missing: run `tools/xeno build` first (`tools/xeno test` builds "
                    "before testing)" % elf, pytrace=False)
    return elf


@pytest.fixture
def boot(debug_elf):
    """boot(platform=, smp=, mem=, cmdline=, efi=, configs=, modules=, keys=,
    deterministic=) -> RunResult (deterministic: QEMU's icount clock, see runner.boot).

    The serial console is printed, so a failing test shows it under 'Captured stdout'.
    """
    def _boot(platform="qemu", smp=1, mem=None, cmdline="", efi=False, timeout=None,
              configs=(), modules=(), keys=(), deterministic=False):
        if mem is None and not configs:
            mem = 256
        result = runner.boot(debug_elf, platform=platform, smp=smp, mem=mem,
                             cmdline=cmdline, timeout=timeout, efi=efi,
                             configs=configs, modules=modules, keys=keys,
                             deterministic=deterministic)
        print("%s, %d CPUs, %s MiB, cmdline %r%s: %s"
              % (platform, smp, mem or "default", cmdline, " (UEFI)" if efi else "",
                 result.message))
        for note in result.notes:
            print("note:", note)
        print("run directory:", result.run_dir)
        print("---- serial console ----")
        print(result.text)
        return result
    return _boot
