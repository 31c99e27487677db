"""The guests suite's own logic on canned text: manifests and how a console is judged
(tools/xenolib/guesttests.py). No emulator."""
import dataclasses

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


CRASHER = GuestTest(name="iret_bad_frame", environments=("pv64",), memory=8, vcpus=1,
                    cmdline="", expect_shutdown="crash", summary="")


def test_expected_crash_needs_the_hypervisor_to_crash_it():
    lines = console("iret_bad_frame", "verdict: PASS", shutdown="crash")
    j = judge(lines, CRASHER, "pv64", "pass")
    assert j.outcome == "fail" and "did not crash it" in j.message
    lines.insert(3, "domain: d1 'iret_bad_frame' crashed: iret with an unreadable frame")
    j = judge(lines, CRASHER, "pv64", "pass")
    assert j.outcome == "pass" and "iret with an unreadable frame" in j.message
    j = judge(console("iret_bad_frame", "verdict: PASS", shutdown="poweroff"), CRASHER,
              "pv64", "pass")
    assert j.outcome == "fail" and "expected crash" in j.message


def shared_console(*domains, status="pass"):
    """A boot of several test domains: (name, console lines, shutdown or None) each,
    their lines interleaved as a round-robin scheduler would leave them."""
    lines = ["Xeno 0.1.0 (debug) x86-64 hypervisor"]
    lines += ["domain: d%d '%s' created (pv, 8 MiB, 1 vCPU) from %s-pv64.cfg" % (i, n, n)
              for i, (n, _, _) in enumerate(domains, 1)]
    for step in range(max(len(said) for _, said, _ in domains)):
        for i, (_, said, _) in enumerate(domains, 1):
            if step < len(said):
                lines.append("(d%d) %s" % (i, said[step]))
    for i, (name, _, shutdown) in enumerate(domains, 1):
        if shutdown == "crash":
            lines += ["domain: d%d '%s' crashed: no guest handler for vector 6" % (i, name),
                      "domain: d%d vcpu0 rip=0000000000101000 rsp=0000000000106fd8 "
                      "rflags=0000000000000246 cs=e033 kernel mode" % i]
        if shutdown:
            lines += ["domain: d%d '%s' shut down: %s" % (i, name, shutdown),
                      "domain: d%d destroyed, 2049 frames released" % i]
    if status:
        lines += ["xeno: all domains have ended", "XENO-STATUS: %s" % status]
    return lines


def test_shared_boot_a_crash_of_another_domain_is_not_ours():
    lines = shared_console(("shutdown_reboot", ["verdict: PASS"], "reboot"),
                           ("hello", ["hello", "verdict: PASS"], "poweroff"),
                           ("multicall", ["one line"], "crash"))
    assert judge(lines, HELLO, "pv64", "pass", shared=True).outcome == "pass"
    assert judge(lines, REBOOT, "pv64", "pass", shared=True).outcome == "pass"
    multicall = GuestTest(name="multicall", environments=("pv64",), memory=8, vcpus=1,
                          cmdline="", expect_shutdown="poweroff", summary="")
    j = judge(lines, multicall, "pv64", "pass", shared=True)
    assert j.outcome == "fail" and j.domain == 3 and "vector 6" in j.message


def test_shared_boot_that_timed_out_on_another_domain():
    lines = shared_console(("hello", ["verdict: PASS"], "poweroff"),
                           ("shutdown_reboot", ["still going"], None), status=None)
    j = judge(lines, HELLO, "pv64", None, timed_out=True, shared=True)
    assert j.outcome == "pass" and "d2 'shutdown_reboot' did not end" in j.message, j.message
    # The hypervisor keeps the CPU busy with the hung domain: no destroyed line needed.
    undestroyed = [line for line in lines if not line.startswith("domain: d1 destroyed")]
    assert judge(undestroyed, HELLO, "pv64", None, timed_out=True, shared=True).outcome == "pass"
    j = judge(lines, REBOOT, "pv64", None, timed_out=True, shared=True)
    assert j.outcome == "fail" and "the run timed out" in j.message
    # Alone, or after a panic, the run's end still counts.
    assert judge(lines, HELLO, "pv64", None, timed_out=True).outcome == "fail"
    panicked = lines + ["PANIC on cpu0: page fault in the hypervisor"]
    assert judge(panicked, HELLO, "pv64", None, timed_out=True, shared=True).outcome == "fail"


