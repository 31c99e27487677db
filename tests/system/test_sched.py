"""The BVT scheduler on two CPUs, measured by the sched_probe guest (guests/tests/
sched_probe): CPU shares follow the configs' weights, a warped domain wakes sooner than
an unwarped one, a spinning domain does not starve a sleeper, busy domains spread over
both CPUs, and 34 domains run at once.

Each probe reports what it measured from its own runstate and pvclock between two
system times given on its command line, so the domains of one boot measure the same
window. The bounds are loose enough for emulated CPUs whose host threads share two cores
with other emulators, and tight enough that a policy ignoring the parameter fails.
"""
import re

import pytest

from xenolib import paths
from system_checks import assert_finished

PROBE_ELF = paths.ROOT / "build" / "guests" / "sched_probe" / "sched_probe-pv64.elf"
CPUS = 2
START_MS = 800          # after every domain of a boot is built and running
WINDOW_MS = 600


def probe_config(tmp_path, name, cmdline, start_ms=START_MS, window_ms=WINDOW_MS, **keys):
    """A config for one probe domain; KEYS are extra config keys (cpus, weight, ...)."""
    if not PROBE_ELF.is_file():
        pytest.fail("%s is missing: build first (`tools/xeno test` builds before testing)"
                    % PROBE_ELF, pytrace=False)
    link = tmp_path / PROBE_ELF.name
    if not link.exists():
        link.symlink_to(PROBE_ELF)
    lines = ['name = "%s"' % name, "memory = 8", 'kernel = "%s"' % PROBE_ELF.name,
             'cmdline = "%s start_ms=%d window_ms=%d"' % (cmdline, start_ms, window_ms)]
    lines += ["%s = %s" % (k, '"%s"' % v if isinstance(v, str) else v) for k, v in keys.items()]
    path = tmp_path / ("%s.cfg" % name)
    path.write_text("\n".join(lines) + "\n")
    return path


def spinner(tmp_path, name, **keys):
    return probe_config(tmp_path, name, "mode=spin", **keys)


def sleeper(tmp_path, name, period_us=4000, **keys):
    return probe_config(tmp_path, name, "mode=latency period_us=%d" % period_us, **keys)


# The icount boot is slower than the wall clock: a shorter window.
TICK_START_MS, TICK_WINDOW_MS = 600, 300


def measurements(result, names):
    """name -> the probe's `sched:` line, after checking every probe passed."""
    assert_finished(result)
    assert result.verdict == "pass", result.message
    domid = {}
    for line in result.lines:
        m = re.match(r"^domain: d(\d+) '([^']+)' created", line)
        if m:
            domid[m.group(2)] = m.group(1)
    found = {}
    for name in names:
        assert name in domid, "domain %s was not created" % name
        prefix = "(d%s) " % domid[name]
        assert prefix + "verdict: PASS" in result.lines, "%s did not pass" % name
        said = [l[len(prefix):] for l in result.lines
                if l.startswith(prefix + "sched: ")]
        assert len(said) == 1, "%s reported %r" % (name, said)
        found[name] = said[0]
    return found


def share(line):
    m = re.fullmatch(r"sched: share (\d+) ppm", line)
    assert m, line
    return int(m.group(1)) / 1e6


def latency(line):
    m = re.fullmatch(r"sched: wakes (\d+) mean (\d+) ns max (\d+) ns", line)
    assert m, line
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def run(boot, configs):
    # QEMU's icount clock: time is the guests' instructions, so the host's scheduling
    # of the emulator (other emulators share its two cores) cannot skew the shares.
    return boot("qemu", smp=CPUS, configs=configs, deterministic=True, timeout=180)


def test_cpu_shares_follow_weights(boot, tmp_path):
    """Two spinners on CPU 0, weights 2:1: shares 2/3 and 1/3 of it, within 5%."""
    configs = [spinner(tmp_path, "heavy", cpus="0", weight=512),
               spinner(tmp_path, "light", cpus="0", weight=256)]
    got = measurements(run(boot, configs), ["heavy", "light"])
    heavy, light = share(got["heavy"]), share(got["light"])
    print("shares: heavy %.3f light %.3f" % (heavy, light))
    assert heavy + light > 0.9, "CPU 0 was not kept busy: %.3f" % (heavy + light)
    assert abs(heavy / (heavy + light) - 2 / 3) <= 0.05, (heavy, light)


