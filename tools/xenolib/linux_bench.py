"""The files the Linux benchmarks (benchmarks/linux.py) boot, under build/linux/.

`prepare()` leaves, next to linux_guest.py's cache:
- bench/lbench: guests/linux/bench/lbench.c, compiled by the host's gcc, static,
- bench/initrd.gz: busybox, lbench and guests/linux/bench/init as /init,
- vmlinuz: the bzImage of the same kernel package as linux_guest's vmlinux (the native
  side and Xen's dom0 boot it; Xeno loads the ELF inside it),
- xen-4.17-amd64.gz: Debian's Xen hypervisor, from xen-hypervisor-4.17-amd64,
- bench/lbench.cfg: a Xeno domain config for the Xeno side (1 vCPU).
Packages are only fetched (`apt-get download`) and read; nothing is installed.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import linux_guest, paths
from .errors import XenoError

SOURCE = paths.ROOT / "guests" / "linux" / "bench"
OUT = linux_guest.CACHE / "bench"
XEN_PACKAGE = "xen-hypervisor-4.17-amd64"
# Guest RAM on every side (native: mem=, Xen: dom0_mem=, Xeno: the domain's memory).
GUEST_MIB = 256
# The same kernel command line for the kernel on every side but its console: the PV
# sides print through the hypervisor's console (hvc0, and earlyprintk=xen for what
# comes before it), native through the serial port.
# printk.devkmsg=on: /dev/kmsg would otherwise drop lines written faster than ten in
# five seconds, and every result goes through it.
KERNEL_COMMON = "loglevel=5 printk.devkmsg=on"
PV_CONSOLE = "console=hvc0 earlyprintk=xen keep_bootcon"
NATIVE_CONSOLE = "console=ttyS0,115200"


@dataclass(frozen=True)
class Files:
    vmlinuz: Path       # bzImage: native and Xen dom0
    initrd: Path
    xen: Path | None    # None when Xen could not be fetched (the reason is in xen_error)
    xen_error: str
    xeno_config: Path   # vmlinux + initrd for Xeno


def _stale(target: Path, *sources: Path) -> bool:
    return not target.is_file() or any(s.stat().st_mtime > target.stat().st_mtime
                                       for s in sources)


def build_lbench() -> Path:
    """Compile lbench.c when it changed; static so it needs nothing in the initramfs."""
    source, binary = SOURCE / "lbench.c", OUT / "lbench"
    if _stale(binary, source):
        if shutil.which("gcc") is None:
            raise XenoError("gcc not found: install gcc (`tools/xeno setup`)")
        OUT.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                               "-o", str(binary), str(source)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise XenoError("compiling %s failed: %s"
                            % (source, (done.stderr or done.stdout).strip()[-600:]))
    return binary


def _extracted(deb: Path, wanted, target: Path) -> Path:
    """TARGET holds the file of DEB that WANTED picks, extracted once per package."""
    stamp = target.with_name(target.name + ".from")
    if not target.is_file() or not stamp.is_file() or stamp.read_text() != deb.name:
        print("linux: extracting %s from %s" % (target.name, deb.name), flush=True)
        target.write_bytes(linux_guest.member(deb, wanted))
        stamp.write_text(deb.name)
    return target


def vmlinuz() -> Path:
    deb = linux_guest.fetch(linux_guest.kernel_package())
    return _extracted(deb, lambda n: n.lstrip("./").startswith("boot/vmlinuz-"),
                      linux_guest.CACHE / "vmlinuz")


def xen() -> Path:
    """Debian's Xen 4.17 (gzip-compressed ELF; GRUB's multiboot2 unpacks it)."""
    deb = linux_guest.fetch(XEN_PACKAGE)
    return _extracted(deb, lambda n: n.lstrip("./").startswith("boot/xen-")
                      and n.endswith(".gz"), linux_guest.CACHE / "xen-4.17-amd64.gz")


def prepare() -> Files:
    """Everything the three sides boot. Xen's absence is not fatal: the benchmark then
    reports that side as failed, with this reason."""
    linux_guest.prepare()                   # build/linux/vmlinux, which lbench.cfg names
    binary = build_lbench()
    busybox = linux_guest.member(linux_guest.fetch(linux_guest.BUSYBOX),
                                 lambda n: n.lstrip(".") == "/bin/busybox")
    initrd = OUT / "initrd.gz"
    linux_guest.write_if_changed(initrd, linux_guest.initramfs(
        busybox, (SOURCE / "init").read_bytes(), [("bin/lbench", binary.read_bytes())]))
    cfg = OUT / "lbench.cfg"
    linux_guest.write_if_changed(cfg, (
        'name = "lbench"\nmemory = %d\nvcpus = 1\nkernel = "../vmlinux"\n'
        'ramdisk = "initrd.gz"\ncmdline = "%s %s"\n'
        % (GUEST_MIB, PV_CONSOLE, KERNEL_COMMON)).encode())
    try:
        xen_gz, xen_error = xen(), ""
    except XenoError as e:
        xen_gz, xen_error = None, str(e)
    return Files(vmlinuz(), initrd, xen_gz, xen_error, cfg)
