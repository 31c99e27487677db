"""Domain 0 and two Linux domUs at once. Serial input starts with the first domU (d2),
which is crashed from inside (sysrq c); its panic is reported, Domain 0 drains its last
console output before it goes, and the hypervisor reports the crash. Ctrl-A three times
moves the input to the other domU (d3), which still answers, and powers off."""
import linux_session

SESSION = [
    (r"^\(d2\) .*init: shell on hvc0", "\n", 0.3),
    (r"^\(d2\) linux:/# ", "echo c > /proc/sysrq-trigger\n"),
    (r"^domain: d2 'a' shut down: crash", "\x01\x01\x01"),
    (r"^console: input to d3 'b'", "\necho ALIVE-$((2 + 3))\n"),
    (r"^\(d3\) ALIVE-5$", "poweroff\n"),
]


def test_one_domu_crashes_the_other_keeps_answering():
    result = linux_session.boot(linux_session.configs("a", "b"), SESSION, timeout=400)
    assert not result.timed_out, result.message
    lines = result.lines
    crash = lines.index("domain: d2 'a' shut down: crash")
    gone = next(i for i, line in enumerate(lines) if line.startswith("domain: d2 destroyed"))
    # Its panic names the reason, and reached the console before the domain went. Domain
    # 0 forwards it while the hypervisor reports the shutdown, so either may come first;
    # the destruction waits for the console to drain.
    assert any("Kernel panic - not syncing: sysrq triggered crash" in line
               for line in lines[:gone] if line.startswith("(d2) ")), "no panic message"
    alive = [i for i, line in enumerate(lines) if line.startswith("(d3) ALIVE-5")]
    assert alive and alive[0] > crash, "d3 did not answer after d2's crash"
    assert "domain: d3 'b' shut down: poweroff" in lines[crash:]
    assert (linux_session.dom0_served(lines, 3) or 0) > 10
    assert "(d1) verdict: PASS" in lines
    assert linux_session.trouble([l for l in lines if l.startswith("(d3) ")]) == []
