"""The dataset of /sparql is the corpus: the registry (submissions, awards, keys) is not readable there."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import rdflib
from fastapi.testclient import TestClient

from policykg.app import create_app
from policykg.registry import records as registry
from policykg.store import is_corpus_graph
from tests.conftest import Auth

P = "https://w3id.org/policykg/"
MEASURE = P + "doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure"
GRAPH7 = P + "graph/doc/jfgg-2023-7"
CREDIT_CODE = "91110108MA00TEST1X"
CODES_Q = "SELECT ?o WHERE { ?s pkg:creditCode ?o }"


def _rows(r) -> list[dict]:
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


@pytest.fixture(scope="module")
def with_registry(role_tokens, tmp_path_factory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """An app whose store holds the corpus, one award (with its Idempotency-Key) and one submission.

    The client is anonymous; `c.reviewer` are the headers of a reviewer (registry queries need one)."""
    auth = Auth(role_tokens, tmp_path_factory.mktemp("dataset"))
    with TestClient(create_app(auth.settings(query_workers=1))) as c:
        c.reviewer = auth.headers("reviewer")  # type: ignore[attr-defined]
        store = c.app.state.store
        award, _ = registry.record_award(store, project_key="C1/P1", measure=MEASURE, amount=Decimal("3000"),
                                         when=date(2024, 3, 1), credit_code=CREDIT_CODE, body_sha="a1",
                                         idempotency_key="key-1")
        data = rdflib.Graph()
        data.add((rdflib.URIRef("urn:x:applicant"), rdflib.URIRef(P + "ontology#creditCode"), rdflib.Literal("SUB-CODE")))
        sid, _ = registry.store_submission(store, sha256="ab" * 32, fmt="text/turtle", data=data, subject=None,
                                           project_key="C1/P1", report=rdflib.Graph(),
                                           receipt={"timestamp": "2024-03-01T00:00:00Z"}, idempotency_key="key-2")
        graphs = {"award": registry.AWARD_GRAPH + award["id"], "submission": registry.submission_graph_name(sid)}
        keys = [g for g in store.named_graphs() if g.startswith(registry.KEY_GRAPH)]
        assert len(keys) == 2 and graphs["award"] in store.named_graphs()
        graphs["key"] = keys[0]
        yield c, graphs


def test_applicants_credit_codes_are_not_in_the_public_default_graph(with_registry) -> None:
    c, _ = with_registry
    assert _rows(c.get("/sparql", params={"query": CODES_Q})) == []
    assert _rows(c.get("/sparql", params={"query": "SELECT ?a WHERE { ?a a pkg:AwardRecord }"})) == []
    assert _rows(c.get("/sparql", params={"query": "SELECT ?r WHERE { ?r a pkg:SubmissionRecord }"})) == []


@pytest.mark.parametrize("kind", ["award", "submission", "key"])
def test_a_registry_graph_named_in_from_graph_or_the_protocol_reads_as_empty(with_registry, kind: str) -> None:
    c, graphs = with_registry
    g = graphs[kind]
    for params in ({"query": f"SELECT * FROM <{g}> WHERE {{ ?s ?p ?o }}"},
                   {"query": f"SELECT * FROM NAMED <{g}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
                   {"query": f"SELECT * WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"},
                   {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": g},
                   {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": g}):
        assert _rows(c.get("/sparql", params=params)) == [], params


def test_graph_variables_range_over_the_corpus_graphs_only(with_registry) -> None:
    c, _ = with_registry
    rows = _rows(c.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}))
    names = {b["g"]["value"] for b in rows}
    assert GRAPH7 in names and P + "graph/ontology" in names and P + "graph/shapes" in names
    assert all(is_corpus_graph(g) for g in names)


def test_a_corpus_graph_next_to_a_registry_graph_in_from_is_still_read(with_registry) -> None:
    c, graphs = with_registry
    q = (f"SELECT DISTINCT ?n FROM <{graphs['award']}> FROM <{GRAPH7}> "
         "WHERE { { ?d a eli:LegalResource ; pkg:inCorpus true ; eli:id_local ?n } UNION { ?a pkg:creditCode ?n } }")
    assert [b["n"]["value"] for b in _rows(c.get("/sparql", params={"query": q}))] == ["京发改规〔2023〕7号"]


def test_registry_library_queries_still_read_the_registry_and_say_so(with_registry) -> None:
    c, _ = with_registry
    assert c.get("/api/queries/registry-awards-per-enterprise-year", params={"year": "2024"}).status_code == 401
    rows = _rows(c.get("/api/queries/registry-awards-per-enterprise-year", params={"year": "2024"}, headers=c.reviewer))
    assert [(b["creditCode"]["value"], b["total"]["value"]) for b in rows] == [(CREDIT_CODE, "3000")]
    listed = {q["name"]: q["dataset"] for q in c.get("/api/queries").json()}
    assert {n for n, d in listed.items() if d == "corpus+registry"} == {
        "registry-projects-with-several-measures", "registry-awards-per-enterprise-year",
        "registry-awards-over-project-cap", "registry-measure-candidates"}
    assert listed["documents-in-force"] == "corpus"

