"""The guests suite: one pytest item per guest test and environment, named like
`hello[pv64]` (test_guests.py makes them; the hooks below collect them and plan which
of them share a boot)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from xenolib import guesttests  # noqa: E402


def pytest_pycollect_makeitem(collector, name, obj):
    """A module attribute with a `pytest_items` method stands for the items it makes."""
    make = getattr(obj, "pytest_items", None)
    if callable(make) and not isinstance(obj, type):
        return list(make(collector))
    return None


def pytest_collection_finish(session):
    """Plans the boots of the guest items selected (after -k): every pytest-xdist worker
    collects the same items, so every worker makes the same plan."""
    items = [item for item in session.items if hasattr(item, "boot_group")]
    plan = guesttests.plan_boots([(item.test, item.env) for item in items])
    group_of = {(test.name, env): group for group in plan for test, env in group}
    for item in items:
        item.boot_group = group_of[(item.test.name, item.env)]


def pytest_runtest_logreport(report):
    """One line per guest test and environment with its verdict, e.g.
    `guests/hello[pv64] PASSED`, as the tests finish (also under pytest-xdist, whose
    controller receives every report)."""
    if "test_guests.py::" not in report.nodeid:
        return                  # the judge's own unit tests
    if report.when != "call" and not (report.when == "setup" and not report.passed):
        return
    name = report.nodeid.rsplit("::", 1)[-1]
    outcome = "PASSED" if report.passed else "SKIPPED" if report.skipped else "FAILED"
    print("\nguests/%s %s" % (name, outcome), end="", flush=True)
