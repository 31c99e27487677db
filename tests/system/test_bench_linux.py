"""linux_micro and linux_boot (tools/xenolib/benchmarks/linux.py) without an emulator:
lbench itself runs on the host, briefly, and its lines must parse; canned serial lines
of each side (their prefixes differ) give the measurements and the boot marks; a side
that failed is shown as failed, with its reason, and the other sides still are. Booting
the three sides is `tools/xeno bench linux_micro` (minutes): no timing is judged here."""
import subprocess

from xenolib import bench, image, linux_bench, runner
from xenolib.benchmarks import linux


def test_lbench_runs_on_the_host_and_prints_every_measure_twice():
    binary = linux_bench.build_lbench()
    # 1% of the iterations: a fraction of a second; each line is one write().
    done = subprocess.run([str(binary), "1"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    side = linux.parse(lines)
    assert side.failure == "" and side.done, lines
    for run in (1, 2):
        assert sorted(side.results[run]) == sorted(linux.MEASURES), lines
        assert all(ns > 0 for ns in side.results[run].values()), lines
    said = [l for l in lines if l.startswith("lbench: run=")]
    assert len(said) == 2 * len(linux.MEASURES)
    assert all(linux.RESULT.search(l) for l in said), said


def canned(prefix, runs=(1, 2), names=linux.MEASURES, done=True):
    lines = ["%s[    1.500000] lbench-init: up" % prefix,
             "%s[    1.510000] lbench-init: hypervisor xen" % prefix]
    for run in runs:
        for k, name in enumerate(names):
            lines.append("%s[    2.%06d] lbench: run=%d name=%s ns_per_op=%d.25 "
                         "iterations=10" % (prefix, k, run, name, 100 * run + k))
    if done:
        lines.append("%s[    3.000000] lbench: done" % prefix)
    return lines


def result(lines, timed_out=False, verdict=None, status=0):
    return runner.RunResult(platform="qemu", verdict=verdict, lines=lines, message="m",
                            timed_out=timed_out, emulator_status=status,
                            arrived=[0.5 * i for i in range(len(lines))])


def test_each_sides_prefix_parses():
    for name, prefix, verdict in (("native", "", None), ("xeno", "(d1) ", "pass"),
                                  ("xen", "", None)):
        side = linux.checked(name, result(canned(prefix), verdict=verdict))
        assert side.failure == "", side.failure
        assert side.ns("getpid") == 200.25 and side.ns("cpu") == 204.25
        assert side.ns("getpid", run=1) == 100.25
        assert side.init_kernel_s == 1.5 and side.init_wall_s == 0.0


def test_missing_lines_and_errors_are_failures_with_a_reason():
    cut = linux.checked("native", result(canned("", runs=(1,), done=False),
                                         timed_out=True))
    assert "no run 2 line for getpid" in cut.failure and "timed out" in cut.failure
    silent = linux.checked("xen", result(["(XEN) Xen version 4.17"], status=0))
    assert "/init never ran" in silent.failure
    broken = linux.checked("native", result(canned("")[:3] + [
        "[    2.1] lbench: error fork: Cannot allocate memory"]))
    assert "error fork: Cannot allocate memory" in broken.failure
    panicked = linux.checked("xen", result(["[    0.5] Kernel panic - not syncing: VFS"]))
    assert "Kernel panic" in panicked.failure
    xeno = linux.checked("xeno", result(canned("(d1) "), verdict="fail"))
    assert "verdict" in xeno.failure


def test_tables_show_a_failed_side_and_keep_the_others():
    got = {"native": linux.checked("native", result(canned(""))),
           "xeno": linux.checked("xeno", result(canned("(d1) "), verdict="pass")),
           "xen": linux.Side("xen", failure="no Xen image: apt-get failed")}
    text = bench.format_table(linux.micro_table(got))
    assert "xeno/native" in text and "xen/native" in text
    getpid = [l for l in text.splitlines() if l.strip().startswith("getpid")][0]
    assert getpid.split()[-4:] == ["200.25", "failed", "1.000", "-"], getpid
    assert "xen FAILED: no Xen image: apt-get failed" in text
    boot = bench.format_table(linux.boot_table(got))
    assert "kernel clock at /init" in boot and "failed" in boot


def test_the_default_ratio_column_is_unchanged():
    table = bench.Table("t", ["a", "b", "c"])
    table.add("x", "ns", [2, 3, 4])
    text = bench.format_table(table)
    assert "c/a" in text and "2.000" in text and "b/a" not in text


def test_grub_entries_for_linux_and_xen():
    cfg = image.grub_cfg_for([image.grub_command("linux", "/boot/vmlinuz", "console=ttyS0,115200 a=$b"),
                              image.grub_command("initrd", "/boot/initrd.gz")], title="Linux")
    assert "  linux /boot/vmlinuz console=ttyS0,115200 'a=$b'\n" in cfg
    assert "  initrd /boot/initrd.gz\n" in cfg and 'menuentry "Linux" {' in cfg
