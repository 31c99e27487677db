"""Domain configs on the tools side (tools/xenolib/domaincfg.py), no emulator: the
grammar against the table the hypervisor's parser is tested with, finding images,
the boot modules and ISO layout for `run CONFIG...`, and refusals before booting."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from xenolib import domaincfg, image, paths, runner
from xenolib.domaincfg import ConfigError

CASES_H = paths.ROOT / "tests" / "unit" / "domain_config_cases.h"


def table():
    """(kind, tuple) for each OK(...) / BAD(...) line: C string literals read as Python."""
    cases = []
    for line in CASES_H.read_text().splitlines():
        for kind in ("OK", "BAD", "SCHED", "PRIV"):
            if line.startswith(kind + "("):
                cases.append((kind, ast.literal_eval(line[len(kind):])))
    return cases


CASES = table()


def raw(text: str) -> bytes:
    """A table string as the bytes C sees (every char there is below 256)."""
    return text.encode("latin-1")


def test_the_table_is_read_whole():
    assert sum(kind == "OK" for kind, _ in CASES) >= 8
    assert sum(kind == "BAD" for kind, _ in CASES) >= 50
    assert len(CASES) == sum(1 for l in CASES_H.read_text().splitlines()
                             if l.startswith(("OK(", "BAD(", "SCHED(", "PRIV(")))


@pytest.mark.parametrize("kind, case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_same_result_as_the_hypervisor_parser(kind, case):
    if kind == "BAD":
        text, message = case
        with pytest.raises(ConfigError) as e:
            domaincfg.parse(raw(text), "t.cfg")
        assert str(e.value) == message
        return
    if kind == "PRIV":
        text, privileged = case
        assert domaincfg.parse(raw(text), "t.cfg").privileged == bool(privileged)
        return
    if kind == "SCHED":
        text, weight, warp, warp_limit, unwarp, cpus = case
        cfg = domaincfg.parse(raw(text), "t.cfg")
        assert (cfg.weight, cfg.warp_us, cfg.warp_limit_us, cfg.unwarp_us, cfg.cpus) == \
            (weight, warp, warp_limit, unwarp, cpus)
        return
    text, name, dtype, memory, vcpus, kernel, ramdisk, cmdline = case
    cfg = domaincfg.parse(raw(text), "t.cfg")
    assert (cfg.name, cfg.type, cfg.memory, cfg.vcpus) == (name, dtype, memory, vcpus)
    for got, want in ((cfg.kernel, kernel), (cfg.ramdisk, ramdisk), (cfg.cmdline, cmdline)):
        assert got.encode("utf-8", "surrogateescape") == raw(want)


def expect_error(data: bytes, message: str):
    with pytest.raises(ConfigError) as e:
        domaincfg.parse(data, "t.cfg")
    assert str(e.value) == message


def test_limits_as_in_the_hypervisor():
    head = b"name='a'\nmemory=1\nkernel='k'\n"
    assert len(domaincfg.parse(head + b"cmdline='" + b"c" * 1023 + b"'", "t.cfg").cmdline) == 1023
    expect_error(head + b"cmdline='" + b"c" * 1024 + b"'",
                 "t.cfg:4: key 'cmdline' is longer than 1023 characters")
    expect_error(b"name='a'\nmemory=1\nextra='" + b"c" * 1024 + b"'\n",
                 "t.cfg:3: key 'extra' is longer than 1023 characters")
    assert domaincfg.parse(b"#" + b"x" * 2047 + b"\r\n" + head, "t.cfg").name == "a"
    expect_error(b"name='a'\n#" + b"x" * 2048, "t.cfg:2: line longer than 2048 bytes")
    assert len(domaincfg.parse(b"name='a'\nmemory=1\nkernel='" + b"k" * 127 + b"'",
                               "t.cfg").kernel) == 127


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def config(dirpath: Path, file: str, name: str, kernel="k.elf", memory=32, extra=""):
    return write(dirpath / file, "name = '%s'\nmemory = %d\nkernel = '%s'\n%s"
                 % (name, memory, kernel, extra))


def test_images_are_found_next_to_the_config(tmp_path):
    write(tmp_path / "g" / "k.elf", "kernel")
    write(tmp_path / "g" / "sub" / "initrd", "ramdisk")
    cfg = domaincfg.load(config(tmp_path / "g", "one.cfg", "one",
                                extra="ramdisk = 'sub/initrd'\n"))
    assert cfg.images == {"kernel": tmp_path / "g" / "k.elf",
                          "ramdisk": tmp_path / "g" / "sub" / "initrd"}


def test_missing_files_name_the_config_and_key(tmp_path):
    path = config(tmp_path, "one.cfg", "one")
    with pytest.raises(ConfigError) as e:
        domaincfg.load(path)
    assert str(e.value) == "%s: key 'kernel': no such file %s" % (path, tmp_path / "k.elf")
    write(tmp_path / "k.elf", "")
    path = config(tmp_path, "two.cfg", "two", extra="ramdisk = 'nope'\n")
    with pytest.raises(ConfigError, match=r"two.cfg: key 'ramdisk': no such file .*nope$"):
        domaincfg.load(path)
    with pytest.raises(ConfigError, match=r"absent.cfg: no such config file$"):
        domaincfg.load(tmp_path / "absent.cfg")


def test_configs_must_agree_with_each_other(tmp_path):
    for d in ("a", "b"):
        write(tmp_path / d / "k.elf", d)
    a = config(tmp_path / "a", "x.cfg", "same")
    b = config(tmp_path / "b", "y.cfg", "same")
    with pytest.raises(ConfigError, match="y.cfg: domain name 'same' is already used by .*x.cfg"):
        domaincfg.load_all([a, b])
    b = config(tmp_path / "b", "y.cfg", "other")
    with pytest.raises(ConfigError, match="y.cfg: key 'kernel': image 'k.elf' is .*b/k.elf "
                                          "here but .*a/k.elf in .*x.cfg"):
        domaincfg.load_all([a, b])
    # One file reached two ways under one value is one image.
    c = config(tmp_path / "a", "z.cfg", "third", kernel="../a/k.elf")
    d = config(tmp_path / "a" / "sub", "w.cfg", "fourth", kernel="../../a/k.elf")
    assert len(domaincfg.load_all([a, c, d])) == 3


def test_boot_modules_follow_the_boot_contract(tmp_path):
    write(tmp_path / "a" / "k.elf", "a")
    write(tmp_path / "a" / "initrd.img", "i")
    write(tmp_path / "b" / "k2" / "k.elf", "b")
    a = config(tmp_path / "a", "hello.cfg", "one", extra="ramdisk = 'initrd.img'\n")
    b = config(tmp_path / "b", "hello.cfg", "two", kernel="k2/k.elf")
    c = config(tmp_path / "a", "my domain.cfg", "three")     # shares a's kernel value
    mods = domaincfg.boot_modules(domaincfg.load_all([a, b, c]))
    assert [(str(m[0].relative_to(tmp_path)), m[1], m[2]) for m in mods] == [
        ("a/hello.cfg", "domain-config hello.cfg", "hello.cfg"),
        ("b/hello.cfg", "domain-config hello.cfg", "2-hello.cfg"),
        ("a/my domain.cfg", "domain-config my_domain.cfg", "my_domain.cfg"),
        ("a/k.elf", "image k.elf", "k.elf"),
        ("a/initrd.img", "image initrd.img", "initrd.img"),
        ("b/k2/k.elf", "image k2/k.elf", "2-k.elf"),
    ]
    cfg = image.grub_cfg("", image.with_configs([(tmp_path / "a" / "k.elf", "x")], []),
                         efi=False)
    assert "module2 /boot/k.elf x\n" in cfg


def test_memory_covers_the_domains(tmp_path):
    write(tmp_path / "k.elf", "")
    small = domaincfg.load(config(tmp_path, "s.cfg", "s", memory=16))
    big = domaincfg.load(config(tmp_path, "b.cfg", "b", memory=512))
    big2 = domaincfg.load(config(tmp_path, "c.cfg", "c", memory=300))
    assert runner.memory_for([]) == 256
    assert runner.memory_for([small]) == 256
    assert runner.memory_for([small, big]) == 64 + 16 + 512
    assert runner.memory_for([big, big2]) == 876
    huge = domaincfg.load(config(tmp_path, "h.cfg", "h", memory=65536))
    with pytest.raises(ConfigError, match="65600 MiB"):
        runner.memory_for([huge])


def test_boot_refuses_a_bad_config_before_starting(tmp_path, debug_elf):
    bad = write(tmp_path / "bad.cfg", "name = 'x'\nmemory = lots\n")
    with pytest.raises(ConfigError, match=r"bad.cfg:2: key 'memory' needs a number"):
        runner.boot(debug_elf, "qemu", configs=[bad])


def xeno(*args):
    return subprocess.run([sys.executable, str(paths.XENO), *args], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize("text, words", [
    ("name = 'x'\nfoo = 1\n", "bad.cfg:2: unknown key 'foo'"),
    ("name = 'x'\nmemory = 8\n", "bad.cfg: missing key 'kernel'"),
    ("name = 'x'\ntype = 'hvm'\n", "bad.cfg:2: type 'hvm' is not supported yet"),
    ("name = 'x'\nmemory = 8\nkernel = 'gone.elf'\n", "bad.cfg: key 'kernel': no such file"),
])
def test_run_refuses_bad_configs_in_one_line(tmp_path, text, words):
    path = write(tmp_path / "bad.cfg", text)
    # Also after an option: argparse would otherwise leave the config unparsed.
    proc = xeno("run", "--smp", "1", str(path), "--platform", "qemu", str(path))
    assert proc.returncode == 64, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert words in lines[0]


def test_run_refuses_a_missing_config():
    proc = xeno("run", "/nonexistent/x.cfg")
    assert proc.returncode == 64
    assert proc.stderr.strip() == "xeno: /nonexistent/x.cfg: no such config file"


def test_image_lays_out_configs_and_images(tmp_path, debug_elf):
    write(tmp_path / "k.elf", "kernel bytes")
    write(tmp_path / "initrd.img", "ramdisk bytes")
    config(tmp_path, "one.cfg", "one", extra="ramdisk = 'initrd.img'\ncmdline = 'a b'\n")
    config(tmp_path / "two", "two.cfg", "two", kernel="../k.elf")
    iso = tmp_path / "out.iso"
    proc = xeno("image", "--elf", str(debug_elf), "--out", str(iso), "--config",
                str(tmp_path / "one.cfg"), "--config", str(tmp_path / "two" / "two.cfg"))
    assert proc.returncode == 0, proc.stderr

    out = tmp_path / "extracted"
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", str(iso), "-extract", "/boot",
                    str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["grub", "xeno.elf", "one.cfg", "two.cfg", "k.elf", "initrd.img", "2-k.elf"])
    assert (out / "one.cfg").read_text() == (tmp_path / "one.cfg").read_text()
    assert (out / "k.elf").read_text() == "kernel bytes"
    cfg = (out / "grub" / "grub.cfg").read_text()
    modules = [l.strip() for l in cfg.splitlines() if l.strip().startswith("module2")]
    assert modules == [
        "module2 /boot/one.cfg domain-config one.cfg",
        "module2 /boot/two.cfg domain-config two.cfg",
        "module2 /boot/k.elf image k.elf",
        "module2 /boot/initrd.img image initrd.img",
        "module2 /boot/2-k.elf image ../k.elf",
    ]
