"""The guests suite's own logic on canned text: manifests and how a console is judged
(tools/xenolib/guesttests.py). No emulator."""
import pytest

from xenolib import guesttests
from xenolib.guesttests import GuestTest, ManifestError, judge, parse_manifest

HELLO = GuestTest(name="hello", environments=("pv64",), memory=8, vcpus=1, cmdline="",
                  expect_shutdown="poweroff", summary="")
REBOOT = GuestTest(name="shutdown_reboot", environments=("pv64",), memory=8, vcpus=1,
                   cmdline="", expect_shutdown="reboot", summary="")


def console(name, *guest, shutdown="poweroff", status="pass", dom=1):
    lines = ["Xeno 0.1.0 (debug) x86-64 hypervisor",
             "domain: d%d '%s' created (pv, 8 MiB, 1 vCPU) from %s-pv64.cfg" % (dom, name, name)]
    lines += ["(d%d) %s" % (dom, line) for line in guest]
    if shutdown:
        lines.append("domain: d%d '%s' shut down: %s" % (dom, name, shutdown))
    lines += ["domain: d%d destroyed, 2049 frames released" % dom, "xeno: all domains have ended"]
    if status:
        lines.append("XENO-STATUS: %s" % status)
    return lines


def test_pass():
    j = judge(console("hello", "hello from a PV guest", "verdict: PASS"), HELLO, "pv64", "pass")
    assert (j.outcome, j.domain) == ("pass", 1), j.message


def test_expected_reboot():
    lines = console("shutdown_reboot", "verdict: PASS", shutdown="reboot")
    assert judge(lines, REBOOT, "pv64", "pass").outcome == "pass"
    lines = console("shutdown_reboot", "verdict: PASS", shutdown="poweroff")
    j = judge(lines, REBOOT, "pv64", "pass")
    assert j.outcome == "fail" and "expected reboot" in j.message


def test_no_domain_is_a_clear_failure():
    lines = ["Xeno 0.1.0 (debug) x86-64 hypervisor", "XENO-STATUS: pass"]
    j = judge(lines, HELLO, "pv64", "pass")
    assert j.outcome == "fail" and "did not build the domain from hello-pv64.cfg" in j.message


def test_refused_config():
    lines = ["domain: hello-pv64.cfg: line 3: memory: 0 is not a size", "XENO-STATUS: pass"]
    j = judge(lines, HELLO, "pv64", "pass")
    assert j.outcome == "fail" and "refused hello-pv64.cfg: line 3" in j.message


def test_fail_verdict_gives_its_reason():
    lines = console("hello", "FAIL: x", "verdict: FAIL: x returned -38", shutdown="crash")
    j = judge(lines, HELLO, "pv64", "pass")
    assert j.outcome == "fail" and j.message.endswith("verdict: FAIL: x returned -38")


def test_skip():
    lines = console("hello", "verdict: SKIP: no VT-x")
    j = judge(lines, HELLO, "pv64", "pass")
    assert j.outcome == "skip" and "no VT-x" in j.message


def test_verdict_must_be_the_last_line():
    lines = console("hello", "verdict: PASS", "one more line")
    j = judge(lines, HELLO, "pv64", "pass")
    assert j.outcome == "fail" and "not its last console line" in j.message


def test_pass_with_the_wrong_shutdown():
    j = judge(console("hello", "verdict: PASS", shutdown="crash"), HELLO, "pv64", "pass")
    assert j.outcome == "fail" and "shut down with crash, expected poweroff" in j.message
    j = judge(console("hello", "verdict: PASS", shutdown=None), HELLO, "pv64", "pass")
    assert j.outcome == "fail" and "no \"shut down: poweroff\" line" in j.message


def test_crash_without_verdict():
    lines = console("hello", "hello", shutdown="crash")
    lines.insert(3, "domain: d1 'hello' crashed: no guest handler for vector 6")
    j = judge(lines, HELLO, "pv64", "pass")
    assert j.outcome == "fail"
    assert "printed no verdict" in j.message and "vector 6" in j.message


def test_hypervisor_status_counts():
    lines = console("hello", "verdict: PASS", status="fail")
    assert judge(lines, HELLO, "pv64", "fail").outcome == "fail"
    lines = console("hello", "verdict: PASS", status=None)
    j = judge(lines, HELLO, "pv64", None, timed_out=True)
    assert j.outcome == "fail" and "no XENO-STATUS" in j.message


def test_other_domains_lines_are_not_ours():
    lines = console("hello", "verdict: PASS", dom=2)
    lines.insert(2, "(d1) verdict: FAIL: someone else")
    lines.insert(3, "(d2) ")
    assert judge(lines, HELLO, "pv64", "pass").outcome == "pass"


def write(tmp_path, text, name="t"):
    d = tmp_path / name
    d.mkdir()
    (d / "manifest").write_text(text)
    return d / "manifest"


def test_manifest(tmp_path):
    t = parse_manifest(write(tmp_path, '# c\nenvironments = "pv64"  # where\nmemory = 16\n'
                                       'cmdline = "a#b c"\nexpect_shutdown = "reboot"\n'))
    assert (t.name, t.environments, t.memory, t.vcpus) == ("t", ("pv64",), 16, 1)
    assert (t.cmdline, t.expect_shutdown) == ("a#b c", "reboot")
    assert 'cmdline = "a#b c"' in t.config_text("pv64")
    assert 'kernel = "t-pv64.elf"' in t.config_text("pv64")
    assert ".shutdown_reason = 1," in t.manifest_c("pv64")


@pytest.mark.parametrize("text, message", [
    ('memory = 8\n', "no 'environments'"),
    ('environments = "pv32"\n', "unknown environment 'pv32'"),
    ('environments = "pv64"\ncolour = "red"\n', "unknown key 'colour'"),
    ('environments = "pv64"\nmemory = "8"\n', "'memory' takes a number"),
    ('environments = "pv64"\nexpect_shutdown = "halt"\n', "expect_shutdown must be one of"),
    ('environments = "pv64"\ncmdline = "a\\b"\n', "cmdline must be printable"),
    ('environments = "pv64"\nenvironments = "pv64"\n', "given twice"),
    ('environments "pv64"\n', "expected key = value"),
])
def test_bad_manifests(tmp_path, text, message):
    with pytest.raises(ManifestError, match=message):
        parse_manifest(write(tmp_path, text))


def test_every_guest_test_has_a_good_manifest():
    tests = guesttests.discover()
    assert "hello" in [t.name for t in tests]
