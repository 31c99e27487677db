"""What the Linux tests with Domain 0 share: typing a scripted session on the serial
console (runner.boot's keys) and judging the output of each domain."""
import re

from xenolib import errors, linux_guest, paths, runner

GUEST_TROUBLE = re.compile(r"^\(d\d+\) .*(WARNING:|BUG:|Oops|Call Trace|segfault)")


def configs(*names):
    try:
        return linux_guest.shell_configs(*names)
    except errors.XenoError as e:
        raise AssertionError("cannot prepare the Linux guests: %s" % e) from None


def boot(configs, keys, timeout=300, mem=None):
    """Boot Domain 0 and the Linux domains on two CPUs with KEYS typed as they come, into
    shells, which echo them (each piece waits for the echo of the one before)."""
    result = runner.boot(paths.elf("debug"), "qemu", smp=2, mem=mem, configs=configs,
                         timeout=timeout, keys=keys, echoed_keys=True)
    print(result.message)
    print("run directory:", result.run_dir)
    print("\n".join(result.lines))
    return result


def output(lines, domid):
    """Domain DOMID's console lines, without the prefix."""
    prefix = "(d%d) " % domid
    return [line[len(prefix):] for line in lines if line.startswith(prefix)]


def trouble(lines):
    return [line for line in lines if GUEST_TROUBLE.match(line)]


def dom0_served(lines, domid):
    """The xenstore requests Domain 0 served for DOMID, from its line at the end."""
    for line in lines:
        m = re.match(r"^\(d1\) dom0: d%d '.*' disconnected after (\d+) xenstore requests"
                     % domid, line)
        if m:
            return int(m.group(1))
    return None
