"""Debian's unmodified kernel boots as a Xeno PV domU, without Domain 0, to a busybox
/init (xeno.init=smoke), which reports what it sees, runs 200 processes, pipes 4 MiB
through two more, fills most of its free RAM, and powers off. No xenstore: its store
channel is 0, which Linux takes as "no xenstored yet" and boots on. Any warning, oops or BUG from the guest kernel fails the test, as
does a crash, a hang or a missing report: the kernel's page tables, forks and exits all
go through Xeno's validated page-table paths (mmu_update, mmuext pin/unpin, writable
page tables), its timer through vCPU timers and event channels.

When the packages cannot be fetched (no package lists, no network), the test fails with
that reason: it never passes without booting Linux.
"""
import re

from xenolib import errors, linux_guest, paths, runner

MD5_OF_4_MIB_OF_ZEROS = "b5cfa9d6c8febd618f91ac2843d50a1c"
GUEST_TROUBLE = re.compile(r"^\(d\d+\) \[[ 0-9.]+\] .*(WARNING:|BUG:|Oops|Call Trace|"
                           r"Kernel panic|segfault)")


def init_reports(lines):
    """The `init: ...` reports of guests/linux/init, without the printk prefix."""
    found = [re.match(r"^\(d1\) \[[ 0-9.]+\] init: (.*)$", line) for line in lines]
    return [m.group(1) for m in found if m]


def test_debian_kernel_boots_without_dom0_to_init_and_powers_off():
    try:
        config = linux_guest.prepare()
    except errors.XenoError as e:
        raise AssertionError("cannot prepare the Linux guest: %s" % e) from None
    # Two CPUs for its two vCPUs: they run at once, so its TLB shootdowns,
    # IPIs and spinlock polls cross real CPUs.
    result = runner.boot(paths.elf("debug"), "qemu", smp=2, configs=[config], timeout=300)
    print(result.message)
    print("run directory:", result.run_dir)
    print("\n".join(result.lines))
    assert not result.timed_out, result.message
    assert result.verdict == "pass", result.message
    reports = init_reports(result.lines)
    assert any(re.match(r"kernel Linux 6\.\d+\.\d+-\d+-amd64 on hypervisor xen$", r)
               for r in reports), reports
    assert "cpus %d" % linux_guest.VCPUS in reports, reports
    assert "online %d" % linux_guest.VCPUS in reports, reports
    mem = [int(m.group(1)) for m in (re.match(r"MemTotal:\s+(\d+) kB$", r) for r in reports) if m]
    assert mem and 64 * 1024 < mem[0] <= linux_guest.MEMORY_MIB * 1024, reports
    assert "processes 200" in reports, reports
    assert "pipe md5 %s  -" % MD5_OF_4_MIB_OF_ZEROS in reports, reports
    assert "filled %d bytes" % (48 << 20) in reports, reports
    assert reports[-1] == "done", reports
    assert "domain: d1 'linux' shut down: poweroff" in result.lines
    trouble = [line for line in result.lines if GUEST_TROUBLE.match(line)]
    assert trouble == [], trouble
    crashed = [line for line in result.lines if " crashed: " in line]
    assert crashed == [], crashed
