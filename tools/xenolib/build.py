"""Running SCons (the SConstruct at the repository root describes the whole build)."""
from __future__ import annotations

import shutil
import subprocess

from . import packages, paths
from .errors import XenoError

# What `tools/xeno build --variant V` asks SCons for. A directory target makes SCons
# build every target below it; no target at all means SConstruct's default targets.
VARIANT_TARGETS = {
    "debug": ["build/debug"],
    "release": ["build/release"],
    "all": [],
}


def scons(targets: list[str]) -> None:
    """Run `scons -j2 TARGETS` in the repository root; raise on failure."""
    packages.require()
    if not (paths.ROOT / "SConstruct").exists():
        raise XenoError("no SConstruct in %s: nothing to build" % paths.ROOT)
    if shutil.which("scons") is None:
        raise XenoError("scons not found; run `tools/xeno setup`")
    command = ["scons", "-j2", *targets]
    rc = subprocess.run(command, cwd=paths.ROOT, stdin=subprocess.DEVNULL,
                        check=False).returncode
    if rc != 0:
        raise XenoError("build failed: `%s` exited with status %d (its output is above)"
                        % (" ".join(command), rc))


def build_elves(variants) -> None:
    """Build only the hypervisor ELF of each variant (what run, demo and bench boot)."""
    scons([str(paths.elf(v).relative_to(paths.ROOT)) for v in variants])


def cmd_build(args) -> int:
    scons(VARIANT_TARGETS[args.variant])
    return 0
