"""Run every benchmark and print, for each, the numbers and the ratios against its baselines (`make bench`).

    .venv/bin/python bench/run.py [--only NAME ...] [--quick]

Every ratio compares two paths measured in this run on this machine (never a number from a
document): "× faster" for times (baseline median / this median), "× rate" for throughputs
(this rate / baseline rate); above 1 is better than the baseline. --quick runs each benchmark
with a tiny iteration count (what tests/test_bench_smoke.py does): for checking, not for numbers.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Row  # noqa: E402

# name -> (module, full arguments, --quick arguments)
BENCHMARKS: dict[str, tuple[str, dict, dict]] = {
    "validation": ("bench.validate", {"sample": 5, "reference": 40}, {"sample": 1, "reference": 1, "fast": 2}),
    "eligibility": ("bench.eligibility", {"sample": 12, "largest": 12}, {"sample": 1, "largest": 1}),
    "sparql": ("bench.sparql_endpoint", {"requests": 500}, {"requests": 4, "library_requests": 2,
                                                             "rdflib_queries": 2}),
    "store": ("bench.store_load", {"repeat": 5}, {"repeat": 1}),
    "registry": ("bench.registry", {"submissions": 100}, {"submissions": 2, "again": 1}),
    "processes": ("bench.processes", {"requests": 400}, {"requests": 8}),
    "matching": ("bench.matching", {"submissions": 1000}, {"submissions": 20, "profiles": 1, "sample": 7}),
}


def runner(name: str, quick: bool = False) -> Callable[[], list[Row]]:
    import importlib

    module, full, small = BENCHMARKS[name]
    fn = importlib.import_module(module).measure
    return lambda: fn(**(small if quick else full))


def _num(x: float | None, unit: str = "") -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}{unit}" if x >= 100 else f"{x:.1f}{unit}" if x >= 1 else f"{x:.2f}{unit}"


def ratios(r: Row) -> str:
    """"×12 faster than naive", "×3.5 slower than in-process", "×0.72 the rate of /health"."""
    out = []
    for name, v in r.vs:
        if r.vs_rate:
            out.append(f"×{_num(v)} the rate of {name}")
        else:
            out.append(f"×{_num(v)} faster than {name}" if v >= 1 else f"×{_num(1 / v)} slower than {name}")
    return "; ".join(out)


def print_rows(rows: list[Row]) -> None:
    for r in rows:
        rate = f"  {_num(r.rate)} {r.rate_unit}" if r.rate is not None else ""
        print(f"  {r.path:<52} n={r.n:<4} median {_num(r.median_ms)} ms  p95 {_num(r.p95_ms)} ms{rate}")
        if r.vs:
            print(f"      {ratios(r)}")
        if r.note:
            print(f"      ({r.note})")


def table(rows: list[Row]) -> str:
    head = "| benchmark | path | n | median ms | p95 ms | rate | ratio vs baseline (>1 = better) |"
    out = [head, "|---|---|---|---|---|---|---|"]
    for r in rows:
        rate = f"{_num(r.rate)} {r.rate_unit}" if r.rate is not None else ""
        out.append(f"| {r.bench} | {r.path} | {r.n} | {_num(r.median_ms)} | {_num(r.p95_ms)} | {rate} | "
                   f"{ratios(r) or 'baseline'} |")
    return "\n".join(out)


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    import pyoxigraph
    import pyshacl
    import rdflib

    return (f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; {os.cpu_count()} cores, "
            f"{platform.machine()}, Python {platform.python_version()}; rdflib {rdflib.__version__}, "
            f"pyshacl {pyshacl.__version__}, pyoxigraph {pyoxigraph.__version__}; load average {load}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", choices=sorted(BENCHMARKS), help="run only this one (repeatable)")
    ap.add_argument("--quick", action="store_true", help="tiny iteration counts (a check, not a measurement)")
    args = ap.parse_args()
    print(f"policykg benchmarks – {machine()}", flush=True)
    rows: list[Row] = []
    t_all = time.perf_counter()
    for name in args.only or list(BENCHMARKS):
        print(f"\n## {name}", flush=True)
        t = time.perf_counter()
        got = runner(name, args.quick)()
        print_rows(got)
        print(f"  [{time.perf_counter() - t:.0f} s]", flush=True)
        rows.extend(got)
    print(f"\n## summary ({time.perf_counter() - t_all:.0f} s in all; load average now "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())})\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