def test_shared_boot_that_timed_out_with_every_domain_ended():
    """Then nobody's domain is to blame: the hypervisor is, and every item fails."""
    lines = shared_console(("hello", ["verdict: PASS"], "poweroff"),
                           ("shutdown_reboot", ["verdict: PASS"], "reboot"), status=None)
    j = judge(lines, HELLO, "pv64", None, timed_out=True, shared=True)
    assert j.outcome == "fail" and "no XENO-STATUS" in j.message


def test_shared_boot_that_failed_fails_everyone():
    lines = shared_console(("hello", ["verdict: PASS"], "poweroff"),
                           ("shutdown_reboot", ["verdict: PASS"], "reboot"), status="panic")
    j = judge(lines, HELLO, "pv64", "panic", shared=True)
    assert j.outcome == "fail" and "XENO-STATUS: panic" in j.message


def named(name, boot="shared", envs=("pv64",)):
    return GuestTest(name=name, environments=envs, memory=8, vcpus=1, cmdline="",
                     expect_shutdown="poweroff", summary="", boot=boot)


def test_plan_boots():
    tests = [named("b"), named("a"), named("alone", boot="alone"), named("c")]
    plan = guesttests.plan_boots([(t, "pv64") for t in tests])
    assert [[t.name for t, _ in boot] for boot in plan] == [["alone"], ["a", "b", "c"]]
    # Shared boots do not depend on the order the items came in.
    shared = [t for t in tests if t.boot == "shared"]
    assert (guesttests.plan_boots([(t, "pv64") for t in shared])
            == guesttests.plan_boots([(t, "pv64") for t in reversed(shared)]))


def test_plan_boots_splits_evenly(monkeypatch):
    monkeypatch.setattr(guesttests, "SHARED_BOOT_MAX", 4)
    tests = [named("t%02d" % i) for i in range(9)]
    plan = guesttests.plan_boots([(t, "pv64") for t in tests])
    assert [len(boot) for boot in plan] == [3, 3, 3]
    assert sorted(t.name for boot in plan for t, _ in boot) == [t.name for t in tests]


def test_plan_boots_never_mixes_environments():
    both = named("both", envs=("pv64", "pvh64"))
    plan = guesttests.plan_boots([(both, "pv64"), (both, "pvh64"), (named("x"), "pv64")])
    assert [[(t.name, e) for t, e in boot] for boot in plan] == [
        [("both", "pv64"), ("x", "pv64")], [("both", "pvh64")]]


def test_platform_for_prefers_kvm_to_bochs_where_it_works(monkeypatch):
    monkeypatch.setattr(guesttests.platforms, "kvm_status", lambda: (False, "no /dev/kvm"))
    assert guesttests.platform_for("pvh64") == "bochs"
    assert guesttests.platform_for("pv64") == "qemu"
    monkeypatch.setattr(guesttests.platforms, "kvm_status", lambda: (True, "works"))
    assert guesttests.platform_for("pvh64") == "kvm"
    assert guesttests.platform_for("pv64") == "qemu"     # TCG stays the PV reference


def test_pvh64_configs_say_pvh(tmp_path):
    t = parse_manifest(write(tmp_path, 'environments = "pv64 pvh64"\n'))
    assert 'type = "pvh"' in t.config_text("pvh64")
    assert 'kernel = "t-pvh64.elf"' in t.config_text("pvh64")
    assert 'type = "pv"' in t.config_text("pv64")
    assert '.environment = "pvh64",' in t.manifest_c("pvh64")


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
    assert t.boot == "shared"
    assert parse_manifest(write(tmp_path, 'environments = "pv64"\nboot = "alone"\n',
                                "u")).boot == "alone"


