"""Every benchmark of bench/ still runs (tiny iteration counts, the same arguments as `bench/run.py --quick`).

Performance is measured by `make bench`, not here: nothing below looks at a timing, only that each
benchmark measures every path it names and compares it with a baseline measured in the same run.
"""
from __future__ import annotations

import math

import pytest

from bench.run import BENCHMARKS, print_rows, runner, table


@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_each_benchmark_runs_and_compares_every_path_with_a_baseline_of_the_same_run(name: str, capsys) -> None:
    rows = runner(name, quick=True)()
    assert rows and all(r.n > 0 and r.median_ms is not None and r.median_ms >= 0 for r in rows)
    names = {r.name for r in rows}
    compared = [r for r in rows if r.vs]
    assert compared, f"{name}: no row is compared with a baseline"
    for r in compared:
        for base, ratio in r.vs:
            assert base in names, f"{r.path}: its baseline {base!r} was not measured in this run"
            assert math.isfinite(ratio) and ratio > 0
    print_rows(rows)
    assert capsys.readouterr().out.count(" n=") == len(rows)
    assert table(rows).count("\n") == len(rows) + 1  # header, rule, one line per row
