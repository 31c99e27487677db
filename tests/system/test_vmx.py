"""The VMX self-test (hvm/selftest/, docs/hvm.md): under Bochs a container runs a small
32-bit guest that makes every kind of exit, crashes by touching memory outside the
container, and is run again to triple-fault; the hypervisor boots on to pass. Under
QEMU TCG (no VMX) the self-test says it is skipped.

Bochs tests come first so that pytest-xdist starts the slow boots early.
"""
import re

from system_checks import assert_finished
from xenolib import platforms

EXIT_COUNT = re.compile(r"^hvm: vmx-selftest vcpu0 exit (\S+) (\d+)$")
CRASH = re.compile(r"^hvm: container crashed: (.*)$")
EPT_PAGES = re.compile(r"^vmx: 'vmx-selftest' gpa (0|0x[0-9a-f]+)-(0x[0-9a-f]+): "
                       r"(\d+) 2MiB and (\d+) 4KiB EPT pages$")
RUN = re.compile(r"^vmx: selftest run (\d+):")
# The exits the guest's code makes on purpose in run 1.
RUN1_EXITS = ("cpuid", "rdmsr", "wrmsr", "io", "nested_page_fault", "hlt", "hypercall",
              "cr_access", "intr_window", "preempt_timer")
GUEST_LINES = (
    "(vmx) hello from the VMX self-test guest: 32-bit protected mode, paging off",
    "(vmx) cpuid: hypervisor signature XenVMMXenVMM",
    "(vmx) msr: #GP injected for unlisted MSRs",
    "(vmx) io: unknown ports read all-ones",
    "(vmx) mmio: register reads back 0x12349aef",
    "(vmx) irq: held while IF=0, delivered after sti, woke hlt",
    "(vmx) vmcall: xen_version returned 0x00040011",
    "(vmx) touching memory outside the container",
    "(vmx) run 2: a triple fault comes next",
)


def lines_of_run(result, run):
    """The console lines of self-test run RUN, up to the next run or the verdict."""
    lines, inside = [], False
    for line in result.lines:
        m = RUN.match(line)
        if m:
            inside = int(m.group(1)) == run
        elif line.startswith("vmx: selftest passed") or line.startswith("vmx: selftest failed"):
            inside = False
        if inside:
            lines.append(line)
    return lines


def exit_counts(lines):
    return {m.group(1): int(m.group(2)) for m in (EXIT_COUNT.match(l) for l in lines) if m}


def bochs_log(result):
    return result.emulator_log.read_text(errors="replace").splitlines()


def bochs_failures(result):
    return platforms.bochs_log_failures(result.emulator_log)


def assert_selftest_passed(result):
    assert_finished(result)
    assert result.verdict == "pass", result.message
    assert "vmx: selftest passed" in result.lines, "no 'vmx: selftest passed' line"
    boot_line = next(i for i, l in enumerate(result.lines) if l.startswith("boot: "))
    assert result.lines.index("vmx: selftest passed") < boot_line, \
        "the self-test must run before the boot: line"


def test_bochs_vmx_selftest(boot):
    result = boot("bochs", cmdline="vmx_selftest loglvl=debug")
    assert_selftest_passed(result)

    run1 = lines_of_run(result, 1)
    counts = exit_counts(run1)
    for kind in RUN1_EXITS:
        assert counts.get(kind, 0) > 0, "run 1 counted no %s exits: %s" % (kind, counts)
    for line in GUEST_LINES:
        assert line in result.lines, "the guest did not print %r" % line
    assert not [l for l in result.lines if l.startswith("(vmx) FAIL")], "a guest check failed"
    done = [re.match(r"^\(vmx\) done: (\d+) of (\d+) checks passed$", l) for l in run1]
    done = [m for m in done if m]
    assert done and done[0].group(1) == done[0].group(2) and int(done[0].group(2)) > 30, \
        "the guest did not pass all its checks"

    crashes = [m.group(1) for m in (CRASH.match(l) for l in result.lines) if m]
    assert crashes == ["EPT violation at gpa 0x80000000 (read)", "triple fault"], crashes
    dump = run1[run1.index("hvm: container crashed: EPT violation at gpa 0x80000000 (read)"):]
    assert any(l.startswith("hvm:   rip ") for l in dump), "no guest state dump after the crash"
    assert any(l.startswith("hvm:   cr0 ") for l in dump), "no control registers in the dump"
    assert exit_counts(lines_of_run(result, 2)).get("triple_fault") == 1

    # 2 MiB EPT pages where guest and host addresses allow, 4 KiB pages elsewhere.
    pages = [m.groups() for m in (EPT_PAGES.match(l) for l in result.lines) if m]
    assert ("0", "0x1fffff", "1", "0") in pages, pages
    assert ("0x400000", "0x40ffff", "0", "16") in pages, pages

    assert not bochs_failures(result), "the Bochs log reports: %s" % bochs_failures(result)


def test_bochs_failed_vm_entry_is_named(boot):
    """Run 3 enters with RFLAGS bit 1 clear: our report and Bochs's log name the same
    check, and only that container dies."""
    result = boot("bochs", cmdline="vmx_selftest=entry_failure")
    assert_selftest_passed(result)
    crashes = [m.group(1) for m in (CRASH.match(l) for l in lines_of_run(result, 3)) if m]
    assert crashes == ["VM entry failed: invalid guest state (exit reason 33, qualification 0: "
                       "a guest-state check); RFLAGS bit 1 is 0 (26.3.1.4)"], crashes
    failures = bochs_failures(result)
    assert len(failures) == 1 and failures[0].endswith("VMENTER FAIL: RFLAGS[1] cleared"), \
        failures


def test_qemu_without_vmx_skips_the_selftest(boot):
    result = boot("qemu", cmdline="vmx_selftest")
    assert_finished(result)
    assert result.verdict == "pass", result.message
    assert "vmx: selftest skipped: no VMX" in result.lines
    assert not [l for l in result.lines if l.startswith("hvm:")]
