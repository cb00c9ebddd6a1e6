"""The light path of /sparql (server/endpoint/fastpath.py): cached answers that a corpus change invalidates,
cheap queries answered in the server's process with the workers' answer, costly ones never; and query
workers that hold the corpus only, never the registry."""
from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from policykg.endpoint.fastpath import ResultCache
from policykg.namespaces import BASE, PREFIXES
from policykg.sparql import Answer, QueryJob, inspect, load_library
from policykg.sparql.cost import basic_patterns, connected
from policykg.store import is_corpus_graph
from tests.conftest import Auth
from tests.registry.scenario import SPACE_000, project
from tests.sparql.support import ROOT

ELI = "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
DOCS = ELI + "SELECT ?doc ?number WHERE { ?doc a eli:LegalResource ; eli:id_local ?number } ORDER BY ?number"
G = "https://w3id.org/policykg/graph/doc/test-written"  # a corpus graph: /sparql reads those
VALUE = "SELECT ?v WHERE { <urn:x:a> <urn:x:p> ?v }"  # cheap: answered in process
VALUE_IN_WORKER = "SELECT ?v WHERE { { <urn:x:a> <urn:x:q> ?v } }"  # a nested group: a worker's
COSTLY = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",  # a cross product
    "SELECT * WHERE { ?s ?p ?o . ?o ?q ?r }",  # connected, but every triple times its object's
    "SELECT * WHERE { ?s rdfs:label ?l OPTIONAL { ?s ?p ?o } }",  # a nested group
    "SELECT * WHERE { ?s rdfs:subClassOf* ?c }",  # a property path
    "SELECT * FROM <https://w3id.org/policykg/graph/ontology> WHERE { ?s a ?c }",  # its own dataset
    "SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { ?o ?q ?s } }",
]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, role_tokens: Any) -> Iterator[TestClient]:
    auth = Auth(role_tokens, tmp_path_factory.mktemp("fastpath"))
    app = create_app(auth.settings(store="oxigraph", query_workers=1, query_workers_extra=0, corpus_root=ROOT))
    with TestClient(app, headers=auth.headers("admin")) as c:
        yield c


def _job(client: TestClient, text: str, **kw: Any) -> QueryJob:
    info = inspect(text, PREFIXES)
    ex, settings = client.app.state.sparql_executor, client.app.state.settings
    return QueryJob(text=text, fmt="json", form=info.form, max_rows=settings.max_result_rows,
                    max_bytes=settings.max_result_bytes, base_iri=BASE, prefixes=dict(PREFIXES),
                    public_graphs=ex.public_graphs(), union_default=not info.has_dataset,
                    query_from=info.from_graphs, query_from_named=info.from_named, **kw)


