"""The emulators Xeno boots on and their command lines.

qemu: QEMU with TCG (no VT-x; SVM with NPT under -cpu max).
kvm:  QEMU with KVM and nested VT-x, where the host really provides it.
bochs: Bochs 2.7 with a VT-x/EPT CPU model; slow but exact, and its log names failed
       VM-entry checks.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

from . import paths
from .errors import UsageError, XenoError

PLATFORMS = ("qemu", "bochs", "kvm")
QEMU = "qemu-system-x86_64"
BOCHS = "bochs"
OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")

# Seconds to wait for a verdict when the caller names none (Bochs is ~18x slower).
DEFAULT_TIMEOUT = {"qemu": 60, "kvm": 60, "bochs": 300}
# The `exit=` hypervisor option that makes each platform end when the run is over.
EXIT_OPTION = {"qemu": "exit=qemu", "kvm": "exit=qemu", "bochs": "exit=bochs"}
# CPUs a run may ask for. Debian's Bochs is built with SMP ("SMP support: yes" in its
# log; `cpu: count=N` starts N-1 application processors), tried up to 8 here; 64 on QEMU
# is far beyond what a 2-core machine emulates usefully, and below QEMU's own limit.
MAX_CPUS = {"qemu": 64, "kvm": 64, "bochs": 8}
# Guest memory sizes the platforms accept, in MiB.
MIN_MEM, MAX_MEM = 32, 65536


def check(platform: str, smp: int, mem: int, efi: bool) -> None:
    """Refuse combinations a platform cannot boot, before any work is done."""
    if platform not in PLATFORMS:
        raise UsageError("unknown platform %r (known: %s)" % (platform, ", ".join(PLATFORMS)))
    if not 1 <= smp <= MAX_CPUS[platform]:
        raise UsageError("--smp %d: %s boots 1 to %d CPUs" % (smp, platform, MAX_CPUS[platform]))
    if not MIN_MEM <= mem <= MAX_MEM:
        raise UsageError("--mem %d: give %d to %d MiB" % (mem, MIN_MEM, MAX_MEM))
    if efi and platform == "bochs":
        raise UsageError("--efi needs QEMU (Bochs has no UEFI firmware here)")
    emulator = BOCHS if platform == "bochs" else QEMU
    if shutil.which(emulator) is None:
        raise XenoError("%s not found; run `tools/xeno setup`" % emulator)
    if efi and not (OVMF_CODE.is_file() and OVMF_VARS.is_file()):
        raise XenoError("OVMF firmware (%s) not found: install ovmf" % OVMF_CODE)
    if platform == "kvm":
        usable, why = kvm_status()
        if not usable:
            raise XenoError("KVM is not usable here: %s; use --platform qemu" % why)


@functools.lru_cache(maxsize=None)
def kvm_status() -> tuple[bool, str]:
    """Whether QEMU/KVM can run a guest with VT-x here, and if not, why not.

    /dev/kvm can exist and even open while the host cannot run a vCPU (true on the
    project's build machines), so the last check starts a real vCPU with VT-x exposed
    (`-cpu host,vmx=on,enforce`, stopped with -S) and asks QEMU to quit.
    """
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
    except OSError as e:
        return False, "/dev/kvm cannot be opened read-write (%s)" % (e.strerror or e)
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        cpuinfo = ""
    if not any(line.startswith("flags") and " vmx" in line for line in cpuinfo.splitlines()):
        return False, "the CPU reports no vmx flag in /proc/cpuinfo"
    nested = Path("/sys/module/kvm_intel/parameters/nested")
    if nested.exists() and nested.read_text().strip() in ("N", "0"):
        return False, "kvm_intel is loaded with nested=0 (no VT-x for guests)"
    if shutil.which(QEMU) is None:
        return False, "%s not found" % QEMU
    probe = [QEMU, "-accel", "kvm", "-cpu", "host,vmx=on,enforce", "-machine", "pc",
             "-m", "16", "-display", "none", "-nodefaults", "-S", "-monitor", "stdio"]
    try:
        proc = subprocess.run(probe, input="quit\n", stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, timeout=10, check=False)
    except subprocess.TimeoutExpired:
        return False, "a QEMU/KVM probe did not finish in 10 s"
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        return False, "a QEMU/KVM probe failed: %s" % (lines[0] if lines else
                                                         "status %d" % proc.returncode)
    return True, "QEMU/KVM starts a vCPU with VT-x"


def default_platform(needs_vtx: bool = False) -> str:
    """KVM when it can run a VT-x guest; else QEMU TCG, or Bochs (VT-x emulated,
    slow) when NEEDS_VTX (a PVH domain is to run)."""
    if kvm_status()[0]:
        return "kvm"
    return "bochs" if needs_vtx else "qemu"


def qemu_command(platform: str, iso: str, smp: int, mem: int, serial: str, log: str,
                 efi_vars: str | None = None, deterministic: bool = False,
                 keys_socket: str | None = None, cpu_flags: str = "",
                 tb_size: int | None = None) -> list[str]:
    """QEMU's command line; file names are relative to the run directory (its cwd).
    With KEYS_SOCKET the console is also a unix socket, so the runner can type on it;
    its output still goes to SERIAL (the chardev's logfile). CPU_FLAGS (e.g.
    "smap=off,la57=off") are added to TCG's `-cpu max`; TB_SIZE (MiB) sets TCG's
    translation buffer (platforms.md: 32 undoes the slowdown a GRUB boot leaves)."""
    if platform == "kvm":
        accel = ["-accel", "kvm", "-cpu", "host"]
    else:
        tcg = "tcg" if tb_size is None else "tcg,tb-size=%d" % tb_size
        accel = ["-accel", tcg, "-cpu", "max" + ("," + cpu_flags if cpu_flags else "")]
    if keys_socket:
        console = ["-chardev", "socket,id=console,path=%s,server=on,wait=off,logfile=%s"
                   % (keys_socket, serial), "-serial", "chardev:console"]
    else:
        console = ["-serial", "file:" + serial]
    command = [QEMU, *accel, "-smp", str(smp), "-m", str(mem),
               "-display", "none", "-monitor", "none", *console,
               "-no-reboot", "-nic", "none",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               # Why the machine reset (a triple fault ends QEMU quietly with -no-reboot).
               "-d", "cpu_reset,guest_errors", "-D", log]
    if efi_vars:
        command += ["-machine", "q35",
                    "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=%s" % OVMF_CODE,
                    "-drive", "if=pflash,format=raw,unit=1,file=%s" % efi_vars]
    else:
        command += ["-boot", "d"]
    if deterministic:
        # The TSC then counts instructions: timings repeat exactly from run to run.
        command += ["-icount", "shift=0,sleep=off", "-rtc", "clock=vm"]
    return command + ["-cdrom", iso]


def write_bochsrc(run_dir: Path, iso: str, smp: int, mem: int, serial: str,
                  log: str) -> list[str]:
    """Fill tools/bochsrc.template into RUN_DIR and return Bochs's command line."""
    text = paths.BOCHSRC_TEMPLATE.read_text()
    for key, value in (("MEGS", mem), ("CPUS", smp), ("ISO", iso), ("SERIAL", serial),
                       ("LOG", log)):
        text = text.replace("@%s@" % key, str(value))
    if re.search(r"@[A-Z]+@", text):
        raise XenoError("%s has a placeholder nobody fills" % paths.BOCHSRC_TEMPLATE)
    (run_dir / "bochsrc").write_text(text)
    # Debian's Bochs has its debugger built in: it waits for commands unless told to
    # continue, and `quit` ends it if the simulation ever returns to the prompt.
    (run_dir / "dbg.rc").write_text("c\nquit\n")
    return [BOCHS, "-q", "-f", "bochsrc", "-rc", "dbg.rc"]


def bochs_log_failures(log_path) -> list:
    """Failed VM entries and panics in a Bochs log; ending through the shutdown port is
    how every Bochs run ends and does not count. [] when there is no log."""
    try:
        text = Path(log_path).read_text(errors="replace")
    except OSError:
        return []
    return [l for l in text.splitlines()
            if "VMENTER FAIL" in l or (">>PANIC<<" in l and "Shutdown port" not in l)]
