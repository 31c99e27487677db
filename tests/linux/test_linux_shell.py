"""Domain 0 and Debian's kernel as a PV domU with a shell on hvc0: the console ring that
Domain 0 serves, with serial input routed to the domain. A scripted session is typed on
the serial console: it checks uname, /proc/cpuinfo and the hypervisor the kernel found,
reads the domain's own name from xenstore through /dev/xen/xenbus (Domain 0's xenstored
over the xenstore ring), runs 200 processes, a pipeline over 4 MiB, fills most of the
RAM, and types `poweroff`. Each command prints a marker that only its output can hold
(the echo of the typed line holds the unexpanded expression)."""
import re

import linux_session
from xenolib import linux_guest

MD5_OF_4_MIB_OF_ZEROS = "b5cfa9d6c8febd618f91ac2843d50a1c"
PROMPT = r"^\(d2\) linux:/# "
# The READ request for "name" (relative: /local/domain/2/name): header {type 2, req_id 0,
# tx_id 0, len 5} and "name\0", in printf's octal escapes.
XS_READ_NAME = ("\\002\\000\\000\\000" + "\\000\\000\\000\\000" * 2 + "\\005\\000\\000\\000"
                + "name\\000")
SESSION = [
    (r"^\(d2\) .*init: shell on hvc0", "\n", 0.3),
    (PROMPT, "echo UNAME $(uname -sr) HV $(cat /sys/hypervisor/type)\n"),
    (r"^\(d2\) UNAME ", "echo CPUS $(grep -c ^processor /proc/cpuinfo) ONLINE $(nproc)\n"),
    (r"^\(d2\) CPUS ", "echo MEM $(grep MemTotal /proc/meminfo)\n"),
    (r"^\(d2\) MEM ", "exec 3<>/dev/xen/xenbus; printf '%s' >&3; "
                      "echo XSNAME $(dd bs=4096 count=1 <&3 2>/dev/null | tail -c +17)\n"
     % XS_READ_NAME),
    (r"^\(d2\) XSNAME ", "i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i + 1)); done; "
                         "echo PROCS $i\n"),
    (r"^\(d2\) PROCS ", "echo MD5 $(dd if=/dev/zero bs=1024 count=4096 2>/dev/null | cat | "
                        "cat | md5sum)\n"),
    (r"^\(d2\) MD5 ", "mkdir -p /fill && mount -t tmpfs -o size=90% fill /fill && "
                      "dd if=/dev/zero of=/fill/z bs=1048576 count=48 2>/dev/null; "
                      "echo FILLED $(wc -c < /fill/z); rm /fill/z\n"),
    (r"^\(d2\) FILLED ", "poweroff\n"),
]


def marker(out, name):
    found = [line[len(name) + 1:] for line in out if line.startswith(name + " ")]
    assert found, "no %s line in the domain's output" % name
    return found[-1]


def test_shell_session_over_dom0_console_and_xenstore():
    result = linux_session.boot(linux_session.configs("linux"), SESSION)
    assert not result.timed_out, result.message
    assert result.verdict == "pass", result.message
    out = linux_session.output(result.lines, 2)
    assert re.fullmatch(r"Linux 6\.\d+\.\d+-\d+-amd64 HV xen", marker(out, "UNAME")), out
    assert marker(out, "CPUS") == "%d ONLINE %d" % (linux_guest.VCPUS, linux_guest.VCPUS)
    mem = int(re.fullmatch(r"MemTotal: (\d+) kB", marker(out, "MEM")).group(1))
    assert 64 * 1024 < mem <= linux_guest.MEMORY_MIB * 1024
    assert marker(out, "XSNAME") == "linux"
    assert marker(out, "PROCS") == "200"
    assert marker(out, "MD5") == "%s -" % MD5_OF_4_MIB_OF_ZEROS
    assert marker(out, "FILLED") == str(48 << 20)
    assert "domain: d2 'linux' shut down: poweroff" in result.lines
    assert (linux_session.dom0_served(result.lines, 2) or 0) > 10
    assert "(d1) verdict: PASS" in result.lines
    assert linux_session.trouble(result.lines) == []
    assert [line for line in result.lines if " crashed: " in line] == []
