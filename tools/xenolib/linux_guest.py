"""Debian's stock kernel as a Xeno PV guest: fetch, extract, build its initramfs.

`prepare()` leaves under build/linux/:
- the kernel package linux-image-amd64 depends on, fetched with `apt-get download`
  (kept: the next run reuses it while the dependency names the same package),
- vmlinux: the ELF inside its bzImage (the XZ stream after the setup code; Xeno loads
  ELF images, as Xen's PV builder does),
- initrd.gz: a newc cpio of busybox (from busybox-static, fetched the same way), the
  device nodes the kernel wants before /dev is mounted, and guests/linux/init,
- System.map-VERSION: the kernel's symbols, so `tools/xeno` names the guest addresses
  of the hypervisor's crash reports (guest_symbols.py). The package's own is a
  placeholder (the real one is in the -dbg package, some 850 MB), so unless it holds
  symbols it is rebuilt from the kernel's kallsyms tables (kallsyms.py),
- linux-smoke.cfg: a domain config for the two that runs /init's workload by itself
  (no Domain 0 needed: the kernel log goes to the Xen early console; variant_config()
  writes others like it);
- NAME.cfg (`shell_configs()`): configs of domains that run a shell on hvc0, the console
  ring Domain 0 serves (build/dom0/dom0.cfg, which must boot first).
Nothing is installed on the host; only the package lists apt already has are needed.
"""
from __future__ import annotations

import gzip
import lzma
import os
import subprocess
import tarfile
from pathlib import Path

from . import kallsyms, paths
from .errors import XenoError

CACHE = paths.BUILD / "linux"
INIT = paths.ROOT / "guests" / "linux" / "init"
KERNEL_META = "linux-image-amd64"
BUSYBOX = "busybox-static"
XZ_MAGIC = b"\xfd7zXZ\x00"
MEMORY_MIB = 128
# Two vCPUs: the kernel brings its second CPU up with VCPUOP_initialise/up and
# runs its IPIs, per-CPU timers and spinlocks over them.
VCPUS = 2
# Without Domain 0 nobody serves hvc0: the kernel log stays on the early console.
SMOKE_CMDLINE = "console=hvc0 earlyprintk=xen keep_bootcon loglevel=5 xeno.init=smoke"
# With Domain 0 the early console hands over to hvc0 once that is up.
SHELL_CMDLINE = "console=hvc0 earlyprintk=xen loglevel=5"
DOM0_CONFIG = paths.BUILD / "dom0" / "dom0.cfg"


def _run(command, cwd=None) -> str:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise XenoError("`%s` is not available here (Debian's apt tools are needed)"
                        % command[0])
    if done.returncode != 0:
        raise XenoError("`%s` failed: %s" % (" ".join(command),
                                             (done.stderr or done.stdout).strip()[-400:]))
    return done.stdout


def _kernel_dependency() -> str | None:
    try:
        lines = _run(["apt-cache", "depends", KERNEL_META]).splitlines()
    except XenoError:
        return None
    for line in lines:
        name = line.strip().partition("Depends: ")[2].strip()
        if name.startswith("linux-image-") and name.endswith("-amd64"):
            return name
    return None


def kernel_package() -> str:
    """The versioned kernel package linux-image-amd64 depends on (e.g.
    linux-image-6.1.0-56-amd64), from the package lists (refreshed once if they lack it)."""
    name = _kernel_dependency()
    if name is None:
        print("linux: apt knows no %s; running apt-get update" % KERNEL_META, flush=True)
        _run(["apt-get", "update"])
        name = _kernel_dependency()
    if name is None:
        raise XenoError("apt-cache knows no kernel package that %s depends on, even after "
                        "apt-get update" % KERNEL_META)
    return name


def fetch(package: str) -> Path:
    """PACKAGE's .deb in the cache, downloaded when it is not there yet."""
    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted(CACHE.glob(package + "_*.deb"))
    if not found:
        print("linux: downloading %s with apt-get" % package, flush=True)
        _run(["apt-get", "download", package], cwd=CACHE)
        found = sorted(CACHE.glob(package + "_*.deb"))
        if not found:
            raise XenoError("apt-get download %s left no .deb in %s" % (package, CACHE))
    return found[-1]


def member(deb: Path, wanted) -> bytes:
    """The contents of the first file in DEB's data whose path satisfies WANTED."""
    # dpkg-deb complains of a broken pipe when we stop reading at the file we want.
    proc = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for info in tar:
                if info.isfile() and wanted(info.name):
                    return tar.extractfile(info).read()
    finally:
        proc.stdout.close()
        proc.wait()
    raise XenoError("%s holds no file the Linux guest needs" % deb.name)


def vmlinux_from_bzimage(bzimage: bytes) -> bytes:
    """The ELF kernel inside a bzImage whose payload is XZ-compressed (Debian's)."""
    start = bzimage.find(XZ_MAGIC)
    while start >= 0:
        try:
            elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(bzimage[start:])
        except lzma.LZMAError:
            elf = b""
        if elf.startswith(b"\x7fELF"):
            return elf
        start = bzimage.find(XZ_MAGIC, start + 1)
    raise XenoError("the bzImage holds no XZ-compressed ELF kernel")


