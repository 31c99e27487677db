"""Assertions on a boot's serial lines, per docs/boot-contract.md, shared by the tests."""
import pytest

from xenolib import contract, guesttests


def lines_from(result, regex):
    """The lines from the first match of REGEX to the end (e.g. a panic report)."""
    for i, line in enumerate(result.lines):
        if regex.match(line):
            return result.lines[i:]
    return []


def assert_finished(result):
    """Every run ends with XENO-STATUS as the last line, not with a timeout."""
    assert not result.timed_out, result.message
    assert result.verdict is not None, result.message
    printed = [line for line in result.lines if line.strip()]
    assert contract.STATUS.match(printed[-1]), \
        "XENO-STATUS is not the last line; the last is %r" % printed[-1]


def assert_banner(result):
    m = contract.first(contract.BANNER, result.lines)
    assert m, "no banner line"
    assert m.group(2) == "debug", "booted the %s build, expected debug" % m.group(2)


def assert_memory(result, mem_mib):
    """Usable RAM within 1% of what the emulator was given, and never more: firmware
    holes (the 640 KiB-1 MiB gap, ACPI tables) take a little, nothing adds any."""
    m = contract.first(contract.MEMORY, result.lines)
    assert m, "no memory: line"
    usable, given = int(m.group(1)), mem_mib * 1024
    assert usable <= given, "%d KiB usable, more than the %d KiB given" % (usable, given)
    assert usable >= given * 0.99, \
        "%d KiB usable is more than 1%% below the %d KiB given" % (usable, given)


def assert_cpus(result, smp):
    m = contract.first(contract.SMP, result.lines)
    assert m, "no smp: line"
    assert int(m.group(1)) == smp, "%s CPUs online, %d given" % (m.group(1), smp)


def assert_timers(result, smp):
    """One timer line per CPU; each CPU's ticks within 10% of what the PIT window and
    the tick rate predict (the expected count is recomputed, not taken on trust)."""
    timers = contract.every(contract.TIMER, result.lines)
    cpus = sorted(int(t.group(1)) for t in timers)
    assert cpus == list(range(smp)), "timer lines for CPUs %s, expected 0..%d" % (cpus, smp - 1)
    for t in timers:
        cpu, ticks, ms, hz, expected = (int(x) for x in t.groups())
        predicted = ms * hz / 1000
        assert abs(expected - predicted) <= 1, \
            "cpu%d: expected %d ticks, but %d ms at %d Hz is %g" % (cpu, expected, ms, hz, predicted)
        assert abs(ticks - predicted) <= 0.10 * predicted, \
            "cpu%d: %d ticks, more than 10%% off %g" % (cpu, ticks, predicted)


def assert_healthy_boot(result, smp, mem_mib):
    assert_finished(result)
    assert result.verdict == "pass", result.message
    assert result.exit_code == 0
    assert_banner(result)
    assert_memory(result, mem_mib)
    assert_cpus(result, smp)
    assert_timers(result, smp)


def assert_panic_with_backtrace(result, function):
    """A PANIC report whose backtrace has two or more symbolized frames, one in FUNCTION."""
    assert_finished(result)
    assert result.verdict == "panic", result.message
    assert result.exit_code == 2
    report = lines_from(result, contract.PANIC)
    assert report, "no PANIC line"
    frames = contract.every(contract.FRAME, report)
    assert len(frames) >= 2, "%d symbolized backtrace frames, expected 2 or more" % len(frames)
    names = [f.group(2) for f in frames]
    assert function in names, "no frame in %s; frames: %s" % (function, ", ".join(names))
    return report


def boot_guest_test(boot, test, configs):
    """Boot the guest test TEST (guesttests.parse_manifest) from CONFIGS on the guests
    suite's CPUs; it must finish and pass as the guests suite would judge it."""
    for cfg in configs:
        if not cfg.is_file():
            pytest.fail("%s is missing: build first (`tools/xeno test` builds before "
                        "testing)" % cfg, pytrace=False)
    result = boot("qemu", smp=guesttests.BOOT_CPUS, configs=configs)
    assert_finished(result)
    verdict = guesttests.judge(result.lines, test, "pv64", result.verdict, result.timed_out)
    assert verdict.outcome == "pass", verdict.message
    return result