def _values(client: TestClient, text: str) -> list[str]:
    r = client.get("/sparql", params={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return [b["v"]["value"] for b in r.json()["results"]["bindings"]]


def _write(client: TestClient, graph: str, value: int, predicate: str = "urn:x:p") -> None:
    q = ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode(predicate), ox.Literal(value), ox.NamedNode(graph))
    client.app.state.store.replace_graph(graph, [q])


@pytest.mark.parametrize(("text", "predicate"), [(VALUE, "urn:x:p"), (VALUE_IN_WORKER, "urn:x:q")])
def test_a_cached_answer_is_not_served_once_the_corpus_changes(api: TestClient, text: str, predicate: str) -> None:
    graph = G + "-" + predicate[-1]
    assert _values(api, text) == []
    fast = api.app.state.sparql_executor.fast
    assert fast.lookup(_job(api, text)) is not None  # answered once: now from the cache
    _write(api, graph, 7, predicate)
    assert fast.lookup(_job(api, text)) is None
    assert _values(api, text) == ["7"]
    _write(api, graph, 8, predicate)
    assert _values(api, text) == ["8"]


def test_a_registry_write_keeps_the_corpus_version_and_its_cached_answers(api: TestClient) -> None:
    assert api.get("/sparql", params={"query": DOCS}).status_code == 200
    fast = api.app.state.sparql_executor.fast
    version = fast.version
    stored = api.post("/api/submissions", json=project("fast-1"))
    assert stored.status_code == 201, stored.text
    assert fast.version == version and fast.lookup(_job(api, DOCS)) is not None


def test_a_repeated_get_is_answered_before_routing_with_the_same_answer_for_each_accept(api: TestClient) -> None:
    fast = api.app.state.sparql_executor.fast
    answers = {}
    for accept in ("application/sparql-results+json", "text/csv"):
        first = api.get("/sparql", params={"query": DOCS + " # lane"}, headers={"Accept": accept})
        assert first.status_code == 200 and first.headers["content-type"].startswith(accept)
        query_string = first.request.url.query
        assert fast.raw_lookup((query_string, accept.encode())) is not None
        again = api.get("/sparql", params={"query": DOCS + " # lane"}, headers={"Accept": accept})
        assert again.content == first.content
        drop = {"x-request-id"}
        assert {k: v for k, v in again.headers.items() if k not in drop} == \
               {k: v for k, v in first.headers.items() if k not in drop}
        assert again.headers["x-request-id"] != first.headers["x-request-id"]  # the audit layer still runs
        answers[accept] = again.content
    assert answers["text/csv"] != answers["application/sparql-results+json"]


def test_the_answer_cache_keeps_the_most_recently_used_within_its_bytes_counting_the_query_text() -> None:
    cache = ResultCache(10_000)
    small = Answer(b"x" * 100, "text/csv", 1)
    for i in range(20):
        cache.put(i, small, 500)  # 800 bytes each with the entry: 12 fit
    assert cache.size <= 10_000 and len(cache) == 12 and cache.get(7) is None and cache.get(19) is small
    cache.get(8)  # used: kept when the next one comes in
    cache.put("new", small, 500)
    assert cache.get(8) is small and cache.get(9) is None
    cache.put("huge", Answer(b"x" * 2000, "text/csv", 1))  # over an eighth of the cache: never kept
    assert cache.get("huge") is None


def test_the_bench_query_is_cheap_and_costly_queries_never_are(api: TestClient) -> None:
    fast = api.app.state.sparql_executor.fast
    answer = fast.cheap(_job(api, DOCS))
    assert answer is not None and answer.count > 10
    for text in COSTLY:
        assert fast.cheap(_job(api, text)) is None, text


def test_the_event_loop_answers_only_a_query_already_known_to_be_tiny(api: TestClient) -> None:
    fast = api.app.state.sparql_executor.fast
    fast.changed(True)  # a new corpus version: no snapshot, no counts yet
    assert fast.cheap(_job(api, DOCS + " # 1"), inline=True) is True  # "ask again from a thread"
    assert isinstance(fast.cheap(_job(api, DOCS + " # 1")), Answer)
    assert isinstance(fast.cheap(_job(api, DOCS + " # 2"), inline=True), Answer)  # counts known, product small
    assert fast.cheap(_job(api, COSTLY[1]), inline=True) is True  # counts unknown: the thread counts them
    assert fast.cheap(_job(api, COSTLY[1])) is None
    assert fast.cheap(_job(api, COSTLY[1]), inline=True) is None  # known now: for a worker


def test_the_guard_reads_only_one_connected_basic_pattern_as_a_candidate() -> None:
    def patterns(text: str) -> Any:
        return basic_patterns(text, inspect(text, PREFIXES), BASE)

    assert [len(p) for p in map(patterns, [DOCS, VALUE, 'ASK { ?s rdfs:label "x"@zh-Hans ; a ?c }'])] == [2, 1, 2]
    for text in COSTLY[2:]:
        assert patterns(text) is None, text
    assert not connected(patterns(COSTLY[0]))
    assert connected(patterns(COSTLY[1]))  # connected: the product of the counts refuses it (previous test)
    assert patterns("SELECT * WHERE { ?s ?p 1 }") is None  # a number: not read, so not cheap


def _rows(body: bytes) -> Counter:
    data = json.loads(body)
    if "boolean" in data:
        return Counter([data["boolean"]])
    return Counter(json.dumps({k: v for k, v in sorted(b.items()) if v["type"] != "bnode"}, sort_keys=True)
                   for b in data["results"]["bindings"])


def test_the_in_process_path_and_the_worker_give_the_same_answers_to_the_library_queries(api: TestClient) -> None:
    ex = api.app.state.sparql_executor
    compared = 0
    for q in load_library(ROOT).values():
        if q.reads_registry:
            continue
        try:
            bindings = q.bindings({})
        except Exception:  # noqa: BLE001 - a query whose parameters have no default
            continue
        job = dataclasses.replace(_job(api, q.text), bindings=bindings)
        in_worker = ex.pool.run("query", job)
        in_process = ex.fast.on_snapshot(job)
        assert _rows(in_process.body) == _rows(in_worker.body), q.name
        assert in_process.count == in_worker.count, q.name
        compared += 1
    assert compared >= 10


def test_a_query_worker_holds_the_corpus_graphs_and_no_submission_or_award(api: TestClient) -> None:
    p = project("fast-2")
    assert api.post("/api/submissions", json=p).status_code == 201
    award = {"project": "fast-2", "measure": SPACE_000, "amount": 1000, "date": "2024-08-01"}
    assert api.post("/api/awards", json=award).status_code == 201, "an award is stored"
    store = api.app.state.store
    registry = [g for g in store.named_graphs() if not is_corpus_graph(g)]
    assert len(registry) >= 3  # the server's store does hold the submissions and the award
    ex = api.app.state.sparql_executor
    job = QueryJob(text="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", fmt="json")  # every graph it has
    in_worker = {b["g"]["value"] for b in json.loads(ex.pool.run("query", job).body)["results"]["bindings"]}
    assert in_worker and all(is_corpus_graph(g) for g in in_worker)
    assert in_worker == {g for g in store.named_graphs() if is_corpus_graph(g)}
