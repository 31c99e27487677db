"""Debug keys typed on the hypervisor console (xen/keyhandler.c): help, a dump of
every domain and vCPU, and pausing and unpausing domains. The ticker guest prints a
tick every 50 ms, so a pause of 0.5 s that works leaves no tick between the pause and
the unpause, and the guest still ends with all ten ticks."""
import re
import subprocess
import sys

from xenolib import paths
from system_checks import assert_finished

TICKER = paths.ROOT / "build" / "guests" / "ticker" / "ticker-pv64.cfg"


def index(lines, regex, start=0):
    for i in range(start, len(lines)):
        if re.search(regex, lines[i]):
            return i
    raise AssertionError("no line matching %r after line %d" % (regex, start))


def test_pause_dump_and_unpause_from_the_console(boot):
    result = boot("qemu", configs=[TICKER], keys=[
        (r"^\(d1\) tick 2$", "hpd"),
        (r"^keys:   vcpu0 .*paused", "u", 0.5),
    ])
    assert_finished(result)
    lines = result.lines
    index(lines, r"^keys: h help, d dump domains and vCPUs")
    paused = index(lines, r"^keys: d1 'ticker' paused$")
    index(lines, r"^keys: d1 'ticker' active, \d+ pages", paused)
    index(lines, r"^keys:   vcpu0 (runnable|blocked), paused rip=[0-9a-f]{16}", paused)
    unpaused = index(lines, r"^keys: d1 'ticker' unpaused$", paused)
    ticks_while_paused = [l for l in lines[paused:unpaused] if l.startswith("(d1) tick")]
    assert not ticks_while_paused, "ticks while paused: %s" % ticks_while_paused
    index(lines, r"^\(d1\) tick 3$", unpaused)
    index(lines, r"^\(d1\) verdict: PASS$", unpaused)
    assert result.verdict == "pass", result.message


def test_run_interactive_types_standard_input_on_the_console(tmp_path):
    """`tools/xeno run -i` types what arrives on its standard input: here `h`, which the
    debug keys answer, while a ticker set to run for 4 s keeps the run going."""
    config = tmp_path / "ticker.cfg"
    config.write_text('name = "ticker"\nmemory = 8\nkernel = "%s"\ncmdline = "ticks=40 '
                      'period_ms=100"\n' % TICKER.with_suffix(".elf"))
    done = subprocess.run([sys.executable, str(paths.XENO), "run", "-i", "--timeout", "60",
                           str(config)], input="h\n", stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120)
    print(done.stdout)
    assert done.returncode == 0, done.stdout
    assert re.search(r"^keys: h help, d dump domains", done.stdout, re.M), done.stdout
    assert re.search(r"^\(d1\) verdict: PASS$", done.stdout, re.M), done.stdout
