"""The Debian packages Xeno needs, checked with dpkg-query, and `tools/xeno setup`."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from .errors import XenoError

# The one list of every Debian package the project uses, with the reason for each.
PACKAGES = {
    "qemu-system-x86": "QEMU: the TCG and KVM platforms",
    "bochs": "Bochs: the VT-x/EPT platform",
    "bochs-term": "Bochs's headless terminal display",
    "bochsbios": "Bochs's BIOS images",
    "vgabios": "the VGA BIOS Bochs loads",
    "grub-pc-bin": "GRUB2 for BIOS ISOs",
    "grub-common": "grub-mkrescue and grub-file",
    "grub-efi-amd64-bin": "GRUB2 for UEFI ISOs",
    "ovmf": "UEFI firmware for QEMU",
    "xorriso": "ISO writer behind grub-mkrescue",
    "mtools": "FAT image for the UEFI ISO",
    "scons": "the build",
    "gcc": "the compiler",
    "libc6-dev": "glibc's static libc, for the Linux benchmark program (guests/linux/bench)",
    "binutils": "assembler and linker",
    "python3-pytest": "the test runner",
    "python3-pytest-xdist": "two emulators at a time in tests",
    "busybox-static": "initramfs for Linux guests",
    "xz-utils": "unpacking Debian kernels and initramfs",
    "cpio": "building initramfs images",
    "clang-14": "libFuzzer targets (tests/fuzz)",
    "libclang-rt-14-dev": "clang-14's libFuzzer and sanitizer runtimes",
}


def missing() -> list[str]:
    """Packages from PACKAGES that dpkg does not report as installed."""
    if shutil.which("dpkg-query") is None:
        raise XenoError("dpkg-query not found: Xeno's tools expect Debian 12")
    # Unknown packages make dpkg-query complain on stderr; only stdout matters here.
    proc = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\n", *PACKAGES],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False)
    installed = set()
    for line in proc.stdout.splitlines():
        name, _, status = line.partition(" ")
        if status.startswith("ii"):
            installed.add(name.split(":")[0])
    return [p for p in PACKAGES if p not in installed]


def install_command(names: list[str]) -> str:
    return "apt-get update && apt-get install -y " + " ".join(names)


def require() -> None:
    """Stop with one clear line when a package is missing (used before builds and boots)."""
    absent = missing()
    if absent:
        raise XenoError("missing Debian packages: %s; run `tools/xeno setup` (as root) "
                        "to install them" % " ".join(absent))


def cmd_setup(args) -> int:
    absent = missing()
    if not absent:
        print("setup: all %d packages are installed" % len(PACKAGES))
        return 0
    print("setup: missing: %s" % " ".join(absent))
    if os.geteuid() != 0:
        raise XenoError("not root; install them with: sudo sh -c '%s'"
                        % install_command(absent))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", *absent]):
        print("setup: running %s" % " ".join(command), flush=True)
        rc = subprocess.run(command, env=env, stdin=subprocess.DEVNULL,
                            check=False).returncode
        if rc != 0:
            raise XenoError("`%s` failed with status %d" % (" ".join(command), rc))
    still = missing()
    if still:
        raise XenoError("still missing after apt-get install: %s" % " ".join(still))
    print("setup: installed %s" % " ".join(absent))
    sys.stdout.flush()
    return 0
