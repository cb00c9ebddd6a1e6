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


def test_virtuoso_load_exports_only_the_registry_graphs_of_a_store(tmp_path) -> None:
    import pyoxigraph as ox

    from bench.virtuoso_load import export
    from policykg.namespaces import BASE
    store = ox.Store(str(tmp_path / "store"))
    t = (ox.NamedNode(BASE + "s"), ox.NamedNode(BASE + "p"), ox.Literal("x"))
    for g in ("graph/submission/a", "graph/registry/award/b", "graph/ontology"):
        store.add(ox.Quad(*t, ox.NamedNode(BASE + g)))
    del store
    assert export(tmp_path / "store", tmp_path / "r.nq") == 2
    graphs = {q.graph_name.value for q in ox.parse(path=str(tmp_path / "r.nq"), format=ox.RdfFormat.N_QUADS)}
    assert graphs == {BASE + "graph/submission/a", BASE + "graph/registry/award/b"}


@pytest.mark.virtuoso
def test_the_remote_store_benchmark_loads_a_seeded_registry_into_virtuoso_and_measures_it(tmp_path) -> None:
    """bench/virtuoso_scale.py on a tiny seeded dir: Virtuoso's bulk loader takes the registry, and the server on
    the remote store answers the registry queries and consults the registry when validating."""
    from bench.generate import build
    from bench.virtuoso_scale import measure_remote
    from tests.virtuoso import available

    if not available():
        pytest.skip("Debian's virtuoso-opensource is not installed")
    src = tmp_path / "registry-40"
    build(src, 40, 15)
    out = measure_remote(src, repeat=2, writes=4, skip={"registry-measure-candidates"})
    assert out["store"] == "remote (Virtuoso)" and out["load_s"] >= 0
    assert out["queries"] and all(q["status"] == [200] for q in out["queries"].values())
    assert out["validate"]["registryConsulted"] == ["True"]
    assert out["submissions_c4"]["status"] == {201: 4}
