"""The guests suite: one pytest item per guest test and environment, named like
`hello[pv64]` (test_guests.py makes them; the hook below collects them)."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))


def pytest_pycollect_makeitem(collector, name, obj):
    """A module attribute with a `pytest_items` method stands for the items it makes."""
    make = getattr(obj, "pytest_items", None)
    if callable(make) and not isinstance(obj, type):
        return list(make(collector))
    return None