@pytest.mark.parametrize("text, message", [
    ('memory = 8\n', "no 'environments'"),
    ('environments = "pv32"\n', "unknown environment 'pv32'"),
    ('environments = "pv64"\ncolour = "red"\n', "unknown key 'colour'"),
    ('environments = "pv64"\nmemory = "8"\n', "'memory' takes a number"),
    ('environments = "pv64"\nexpect_shutdown = "halt"\n', "expect_shutdown must be one of"),
    ('environments = "pv64"\ncmdline = "a\\b"\n', "cmdline must be printable"),
    ('environments = "pv64"\nenvironments = "pv64"\n', "given twice"),
    ('environments "pv64"\n', "expected key = value"),
    ('environments = "pv64"\nboot = "together"\n', "boot must be one of"),
    ('environments = "pv64"\npeers = 0\n', "peers must be 1 to 8"),
    ('environments = "pv64"\npeers = 9\n', "peers must be 1 to 8"),
    ('environments = "pv64"\npeers = 2\nboot = "shared"\n', "boot of its own"),
    ('environments = "pv64 pvh64"\npeer_environments = "pv64 pvh64"\n',
     "one environment per peer"),
    ('environments = "pv64 pvh64"\npeers = 3\npeer_environments = "pv64 pvh64"\n',
     "one environment per peer"),
    ('environments = "pv64"\npeers = 2\npeer_environments = "pv64 pvh64"\n',
     "pvh64 must also be in 'environments'"),
    ('environments = "pv64"\ndom0 = 2\n', "dom0 must be 0 or 1"),
    ('environments = "pv64"\ndom0 = 1\nboot = "shared"\n', "boot of its own"),
    ('environments = "pv64"\ndom0 = 1\nprivileged = 1\nboot = "alone"\n',
     "dom0 and privileged"),
    ('environments = "pv64"\ncpus = 0\n', "'cpus' takes a quoted string"),
    ('environments = "pv64"\ncpus = ""\n', "cpus must list CPUs 0-1"),
    ('environments = "pv64"\ncpus = "2"\n', "cpus must list CPUs 0-1"),
    ('environments = "pv64"\ncpus = "0-2"\n', "cpus must list CPUs 0-1"),
    ('environments = "pv64"\ncpus = "1-0"\n', "cpus must list CPUs 0-1"),
    ('environments = "pv64"\ncpus = "0 1"\n', "cpus must list CPUs 0-1"),
])
def test_bad_manifests(tmp_path, text, message):
    with pytest.raises(ManifestError, match=message):
        parse_manifest(write(tmp_path, text))


def test_every_guest_test_has_a_good_manifest():
    tests = guesttests.discover()
    assert "hello" in [t.name for t in tests]


def test_docs_list_every_guest_test():
    """docs/testing.md's table of the guests suite has a row for each test."""
    text = (guesttests.paths.ROOT / "docs" / "testing.md").read_text()
    missing = [t.name for t in guesttests.discover() if "\n| `%s` |" % t.name not in text]
    assert not missing, "docs/testing.md has no row for %s" % ", ".join(missing)


def test_cpus_go_into_every_peers_config(tmp_path):
    t = parse_manifest(write(tmp_path, 'environments = "pvh64"\npeers = 2\ncpus = "0"\n'))
    assert t.cpus == "0"
    for k in range(2):
        assert 'cpus = "0"' in t.config_text("pvh64", k).splitlines()
    t = parse_manifest(write(tmp_path, 'environments = "pv64"\ncpus = "0-1"\n', "u"))
    assert 'cpus = "0-1"' in t.config_text("pv64").splitlines()
    default = parse_manifest(write(tmp_path, 'environments = "pv64"\n', "v"))
    assert not [line for line in default.config_text("pv64").splitlines()
                if line.startswith("cpus")]


# ---- peers: N domains of one image in a boot of their own

PAIR = GuestTest(name="pair", environments=("pv64",), memory=8, vcpus=1, cmdline="x=1",
                 expect_shutdown="poweroff", summary="", boot="alone", peers=2)


def peers_console(*peers, status="pass"):
    """PEERS: (domid, console lines, shutdown reason or None) per peer, in order."""
    lines = ["Xeno 0.1.0 (debug) x86-64 hypervisor"]
    for k, (dom, _, _) in enumerate(peers):
        lines.append("domain: d%d 'pair-p%d' created (pv, 8 MiB, 1 vCPU) from pair-pv64-p%d.cfg"
                     % (dom, k, k))
    for k, (dom, said, shutdown) in enumerate(peers):
        lines += ["(d%d) %s" % (dom, line) for line in said]
        if shutdown:
            lines.append("domain: d%d 'pair-p%d' shut down: %s" % (dom, k, shutdown))
    lines.append("xeno: all domains have ended")
    if status:
        lines.append("XENO-STATUS: %s" % status)
    return lines


