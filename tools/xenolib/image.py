"""Bootable GRUB2 multiboot2 ISOs (BIOS or UEFI) made with grub-mkrescue."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import domaincfg
from .errors import UsageError, XenoError

GRUB_DIRS = {False: Path("/usr/lib/grub/i386-pc"), True: Path("/usr/lib/grub/x86_64-efi")}
GRUB_PACKAGES = {False: "grub-pc-bin", True: "grub-efi-amd64-bin"}

# BIOS: only the modules the boot needs (a ~0.9 MB ISO that Bochs boots ~0.3 s faster).
# UEFI: GRUB's full module set; with a reduced set it prints errors about the partition
# modules it looks for, and it needs efi_gop to satisfy multiboot2's video request.
BIOS_OPTIONS = ["--install-modules=multiboot2 normal configfile iso9660 biosdisk serial terminal"]
COMMON_OPTIONS = ["--fonts=", "--locales=", "--themes="]

# What make_iso itself puts in /boot.
RESERVED_NAMES = ("xeno.elf", "grub")

# Words GRUB's script parser takes literally; any other word is single-quoted.
_PLAIN_WORD = re.compile(r"^[A-Za-z0-9_.,:/=+@%-]+$")


def _grub_word(word: str) -> str:
    if _PLAIN_WORD.match(word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def parse_module(spec: str) -> tuple[Path, str]:
    """FILE[:ARGS] -> (file, args); the first colon separates them."""
    name, _, args = spec.partition(":")
    return Path(name), args


def with_configs(modules, configs) -> list[tuple[Path, str, str]]:
    """MODULES plus the boot modules of CONFIGS (loaded domaincfg.DomainConfig), named
    on the ISO clear of MODULES' names and of make_iso's own."""
    modules = _iso_modules(modules)
    taken = list(RESERVED_NAMES) + [name for _, _, name in modules]
    return modules + domaincfg.boot_modules(configs, taken)


def _iso_modules(modules) -> list[tuple[Path, str, str]]:
    """Modules as (file, args) or (file, args, name on the ISO) -> all three; without a
    name the file keeps its own."""
    return [(Path(m[0]), m[1], m[2] if len(m) > 2 else Path(m[0]).name) for m in modules]


def grub_command(command: str, path: str, args: str = "") -> str:
    """One menu-entry line, e.g. `multiboot2 /boot/xeno.elf ARGS`, ARGS quoted for GRUB."""
    words = " ".join(_grub_word(w) for w in args.split())
    return ("  %s %s %s" % (command, path, words)).rstrip()


def grub_cfg_for(entry: list[str], efi: bool = False, title: str = "Xeno") -> str:
    """A grub.cfg that boots at once, on the serial line, the one menu entry whose
    lines (grub_command's) are ENTRY."""
    lines = [
        "# Written by tools/xeno image.",
        "serial --unit=0 --speed=115200",
        "terminal_input serial console",
        "terminal_output serial console",
        "set timeout=0",
    ]
    if efi:
        lines.append("insmod efi_gop")
    lines.append('menuentry "%s" {' % title)
    lines.extend(entry)
    lines.append("}")
    return "\n".join(lines) + "\n"


def grub_cfg(cmdline: str, modules: list[tuple[Path, str]], efi: bool) -> str:
    entry = [grub_command("multiboot2", "/boot/xeno.elf", cmdline)]
    entry += [grub_command("module2", "/boot/" + iso_name, args)
              for _, args, iso_name in _iso_modules(modules)]
    return grub_cfg_for(entry, efi)


def _check_tools(efi: bool) -> None:
    for tool, package in (("grub-mkrescue", "grub-common"), ("xorriso", "xorriso"),
                          ("grub-file", "grub-common")):
        if shutil.which(tool) is None:
            raise XenoError("%s not found: install %s (`tools/xeno setup`)" % (tool, package))
    if not GRUB_DIRS[efi].is_dir():
        raise XenoError("%s not found: install %s (`tools/xeno setup`)"
                        % (GRUB_DIRS[efi], GRUB_PACKAGES[efi]))
    if efi and shutil.which("mformat") is None:
        raise XenoError("mformat not found: install mtools (`tools/xeno setup`)")


def make_iso(elf: Path, out: Path, cmdline: str = "", efi: bool = False,
             modules: list[tuple[Path, str]] = ()) -> Path:
    """Write a bootable ISO to OUT atomically (temporary file, then rename).

    MODULES: (file, args) pairs, /boot/BASENAME on the ISO, or (file, args, name)
    triples that choose the name (domaincfg.boot_modules gives those)."""
    elf, out = Path(elf), Path(out)
    modules = _iso_modules(modules)
    _check_tools(efi)
    if not elf.is_file():
        raise XenoError("no such ELF: %s" % elf)
    check = subprocess.run(["grub-file", "--is-x86-multiboot2", str(elf)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    if check.returncode != 0:
        raise XenoError("%s has no multiboot2 header (grub-file --is-x86-multiboot2)" % elf)
    names = list(RESERVED_NAMES)
    for path, _, iso_name in modules:
        if not path.is_file():
            raise XenoError("no such module file: %s" % path)
        if iso_name in names:
            raise UsageError("two boot files would both be /boot/%s" % iso_name)
        names.append(iso_name)

    files = [(elf, "xeno.elf")] + [(path, iso_name) for path, _, iso_name in modules]
    return _mkrescue(out, files, grub_cfg(cmdline, modules, efi), efi,
                     [] if efi else BIOS_OPTIONS)


def make_grub_iso(out: Path, files, entry: list[str], title: str) -> Path:
    """A BIOS ISO that boots something other than the hypervisor, the same way (Linux
    with `linux`/`initrd`, Xen with `multiboot2`/`module2`): FILES are (file, name)
    pairs put in /boot, ENTRY the menu entry's lines (grub_command's). GRUB's modules for
    those commands and for gzip-compressed images are installed besides BIOS_OPTIONS's."""
    _check_tools(False)
    for path, _ in files:
        if not Path(path).is_file():
            raise XenoError("no such boot file: %s" % path)
    options = [BIOS_OPTIONS[0] + " linux gzio"]
    return _mkrescue(Path(out), files, grub_cfg_for(entry, title=title), False, options)


def _mkrescue(out: Path, files, cfg: str, efi: bool, options: list[str]) -> Path:
    """grub-mkrescue an ISO with FILES ((file, name) pairs) in /boot and CFG as its
    grub.cfg; written to OUT atomically (temporary file, then rename)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_name(".%s.tmp-%d" % (out.name, os.getpid()))
    with tempfile.TemporaryDirectory(prefix="xeno-iso-") as stage:
        boot = Path(stage, "boot")
        (boot / "grub").mkdir(parents=True)
        for path, iso_name in files:
            shutil.copyfile(path, boot / iso_name)
        (boot / "grub" / "grub.cfg").write_text(cfg)
        command = ["grub-mkrescue", "-d", str(GRUB_DIRS[efi]), "-o", str(tmp_out)]
        command += options + COMMON_OPTIONS + [stage]
        proc = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, check=False)
    if proc.returncode != 0 or not tmp_out.is_file():
        tmp_out.unlink(missing_ok=True)
        last = [l for l in proc.stdout.splitlines() if l.strip()][-1:] or ["no output"]
        raise XenoError("grub-mkrescue failed (status %d): %s" % (proc.returncode, last[0]))
    os.replace(tmp_out, out)
    return out


def cmd_image(args) -> int:
    configs = domaincfg.load_all(args.config)
    modules = with_configs([parse_module(spec) for spec in args.module], configs)
    out = make_iso(Path(args.elf), Path(args.out), args.cmdline, args.efi, modules)
    print("image: wrote %s" % out)
    return 0
