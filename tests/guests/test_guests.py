"""Boots each self-checking guest test (guests/tests/NAME) in each environment its
manifest declares, under the debug hypervisor, and reads the verdict.

A test passes only when its domain was created, its last console line is
`verdict: PASS`, it shut down with the manifest's reason (poweroff unless
`expect_shutdown` says otherwise) and the run ended with XENO-STATUS: pass
(guesttests.judge). `verdict: SKIP: reason` makes the item skip.
"""
import inspect

import pytest

from xenolib import guesttests, paths, runner


def boot_guest(test, env):
    """Boots TEST's config for ENV; returns the RunResult (the console is printed)."""
    elf = paths.elf("debug")
    if not elf.is_file():
        pytest.fail("%s is missing: run `tools/xeno build` first (`tools/xeno test` builds "
                    "before testing)" % elf, pytrace=False)
    config = test.config(env)
    if not config.is_file() or not test.elf(env).is_file():
        pytest.fail("%s or its kernel is missing: build the guests first (scons "
                    "build/guests)" % config, pytrace=False)
    if "configs" not in inspect.signature(runner.boot).parameters:
        pytest.fail("runner.boot() takes no configs= yet: this tree cannot boot domain "
                    "configs (tools/xeno run CONFIG)", pytrace=False)
    platform = guesttests.ENVIRONMENTS[env][1]
    result = runner.boot(elf, platform=platform, configs=[config])
    print("%s[%s] on %s: %s" % (test.name, env, platform, result.message))
    for note in result.notes:
        print("note:", note)
    print("run directory:", result.run_dir)
    print("---- serial console ----")
    print(result.text)
    return result


class GuestItem(pytest.Item):
    def __init__(self, *, test, env, **kwargs):
        super().__init__(**kwargs)
        self.test, self.env = test, env

    def runtest(self):
        result = boot_guest(self.test, self.env)
        verdict = guesttests.judge(result.lines, self.test, self.env, result.verdict,
                                   result.timed_out)
        print("judged:", verdict.message)
        if verdict.outcome == "skip":
            pytest.skip(verdict.message)
        if verdict.outcome != "pass":
            raise GuestFailure(verdict.message)

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
            for env in test.environments:
                yield GuestItem.from_parent(collector, name="%s[%s]" % (test.name, env),
                                            test=test, env=env)


GUESTS = GuestTests()
