"""Content hashing of submissions with blank nodes (issue 12, item 4): policykg's graph_hash vs general canonicalisation.

    .venv/bin/python bench/hashing.py

Times, on this machine, `policykg.registry.hashing.graph_hash` (linear names for blank-node
forests) against rdflib.compare.to_canonical_graph (what it used before) and pyoxigraph's
`Dataset.canonicalize(RDFC_1_0)` on chains of blank nodes (`_:b0 p _:b1 . _:b1 p _:b2 …`, the shape
of the issue's 31 KB attack), and the fallback (rdflib) on the largest cyclic structure that is
still accepted (8 blank nodes: four 2-node cycles, the worst small shape measured). Bounded: the
general algorithms only up to 200 blank nodes (they grow ~n^2 and faster).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import to_canonical_graph

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policykg.registry.hashing import graph_hash  # noqa: E402

P = "<http://example.org/p>"


def chain(n: int) -> str:
    return "\n".join(f"_:b{i} {P} _:b{i + 1} ." for i in range(n))


def cycles(k: int, n: int) -> str:
    return "\n".join(f"_:r{r}x{i} {P} _:r{r}x{(i + 1) % n} ." for r in range(k) for i in range(n))


def ms(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    print(f"{'structure':<28}{'graph_hash':>12}{'rdflib':>12}{'RDFC-1.0':>12}  (ms)")
    for n in (100, 200, 1_000, 10_000):
        g = Graph().parse(data=chain(n), format="nt")
        ours = ms(lambda g=g: graph_hash(g))
        general = ["-", "-"]
        if n <= 200:
            general[0] = f"{ms(lambda g=g: to_canonical_graph(g)):.0f}"
            d = ox.Dataset(ox.parse(chain(n).encode(), format=ox.RdfFormat.N_TRIPLES))
            general[1] = f"{ms(lambda d=d: d.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)):.0f}"
        print(f"{'chain of ' + str(n):<28}{ours:>12.1f}{general[0]:>12}{general[1]:>12}")
    g = Graph().parse(data=cycles(4, 2), format="nt")
    print(f"{'four 2-cycles (8, fallback)':<28}{ms(lambda: graph_hash(g)):>12.1f}")


if __name__ == "__main__":
    main()
