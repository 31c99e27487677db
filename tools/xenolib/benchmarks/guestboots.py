"""What the benchmarks of PV benchmark guests share (pvmem.py, grantcopy.py, evtchn.py):
building, and booting every configuration in both modes.

Registers no benchmark of its own.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from .. import build, paths
from . import hypercall


def measure(variants, keys, boot, checked) -> dict:
    """Build the hypervisor VARIANTS and the benchmark programs, then boot
    BOOT(*key, deterministic) for every key of KEYS (tuples) in both modes, and return
    key + (mode,) -> CHECKED(*key, mode, result). icount boots are one host thread
    each: two at a time. Wall-clock ones run alone, one after another."""
    build.scons([str(paths.elf(v).relative_to(paths.ROOT)) for v in variants]
                + [str(hypercall.BENCH_BUILD.relative_to(paths.ROOT))])
    results = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key + ("icount",): pool.submit(boot, *key, True) for key in keys}
        for key, future in futures.items():
            results[key] = future.result()
    for key in keys:
        results[key + ("wall",)] = boot(*key, False)
    return {key: checked(*key, result) for key, result in results.items()}