def cpio_newc(entries) -> bytes:
    """A newc ("070701") cpio archive of (name, mode, data, rdev_major, rdev_minor)."""
    out = bytearray()

    def add(name: str, mode: int, data: bytes, major: int, minor: int, ino: int) -> None:
        encoded = name.encode() + b"\0"
        fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, major, minor, len(encoded), 0)
        out.extend(b"070701" + b"".join(b"%08X" % f for f in fields) + encoded)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    for ino, (name, mode, data, major, minor) in enumerate(entries, start=1):
        add(name, mode, data, major, minor, ino)
    add("TRAILER!!!", 0, b"", 0, 0, 0)
    return bytes(out)


def initramfs(busybox: bytes, init: bytes, programs=()) -> bytes:
    """busybox, INIT as /init, and PROGRAMS ((path, bytes) pairs, made executable)."""
    directory, executable, chardev = 0o040755, 0o100755, 0o020600
    entries = [(d, directory, b"", 0, 0) for d in ("bin", "dev", "proc", "sys")]
    entries += [("dev/console", chardev, b"", 5, 1), ("dev/null", chardev | 0o066, b"", 1, 3),
                ("bin/busybox", executable, busybox, 0, 0), ("init", executable, init, 0, 0)]
    entries += [(path, executable, data, 0, 0) for path, data in programs]
    return gzip.compress(cpio_newc(entries), mtime=0)


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)


def _system_map(kernel_deb: Path, vmlinux: Path) -> None:
    """Write System.map-VERSION (from the package, or the kernel's kallsyms) unless it
    is there already."""
    version = kernel_deb.name.split("_")[0][len("linux-image-"):]
    target = CACHE / ("System.map-" + version)
    if target.is_file():
        return
    print("linux: extracting System.map-%s from %s" % (version, kernel_deb.name), flush=True)
    data = member(kernel_deb, lambda n: n.lstrip("./") == "boot/System.map-" + version)
    if len(data.splitlines()) < 1000:       # Debian's placeholder is one line
        print("linux: its System.map is a placeholder; reading the kernel's kallsyms",
              flush=True)
        data = kallsyms.system_map(vmlinux.read_bytes()).encode()
    # Whole or not at all: another test may be preparing at the same moment.
    partial = target.with_name(target.name + ".%d.part" % os.getpid())
    partial.write_bytes(data)
    os.replace(partial, target)


def _config_text(name: str, vcpus: int, cmdline: str) -> bytes:
    return ('name = "%s"\nmemory = %d\nvcpus = %d\nkernel = "vmlinux"\n'
            'ramdisk = "initrd.gz"\ncmdline = "%s"\n' % (name, MEMORY_MIB, vcpus, cmdline)).encode()


def variant_config(file_name: str, name: str, extra_cmdline: str, vcpus: int = VCPUS) -> Path:
    """Another config for the kernel and initrd prepare() left (call it first): domain
    NAME, the usual command line plus EXTRA_CMDLINE, written to build/linux/FILE_NAME."""
    config = CACHE / file_name
    write_if_changed(config, _config_text(name, vcpus, "%s %s" % (SMOKE_CMDLINE, extra_cmdline)))
    return config


def prepare() -> Path:
    """Fetch and build everything the Linux smoke domain needs; its config's path."""
    kernel_deb = fetch(kernel_package())
    vmlinux = CACHE / "vmlinux"
    stamp = CACHE / "vmlinux.from"
    if not vmlinux.is_file() or not stamp.is_file() or stamp.read_text() != kernel_deb.name:
        print("linux: extracting vmlinux from %s" % kernel_deb.name, flush=True)
        bzimage = member(kernel_deb, lambda n: n.lstrip("./").startswith("boot/vmlinuz-"))
        vmlinux.write_bytes(vmlinux_from_bzimage(bzimage))
        stamp.write_text(kernel_deb.name)
    _system_map(kernel_deb, vmlinux)
    busybox = member(fetch(BUSYBOX), lambda n: n.lstrip(".") == "/bin/busybox")
    write_if_changed(CACHE / "initrd.gz", initramfs(busybox, INIT.read_bytes()))
    return _config("linux-smoke", "linux", SMOKE_CMDLINE)


def _config(stem: str, name: str, cmdline: str) -> Path:
    config = CACHE / (stem + ".cfg")
    write_if_changed(config, _config_text(name, VCPUS, cmdline))
    return config


def shell_configs(*names: str) -> list:
    """Domain 0's config, then one config per NAME (default: "linux") of a Linux domain
    with a shell on hvc0; fetches and builds what they need like prepare()."""
    prepare()
    if not DOM0_CONFIG.is_file():
        raise XenoError("%s is missing: build first (tools/xeno build)" % DOM0_CONFIG)
    return [DOM0_CONFIG] + [_config(name, name, SHELL_CMDLINE) for name in names or ("linux",)]
