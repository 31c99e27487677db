"""Boots the self-checking guest tests (guests/tests/NAME) in each environment their
manifests declare, under the debug hypervisor, and reads each one's verdict.

One pytest item per test and environment, named like `hello[pv64]`. Tests of one
environment share boots, each in a domain of its own built from its own config
(guesttests.plan_boots; `boot = "alone"` in a manifest opts out): the first item of
a boot to run boots it, and the other items read the same console. With pytest-xdist
the workers share that through files under build/guest-boots/, one per boot, each
written under a lock by the worker that booted it.

A test with `peers = N` boots N domains of its image in a boot of its own and passes
only when every one of them passes (guesttests.judge). A test with `dom0 = 1` boots
Domain 0's config before its own, in a boot of its own. A test with
`peer_environments` is one item, `NAME[pv64+pvh64]`: its peers, each in its own
environment, in one boot.

An item passes only when its domain was created, its last console line is
`verdict: PASS`, it shut down with the manifest's reason and the run ended with
XENO-STATUS: pass (guesttests.judge: other domains of a shared boot, a crash of one
included, are not its business). `verdict: SKIP: reason` makes the item skip.
"""
import dataclasses
import fcntl
import hashlib
import inspect
import json
import os
import shutil
import time
import uuid
from pathlib import Path

import pytest

from xenolib import guesttests, paths, platforms, runner
from xenolib.errors import XenoError

BOOTS_DIR = paths.BUILD / "guest-boots"
PRUNE_AGE_S = 3600
# Without xdist every item runs in this process, which needs no other id.
_LOCAL_RUN = uuid.uuid4().hex


def missing_files(test, env):
    """Why TEST cannot boot in ENV from what is built, or None."""
    if not paths.elf("debug").is_file():
        return ("%s is missing: run `tools/xeno build` first (`tools/xeno test` builds "
                "before testing)" % paths.elf("debug"))
    kernels = ([guesttests.DOM0_CONFIG.parent / "dom0-pv64.elf"] if test.dom0 else []) + [
        test.elf(env, k) for k in range(len(test.configs(env)))]
    for config, kernel in zip(test.boot_configs(env), kernels):
        if not config.is_file() or not kernel.is_file():
            return ("%s or its kernel is missing: build the guests first (scons build/guests)"
                    % config)
    if "configs" not in inspect.signature(runner.boot).parameters:
        return ("runner.boot() takes no configs= yet: this tree cannot boot domain configs "
                "(tools/xeno run CONFIG)")
    return None


def _boot_dir() -> Path:
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or _LOCAL_RUN
    BOOTS_DIR.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in BOOTS_DIR.iterdir():
        try:
            if old.name != run and now - old.stat().st_mtime > PRUNE_AGE_S:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue
    path = BOOTS_DIR / run
    path.mkdir(exist_ok=True)
    return path


def _boot(group) -> dict:
    """Boots GROUP's configs together; the RunResult as a dict, or {"error": why}."""
    configs = [config for test, env in group for config in test.boot_configs(env)]
    platform = guesttests.platform_for(group[0][1])
    try:
        result = runner.boot(paths.elf("debug"), platform=platform, smp=guesttests.BOOT_CPUS,
                             configs=configs)
    except XenoError as e:
        return {"error": "the boot of %s could not start: %s"
                         % (", ".join(c.name for c in configs), e)}
    return json.loads(json.dumps(dataclasses.asdict(result), default=str))


def shared_boot(group) -> dict:
    """GROUP's boot, booted once per test run whichever worker asks first."""
    names = "+".join("%s[%s]" % (test.name, env) for test, env in group)
    key = hashlib.sha1(names.encode()).hexdigest()[:16]
    folder = _boot_dir()
    result_file = folder / (key + ".json")
    with open(folder / (key + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if result_file.exists():
            return json.loads(result_file.read_text())
        result = _boot(group)
        result["group"] = names
        tmp = result_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(result))
        tmp.replace(result_file)
        return result


class GuestItem(pytest.Item):
    def __init__(self, *, test, env, **kwargs):
        super().__init__(**kwargs)
        self.test, self.env = test, env
        self.boot_group = ((test, env),)     # conftest.py plans the shared boots

    def runtest(self):
        why = missing_files(self.test, self.env)
        if why:
            pytest.fail(why, pytrace=False)
        group = tuple(pair for pair in self.boot_group
                      if pair == (self.test, self.env) or not missing_files(*pair))
        result = shared_boot(group)
        if "error" in result:
            raise GuestFailure(result["error"])
        self.report_boot(group, result)
        verdict = guesttests.judge(result["lines"], self.test, self.env, result["verdict"],
                                   result["timed_out"], shared=len(group) > 1)
        print("judged:", verdict.message)
        if verdict.outcome == "skip":
            pytest.skip(verdict.message)
        if verdict.outcome != "pass":
            raise GuestFailure(verdict.message)
        # Every passing VT-x run: the emulator saw no failed VM entry either.
        if guesttests.platform_for(self.env) == "bochs":
            failures = platforms.bochs_log_failures(result["emulator_log"])
            if failures:
                raise GuestFailure("the Bochs log reports: %s" % failures[:3])

    def report_boot(self, group, result):
        platform = guesttests.platform_for(self.env)
        print("%s[%s] on %s, in one boot with %d domain%s (%s): %s"
              % (self.test.name, self.env, platform, len(group), "" if len(group) == 1 else "s",
                 ", ".join(test.name for test, _ in group), result["message"]))
        for note in result["notes"]:
            print("note:", note)
        print("run directory:", result["run_dir"])
        print("---- serial console ----")
        print("\n".join(result["lines"]))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, GuestFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, "%s[%s]" % (self.test.name, self.env)


class GuestFailure(Exception):
    """A guest test that did not pass; the message says why."""


class GuestTests:
    """Stands for every guest test and environment (conftest.py collects it)."""

    def pytest_items(self, collector):
        for test in guesttests.discover():
            for env in test.item_environments():
                yield GuestItem.from_parent(collector, name="%s[%s]" % (test.name, env),
                                            test=test, env=env)


GUESTS = GuestTests()