def test_peers_manifest_configs_and_command_lines(tmp_path):
    t = parse_manifest(write(tmp_path, 'environments = "pv64"\npeers = 2\ncmdline = "x=1"\n'))
    assert (t.peers, t.boot) == (2, "alone")
    assert [c.name for c in t.configs("pv64")] == ["t-pv64-p0.cfg", "t-pv64-p1.cfg"]
    assert t.domain_names() == ["t-p0", "t-p1"]
    text = t.config_text("pv64", 1)
    assert 'name = "t-p1"' in text and 'kernel = "t-pv64.elf"' in text
    assert 'cmdline = "x=1 peer=1 peers=2 peer_domids=1,2"' in text
    assert parse_manifest(write(tmp_path, 'environments = "pv64"\n', "u")).configs("pv64") == \
        [guesttests.BUILD_DIR / "u" / "u-pv64.cfg"]
    pair = GuestTest(name="p", environments=("pv64",), memory=8, vcpus=1, cmdline="",
                     expect_shutdown="poweroff", summary="", peers=3)
    assert guesttests.plan_boots([(pair, "pv64"), (HELLO, "pv64")]) == \
        [((pair, "pv64"),), ((HELLO, "pv64"),)]


def test_peers_pass_only_when_every_peer_passes():
    ok = (1, ["verdict: PASS"], "poweroff")
    j = judge(peers_console(ok, (2, ["verdict: PASS"], "poweroff")), PAIR, "pv64", "pass")
    assert j.outcome == "pass", j.message
    j = judge(peers_console(ok, (2, ["verdict: FAIL: no map"], "crash")), PAIR, "pv64", "pass")
    assert j.outcome == "fail" and "pair-p1" in j.message and "no map" in j.message
    j = judge(peers_console(ok, (2, ["waiting"], None), status=None), PAIR, "pv64", None,
              timed_out=True)
    assert j.outcome == "fail" and "pair-p1" in j.message


def test_peers_missing_peer_fails():
    lines = [line for line in peers_console((1, ["verdict: PASS"], "poweroff"),
                                            (2, ["verdict: PASS"], "poweroff"))
             if "pair-p1" not in line and not line.startswith("(d2)")]
    j = judge(lines, PAIR, "pv64", "pass")
    assert j.outcome == "fail" and "pair-p1" in j.message


def test_peers_on_other_domain_ids_fail():
    j = judge(peers_console((2, ["verdict: PASS"], "poweroff"), (3, ["verdict: PASS"], "poweroff")),
              PAIR, "pv64", "pass")
    assert j.outcome == "fail" and "command line says d1" in j.message


# ---- dom0: Domain 0 boots first (d1) and the test's domains follow

def dom0_console(pair_domids, status="pass"):
    """Domain 0 as d1 beside the pair at PAIR_DOMIDS: Domain 0 ends last, with its own
    verdict and poweroff, as tools/dom0 does once the others are gone."""
    lines = peers_console(*[(dom, ["verdict: PASS"], "poweroff") for dom in pair_domids],
                          status=None)
    lines[1:1] = ["domain: d1 'dom0' created (pv, 16 MiB, 1 vCPU) from dom0.cfg",
                  "(d1) dom0: d1 serves xenstore and the consoles"]
    lines[-1:-1] = ["(d1) dom0: no other domain is left; Domain 0 ends",
                    "(d1) verdict: PASS", "domain: d1 'dom0' shut down: poweroff"]
    return lines + ["XENO-STATUS: %s" % status]


