"""The bulk path (policykg.registry.bulk, bench/generate.py --data-dir) writes the registry the normal path writes.

The same seeded submissions and awards go once through store_submission / record_award (one transaction
each) and once through BulkWriter into pyoxigraph's bulk loader: the same named graphs, each the same
graph (isomorphic: blank nodes are skolemised from rdflib's random ids), the same registry state, and
the same answers to every registry-* library query.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from policykg.namespaces import PKG
from policykg.registry import registry_state
from policykg.sparql.library import load_library
from policykg.store import OxiStore, is_corpus_graph
from policykg.submission import to_rdflib

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.generate import build, generate, load, load_parallel  # noqa: E402

AT = "2026-01-02T03:04:05+00:00"


def _graph(store: OxiStore, name: str) -> Graph:
    g = Graph()
    for q in store.graph_quads(name):
        g.add(tuple(BNode(t.value.split("/genid/")[1]) if isinstance(t, ox.NamedNode) and "/genid/" in t.value
                    else to_rdflib(t) for t in (q.subject, q.predicate, q.object)))
    return g


SUBS, AWARDS = generate(60, seed=7)


@pytest.fixture(scope="module")
def both() -> tuple[OxiStore, OxiStore]:
    subs, awards = SUBS + [dict(SUBS[0])], AWARDS  # the same submission twice: one record, on both paths
    assert awards, "the seed gives awards"
    out = []
    for bulk in (False, True):
        s = OxiStore(None)
        s.ensure_corpus(ROOT)
        load(s, subs, awards, bulk=bulk, at=AT)
        out.append(s)
    return out[0], out[1]


def test_the_bulk_path_writes_the_same_named_graphs_each_the_same_graph(both) -> None:
    normal, bulk = both
    names = [g for g in normal.named_graphs() if not is_corpus_graph(g)]
    assert names == [g for g in bulk.named_graphs() if not is_corpus_graph(g)]
    assert len(names) > 60  # 60 submissions (one sent twice), the awards, the state
    for name in names:
        a, b = _graph(normal, name), _graph(bulk, name)
        if name.endswith("/sequence"):  # the normal path stamps the state with the clock
            continue
        if "/award/" in name:  # … and each award
            for g in (a, b):
                g.remove((None, PKG.submittedAt, None))
        assert isomorphic(a, b), name


def test_the_bulk_path_leaves_the_registry_in_the_same_state(both) -> None:
    normal, bulk = both
    s1, s2 = registry_state(normal), registry_state(bulk)
    assert (s1["sequence"], s1["last"]) == (s2["sequence"], s2["last"])
    assert s1["sequence"] == len([g for g in normal.named_graphs() if not is_corpus_graph(g)]) - 1


@pytest.mark.parametrize("name", sorted(q.name for q in load_library(ROOT).values() if q.reads_registry))
def test_every_registry_query_answers_alike_on_both_paths(both, name: str) -> None:
    normal, bulk = both
    q = load_library(ROOT)[name]
    answers = [sorted(str(sorted((k, v.value) for k, v in r.items()))
                      for r in s.select(q.text, q.bindings({}), registry=True)) for s in (normal, bulk)]
    assert answers[0] == answers[1]
    if name != "registry-projects-with-several-measures":  # 60 submissions rarely give a project two awards
        assert answers[0], f"{name} answers something on the generated registry"


def test_build_makes_a_data_directory_a_server_opens(tmp_path: Path) -> None:
    info = build(tmp_path / "reg", 20, 3)
    store = OxiStore(tmp_path / "reg" / "store")
    try:
        assert registry_state(store)["sequence"] == 20 + info["awards"]
        assert store.stored_version() is not None  # the corpus is there: a server does not reload it
    finally:
        store.close()


def test_the_parallel_bulk_path_writes_the_same_graphs(both) -> None:
    _normal, bulk = both
    par = OxiStore(None)
    par.ensure_corpus(ROOT)
    load_parallel(par, SUBS, AWARDS, jobs=2, at=AT, chunk=25)
    names = [g for g in bulk.named_graphs() if not is_corpus_graph(g)]
    assert names == [g for g in par.named_graphs() if not is_corpus_graph(g)]
    assert all(isomorphic(_graph(bulk, n), _graph(par, n)) for n in names)