def test_equal_weights_share_equally_and_a_spinner_cannot_starve_a_sleeper(boot, tmp_path):
    """Two spinners and a sleeper on CPU 0: the spinners split what the sleeper leaves
    evenly, and the sleeper gets its CPU back within a few context-switch allowances of
    each timer, so it completes most of its wakes."""
    configs = [spinner(tmp_path, "spin_a", cpus="0"), spinner(tmp_path, "spin_b", cpus="0"),
               sleeper(tmp_path, "sleeper", cpus="0", period_us=4000)]
    got = measurements(run(boot, configs), ["spin_a", "spin_b", "sleeper"])
    a, b = share(got["spin_a"]), share(got["spin_b"])
    wakes, mean, worst = latency(got["sleeper"])
    print("shares %.3f %.3f; sleeper %d wakes, mean %d us, max %d us"
          % (a, b, wakes, mean // 1000, worst // 1000))
    assert abs(a / (a + b) - 0.5) <= 0.05, (a, b)
    # 250 wakes 4 ms apart if none were late; each may wait for a 5 ms allowance.
    assert wakes >= WINDOW_MS // (4 + 2 * 5), "the sleeper was starved: %d wakes" % wakes


def test_a_warped_domain_wakes_sooner(boot, tmp_path):
    """On CPU 0 beside two spinners, a sleeper with a warp is woken at once (it preempts
    a spinner), one without waits for a spinner's context-switch allowance."""
    configs = [spinner(tmp_path, "spin_a", cpus="0"), spinner(tmp_path, "spin_b", cpus="0"),
               sleeper(tmp_path, "warped", cpus="0", warp_us=20000, warp_limit_us=2000,
                       unwarp_us=1000),
               sleeper(tmp_path, "plain", cpus="0")]
    got = measurements(run(boot, configs), ["spin_a", "spin_b", "warped", "plain"])
    warped, plain = latency(got["warped"]), latency(got["plain"])
    print("warped: %d wakes, mean %d us, max %d us; plain: %d wakes, mean %d us, max %d us"
          % (warped[0], warped[1] // 1000, warped[2] // 1000,
             plain[0], plain[1] // 1000, plain[2] // 1000))
    assert warped[1] * 2 < plain[1], "the warp did not halve the mean wake-up latency"


def test_busy_domains_spread_over_both_cpus(boot, tmp_path):
    """Four spinners with no affinity: each gets about half a CPU, so both CPUs work."""
    names = ["busy%d" % i for i in range(4)]
    got = measurements(run(boot, [spinner(tmp_path, n) for n in names]), names)
    shares = [share(got[n]) for n in names]
    print("shares:", " ".join("%.3f" % s for s in shares))
    assert sum(shares) > 1.6, "both CPUs were not kept busy: %.3f" % sum(shares)
    assert min(shares) > 0.35, shares


def test_34_domains_run_at_once(boot, tmp_path):
    """34 spinners alive through one window on two CPUs: all pass, each gets a fair
    part of the machine."""
    names = ["many%02d" % i for i in range(34)]
    got = measurements(run(boot, [spinner(tmp_path, n) for n in names]), names)
    shares = [share(got[n]) for n in names]
    fair = CPUS / len(names)
    print("shares: min %.4f max %.4f, fair %.4f" % (min(shares), max(shares), fair))
    assert sum(shares) > 0.8 * CPUS, sum(shares)
    assert min(shares) > 0.5 * fair, shares


def test_timers_fire_within_a_tick_of_their_deadline(boot, tmp_path):
    """A sleeper alone on CPU 1 (a spinner keeps CPU 0, which runs the guests' timers,
    busy): every one-shot timer wakes it within one 10 ms housekeeping tick of its
    deadline by its pvclock, and on average within 1 ms. On QEMU's icount clock, so the
    host's own scheduling of the emulator (which can stall a CPU for tens of ms when
    other emulators share the cores) does not count: time is the guest's instructions."""
    window = dict(start_ms=TICK_START_MS, window_ms=TICK_WINDOW_MS)
    configs = [spinner(tmp_path, "busy", cpus="0", **window),
               sleeper(tmp_path, "sleeper", cpus="1", period_us=3000, **window)]
    result = boot("qemu", smp=CPUS, configs=configs, deterministic=True, timeout=120)
    got = measurements(result, ["busy", "sleeper"])
    wakes, mean, worst = latency(got["sleeper"])
    print("sleeper alone: %d wakes, mean %d us, max %d us" % (wakes, mean // 1000, worst // 1000))
    assert wakes >= TICK_WINDOW_MS // 4, wakes
    assert mean <= 1000000, "mean lateness %d ns" % mean
    assert worst <= 10000000, "a timer fired %d ns late" % worst