def test_dom0_manifest_shifts_domain_ids(tmp_path):
    t = parse_manifest(write(tmp_path, 'environments = "pv64"\npeers = 2\ndom0 = 1\n'))
    assert (t.dom0, t.boot, t.peer_domid(0)) == (1, "alone", 2)
    assert "peer_domids=2,3" in t.config_text("pv64", 0)
    assert t.boot_configs("pv64") == [guesttests.DOM0_CONFIG] + t.configs("pv64")
    one = parse_manifest(write(tmp_path, 'environments = "pv64"\ndom0 = 1\n', "u"))
    assert one.boot == "alone" and one.boot_configs("pv64")[0] == guesttests.DOM0_CONFIG
    assert guesttests.plan_boots([(one, "pv64"), (HELLO, "pv64")]) == \
        [((one, "pv64"),), ((HELLO, "pv64"),)]
    assert parse_manifest(write(tmp_path, 'environments = "pv64"\n', "v")).boot_configs(
        "pv64") == [guesttests.BUILD_DIR / "v" / "v-pv64.cfg"]


def test_dom0_judges_only_the_tests_domains():
    pair = dataclasses.replace(PAIR, dom0=1)
    j = judge(dom0_console([2, 3]), pair, "pv64", "pass")
    assert j.outcome == "pass" and "dom0" not in j.message, j.message
    j = judge(dom0_console([3, 4]), pair, "pv64", "pass")
    assert j.outcome == "fail" and "command line says d2 (Domain 0 is d1)" in j.message
    lines = [line for line in dom0_console([2, 3]) if "pair-p1" not in line
             and not line.startswith("(d3)")]
    j = judge(lines, pair, "pv64", "pass")
    assert j.outcome == "fail" and "pair-p1" in j.message


# ---- mixed peers: each peer in its own environment, one boot, one item

def test_mixed_peers_manifest_item_configs_and_platform(tmp_path, monkeypatch):
    t = parse_manifest(write(tmp_path, 'environments = "pv64 pvh64"\npeers = 2\n'
                                       'peer_environments = "pv64 pvh64"\n', "mix"))
    assert (t.peer_environments, t.boot) == (("pv64", "pvh64"), "alone")
    assert t.item_environments() == ("pv64+pvh64",)
    assert [c.name for c in t.configs("pv64+pvh64")] == ["mix-pv64-p0.cfg", "mix-pvh64-p1.cfg"]
    assert [t.elf("pv64+pvh64", k).name for k in range(2)] == ["mix-pv64.elf", "mix-pvh64.elf"]
    # SCons writes only the configs the one boot uses.
    assert [(k, c.name) for k, c in t.built_configs("pvh64")] == [(1, "mix-pvh64-p1.cfg")]
    assert 'type = "pvh"' in t.config_text("pvh64", 1)
    monkeypatch.setattr(guesttests.platforms, "kvm_status", lambda: (False, "no /dev/kvm"))
    assert guesttests.platform_for("pv64+pvh64") == "bochs"


MIX = GuestTest(name="mix", environments=("pv64", "pvh64"), memory=8, vcpus=1, cmdline="",
                expect_shutdown="poweroff", summary="", boot="alone", peers=2,
                peer_environments=("pv64", "pvh64"))


def mixed_console(types=("pv", "pvh"), said=("verdict: PASS", "verdict: PASS")):
    lines = ["Xeno 0.1.0 (debug) x86-64 hypervisor"]
    for k, kind in enumerate(types):
        lines.append("domain: d%d 'mix-p%d' created (%s, 8 MiB, 1 vCPU) from mix-%s64-p%d.cfg"
                     % (k + 1, k, kind, kind, k))
    for k, line in enumerate(said):
        lines += ["(d%d) %s" % (k + 1, line), "domain: d%d 'mix-p%d' shut down: poweroff"
                  % (k + 1, k)]
    return lines + ["xeno: all domains have ended", "XENO-STATUS: pass"]


def test_mixed_peers_pass_only_when_both_pass_in_their_own_environments():
    j = judge(mixed_console(), MIX, "pv64+pvh64", "pass")
    assert j.outcome == "pass", j.message
    j = judge(mixed_console(said=("verdict: PASS", "verdict: FAIL: no event")), MIX,
              "pv64+pvh64", "pass")
    assert j.outcome == "fail" and "d2 'mix-p1' verdict: FAIL: no event" in j.message
    j = judge(mixed_console(types=("pv", "pv")), MIX, "pv64+pvh64", "pass")
    assert j.outcome == "fail" and "created as pv, but its environment pvh64 is pvh" in j.message
