"""`tools/xeno bench`: a registry of benchmarks and the table they print.

A benchmark is a function registered under a name; it measures two or more sides in
the same run (same machine, same moment) and returns a Table. The ratio column compares
the last side with the first. Later issues add modules under benchmarks/.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

from . import build, paths
from .errors import UsageError


@dataclass
class Table:
    title: str
    columns: list                  # the sides compared, e.g. ["debug", "release"]
    rows: list = field(default_factory=list)   # (measurement, unit, [one value per column])
    note: str = ""
    # (numerator, denominator) column names, one ratio column each; by default the
    # last column over the first. A value of None is a side that failed: "failed";
    # a string is shown as it is (NOT_APPLICABLE: the side has no such operation).
    ratios: tuple = ()

    def add(self, measurement: str, unit: str, values: list) -> None:
        self.rows.append((measurement, unit, list(values)))


@dataclass
class Benchmark:
    name: str
    description: str
    run: Callable[[], Table]


BENCHMARKS: dict = {}
NOT_APPLICABLE = "-"


def register(name: str, description: str):
    """Decorator: make FUNCTION the benchmark NAME."""
    def wrap(function):
        BENCHMARKS[name] = Benchmark(name, description, function)
        return function
    return wrap


def load() -> dict:
    """Import every module in benchmarks/ so that each registers itself."""
    from . import benchmarks
    for module in pkgutil.iter_modules(benchmarks.__path__):
        importlib.import_module("%s.%s" % (benchmarks.__name__, module.name))
    return BENCHMARKS


def _number(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return "%.2f" % value
    return "{:,}".format(value)


def _ratio(top, bottom) -> str:
    numbers = all(isinstance(v, (int, float)) for v in (top, bottom))
    return "%.3f" % (top / bottom) if numbers and bottom else "-"


def format_table(table: Table) -> str:
    pairs = [(table.columns.index(a), table.columns.index(b)) for a, b in table.ratios]
    if not pairs and len(table.columns) >= 2:
        pairs = [(len(table.columns) - 1, 0)]
    header = ["measurement", "unit", *table.columns]
    header += ["%s/%s" % (table.columns[a], table.columns[b]) for a, b in pairs]
    body = []
    for measurement, unit, values in table.rows:
        row = [measurement, unit, *("failed" if v is None else _number(v) for v in values)]
        if len(values) >= 2:
            row += [_ratio(values[a], values[b]) for a, b in pairs]
        body.append(row)
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    lines = [table.title]
    for r in [header] + body:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
        cells += [c.rjust(w) for c, w in zip(r[2:], widths[2:])]
        lines.append("  " + "  ".join(cells))
    if table.note:
        lines.append("  " + table.note)
    return "\n".join(lines)


def cmd_bench(args) -> int:
    known = load()
    names = args.names or list(known)
    for name in names:
        if name not in known:
            raise UsageError("unknown benchmark %r (known: %s)" % (name, ", ".join(known)))
    # Every benchmark registered now compares the two variants' hypervisor images.
    build.build_elves(paths.VARIANTS)
    for name in dict.fromkeys(names):
        print("bench: running %s: %s" % (name, known[name].description), flush=True)
        print(format_table(known[name].run()), flush=True)
    return 0
