"""Benchmarks for `tools/xeno bench`; each module registers its own with bench.register."""
