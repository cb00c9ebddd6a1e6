"""Each triple of the public dataset answers once: the default graph of /sparql is the merge of the corpus graphs,
not their union as a bag (a document described in several graphs was counted once per graph: 41 for 32)."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from policykg.store import is_corpus_graph

ELI = "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
DOCS = "{ ?d a eli:LegalResource }"


def _count(client: TestClient, query: str) -> int:
    r = client.get("/sparql", params={"query": ELI + query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def expected(client: TestClient) -> tuple[int, int, list[str]]:
    """(distinct documents, (graph, document) pairs, the graphs that describe a document more than once)."""
    store = client.app.state.store
    graphs = [g for g in store.named_graphs() if is_corpus_graph(g)]
    rows = store.select(ELI + "SELECT ?g ?d WHERE { GRAPH ?g " + DOCS + " }")
    pairs = [(r["g"].value, r["d"].value) for r in rows if r["g"].value in graphs]
    docs = {d for _g, d in pairs}
    shared = sorted({g for g, d in pairs if sum(1 for _, e in pairs if e == d) > 1})
    assert len(pairs) > len(docs)  # the corpus does describe some documents in several graphs
    return len(docs), len(pairs), shared


def test_a_count_over_the_default_graph_counts_each_triple_once(client: TestClient, expected) -> None:
    docs, _pairs, _shared = expected
    assert _count(client, "SELECT (COUNT(*) AS ?n) WHERE " + DOCS) == docs
    assert _count(client, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE " + DOCS) == docs


def test_a_count_over_named_graphs_still_counts_each_graph(client: TestClient, expected) -> None:
    _docs, pairs, _shared = expected
    assert _count(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g " + DOCS + " }") == pairs


def test_a_default_graph_of_several_named_graphs_is_their_merge(client: TestClient, expected) -> None:
    _docs, _pairs, shared = expected
    a, b = shared[0], shared[1]
    both = _count(client, f"SELECT (COUNT(DISTINCT ?d) AS ?n) FROM <{a}> FROM <{b}> WHERE " + DOCS)
    assert _count(client, f"SELECT (COUNT(*) AS ?n) FROM <{a}> FROM <{b}> WHERE " + DOCS) == both


def test_the_merged_graph_is_not_a_graph_a_query_can_see(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                   headers={"Accept": "application/sparql-results+json"})
    names = [b["g"]["value"] for b in r.json()["results"]["bindings"]]
    assert names and all(is_corpus_graph(g) for g in names)
