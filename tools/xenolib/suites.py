"""`tools/xeno test`: build everything, then run test suites with pytest."""
from __future__ import annotations

import os
import subprocess
import sys

from . import build, paths
from .errors import UsageError, XenoError

# Suite name -> directory of pytest tests. Later issues add suites here.
SUITES = {
    "unit": "tests/unit",       # host-compiled C tests of hypervisor source files
    "system": "tests/system",   # boots under QEMU and Bochs
    "guests": "tests/guests",   # self-checking guest tests (guests/tests/NAME), several test domains per boot
    "linux": "tests/linux",     # Debian's stock kernel as a PV domU (fetched with apt-get download)
}
DEFAULT_SUITES = list(SUITES)
# Suites that boot emulators run on two pytest-xdist workers: two emulators at a time,
# one per core of the project's machines.
PARALLEL_SUITES = {"system", "guests", "linux"}
PYTEST_NO_TESTS = 5


def pytest_python(need_xdist: bool) -> str:
    """An interpreter that can import pytest (and xdist). The `python3` on PATH may be a
    separate install that cannot see Debian's python3-pytest; /usr/bin/python3 can."""
    modules = "pytest, xdist" if need_xdist else "pytest"
    for python in ("/usr/bin/python3", sys.executable):
        if python and os.path.exists(python):
            probe = subprocess.run([python, "-c", "import " + modules],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   check=False)
            if probe.returncode == 0:
                return python
    raise XenoError("no python3 here can import %s; run `tools/xeno setup` "
                    "(python3-pytest, python3-pytest-xdist)" % modules)


def cmd_test(args) -> int:
    names = args.suites or DEFAULT_SUITES
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        raise UsageError("unknown suite %r (known: %s)" % (unknown[0], ", ".join(SUITES)))
    names = list(dict.fromkeys(names))   # once each, in the order given
    dirs = [SUITES[n] for n in names]
    for d in dirs:
        if not (paths.ROOT / d).is_dir():
            raise XenoError("suite directory %s does not exist" % d)
    parallel = any(n in PARALLEL_SUITES for n in names)
    python = pytest_python(parallel)
    build.scons([])
    command = [python, "-m", "pytest"]
    if parallel:
        command += ["-n", "2"]
    if args.k:
        command += ["-k", args.k]
    command += dirs
    print("test: %s" % " ".join(command), flush=True)
    rc = subprocess.run(command, cwd=paths.ROOT, stdin=subprocess.DEVNULL,
                        check=False).returncode
    if rc == PYTEST_NO_TESTS:
        print("test: pytest ran no tests in %s; that counts as a failure"
              % " ".join(dirs), file=sys.stderr)
        return 1
    return rc
