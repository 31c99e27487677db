"""The tools/xeno command itself: help, usage errors, and the image builder.

These run the command as a user would, in a subprocess, and need no emulator.
"""
import shutil
import subprocess
import sys

import pytest

from xenolib import paths

COMMANDS = ["setup", "build", "image", "run", "test", "demo", "bench"]


def xeno(*args):
    return subprocess.run([sys.executable, str(paths.XENO), *args], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=120, check=False)


def assert_one_line_error(proc, status, words):
    assert proc.returncode == status, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, "expected one line on stderr, got:\n" + proc.stderr
    assert "Traceback" not in proc.stderr
    assert words in lines[0], lines[0]


def test_top_level_help():
    proc = xeno("--help")
    assert proc.returncode == 0
    for command in COMMANDS:
        assert command in proc.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    proc = xeno(command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: xeno %s" % command)


@pytest.mark.parametrize("argv, words", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["run", "--bogus"], "run: unrecognized arguments: --bogus"),
    (["run", "--smp", "0"], "--smp"),
    (["run", "--mem", "lots"], "--mem"),
    (["run", "--platform", "vmware"], "invalid choice: 'vmware'"),
    (["run", "--platform", "bochs", "--efi"], "--efi needs QEMU"),
    (["build", "--variant", "fast"], "invalid choice: 'fast'"),
    (["image", "--out", "x.iso"], "--elf"),
    ([], "no command given"),
])
def test_bad_command_line_is_one_line_and_status_64(argv, words):
    assert_one_line_error(xeno(*argv), 64, words)


def test_unknown_suite_is_rejected():
    assert_one_line_error(xeno("test", "nosuchsuite"), 64, "unknown suite 'nosuchsuite'")


def test_unknown_benchmark_is_rejected():
    proc = xeno("bench", "nosuchbench")
    assert_one_line_error(proc, 64, "unknown benchmark 'nosuchbench'")
    assert "boot" in proc.stderr and "size" in proc.stderr


def test_setup_finds_every_package():
    proc = xeno("setup")
    assert proc.returncode == 0, proc.stderr
    assert "installed" in proc.stdout


def test_image_holds_the_elf_cmdline_and_modules(tmp_path, debug_elf):
    module = tmp_path / "domains.txt"
    module.write_text("a boot module\n")
    iso = tmp_path / "out.iso"
    proc = xeno("image", "--elf", str(debug_elf), "--out", str(iso),
                "--cmdline", "loglvl=debug console=com1",
                "--module", "%s:role=config extra" % module)
    assert proc.returncode == 0, proc.stderr
    assert iso.is_file()
    assert not list(tmp_path.glob(".*tmp*")), "a temporary file was left behind"

    listing = subprocess.run(["xorriso", "-indev", str(iso), "-find", "/boot", "-type", "f"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             check=True).stdout
    assert "'/boot/xeno.elf'" in listing
    assert "'/boot/domains.txt'" in listing

    out = tmp_path / "extracted"
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", str(iso), "-extract", "/boot",
                    str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    assert (out / "xeno.elf").read_bytes() == debug_elf.read_bytes()
    assert subprocess.run(["grub-file", "--is-x86-multiboot2", str(out / "xeno.elf")],
                          check=False).returncode == 0
    cfg = (out / "grub" / "grub.cfg").read_text()
    assert "multiboot2 /boot/xeno.elf loglvl=debug console=com1\n" in cfg
    assert "module2 /boot/domains.txt role=config extra\n" in cfg
    assert "serial --unit=0 --speed=115200" in cfg
    assert "set timeout=0" in cfg


def test_efi_image_has_a_uefi_boot_entry(tmp_path, debug_elf):
    iso = tmp_path / "efi.iso"
    proc = xeno("image", "--efi", "--elf", str(debug_elf), "--out", str(iso))
    assert proc.returncode == 0, proc.stderr
    report = subprocess.run(["xorriso", "-indev", str(iso), "-report_el_torito", "plain"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            check=True).stdout
    assert "UEFI" in report


def test_image_refuses_a_file_without_multiboot2_header(tmp_path):
    bogus = tmp_path / "not-a-kernel.elf"
    bogus.write_bytes(b"\x7fELF" + bytes(200))
    proc = xeno("image", "--elf", str(bogus), "--out", str(tmp_path / "x.iso"))
    assert_one_line_error(proc, 4, "no multiboot2 header")
    assert not (tmp_path / "x.iso").exists()


@pytest.mark.skipif(shutil.which("xorriso") is None, reason="needs xorriso")
def test_image_refuses_a_missing_module(tmp_path, debug_elf):
    proc = xeno("image", "--elf", str(debug_elf), "--out", str(tmp_path / "x.iso"),
                "--module", str(tmp_path / "absent.bin"))
    assert_one_line_error(proc, 4, "no such module file")
