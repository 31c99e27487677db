"""Runs each libFuzzer target of tests/fuzz briefly: a fixed seed and a fixed
number of inputs, a few seconds each, so the suite stays deterministic.

The targets need clang-14 and libclang-rt-14-dev, which `tools/xeno setup`
installs; a missing target is a failure, not a skip.  docs/testing.md says how
to run them for hours.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = ROOT / "build" / "fuzz"
TARGETS = sorted(p.stem for p in (ROOT / "tests" / "fuzz").glob("fuzz_*.c"))
RUNS = 20000


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_target_briefly(target, tmp_path):
    path = BUILD_DIR / target
    if not path.is_file():
        clang = shutil.which("clang-14") or shutil.which("clang")
        hint = ("build it with scons" if clang else
                "clang-14 is not installed: run `tools/xeno setup` "
                "(clang-14, libclang-rt-14-dev), then scons")
        pytest.fail(f"{path} is missing: {hint}")
    env = dict(os.environ, UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    command = [str(path), f"-runs={RUNS}", "-seed=1", "-max_len=512", "-timeout=30",
               f"-artifact_prefix={tmp_path}/"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env=env, cwd=tmp_path)
    output = proc.stdout + proc.stderr
    tail = "\n".join(output.splitlines()[-60:])
    assert proc.returncode == 0, f"{target} exited {proc.returncode}:\n{tail}"
    assert f"Done {RUNS} runs" in output, f"{target} did not finish:\n{tail}"
