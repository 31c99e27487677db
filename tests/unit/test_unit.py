"""Runs every host unit-test program built from tests/unit/test_*.c.

`scons` builds them into build/unit/; each program prints one line per
test and ends with "N passed, M failed".  A program that is missing, exits
non-zero, reports a sanitizer finding or does not end with
"N passed, 0 failed" (N > 0) fails here.
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIR = ROOT / "tests" / "unit"
BUILD_DIR = ROOT / "build" / "unit"
PROGRAMS = sorted(p.stem for p in SOURCE_DIR.glob("test_*.c"))
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$")


@pytest.mark.parametrize("program", PROGRAMS)
def test_unit_program(program):
    path = BUILD_DIR / program
    assert path.is_file(), f"{path} is missing: build it with scons first"
    env = dict(os.environ, UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    proc = subprocess.run([str(path)], capture_output=True, text=True,
                          timeout=300, env=env, cwd=BUILD_DIR)
    output = proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert proc.returncode == 0, f"{program} exited {proc.returncode}:\n{output}"
    for marker in ("runtime error:", "AddressSanitizer", "LeakSanitizer"):
        assert marker not in output, f"{program}: sanitizer report:\n{output}"
    assert lines, f"{program} printed nothing"
    match = SUMMARY.match(lines[-1])
    assert match, f"{program}: last line is not a summary:\n{output}"
    passed, failed = int(match.group(1)), int(match.group(2))
    assert failed == 0 and passed > 0, f"{program}:\n{output}"
