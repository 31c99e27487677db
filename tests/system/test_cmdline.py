"""The hypervisor command line: unknown options are warned about, not fatal."""
from xenolib import contract
from system_checks import assert_finished


def test_unknown_option_warns_and_boot_passes(boot):
    result = boot("qemu", cmdline="frobnicate=1")
    assert_finished(result)
    m = contract.first(contract.CMDLINE, result.lines)
    assert m and "frobnicate=1" in m.group(1).split(), "cmdline line: %r" % (m and m.group(0))
    warned = [w.group(1) for w in contract.every(contract.UNKNOWN_OPTION, result.lines)]
    assert warned == ["frobnicate"], "unknown-option warnings: %s" % warned
    assert result.verdict == "pass", result.message


def test_bad_value_warns_and_boot_passes(boot):
    result = boot("qemu", cmdline="loglvl=loud")
    assert_finished(result)
    assert any(line.startswith("warning: ") and "'loud'" in line and "loglvl" in line
               for line in result.lines), "no warning about loglvl=loud"
    assert result.verdict == "pass", result.message
