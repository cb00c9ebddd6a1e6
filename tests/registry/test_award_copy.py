"""The registry queries that read only award records (`reads: awards`) answered from the in-memory copy of the corpus
and the awards (server/registry/award_copy.py): the same answer as the store's, with and without parameters; a write
is in the next answer; a write made while the copy is built is in it; a process without the registry has none."""
from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from bench.generate import generate, load
from policykg.app import create_app
from policykg.endpoint import executor
from policykg.registry import READS, AwardCopy
from policykg.registry.award_copy import AWARDS_Q
from policykg.registry.records import record_award
from policykg.sparql import QueryJob, evaluate, load_library
from tests.conftest import Auth

PKG = "https://w3id.org/policykg/ontology#"
CC = "91110000COPY00001X"


def _award(store, key: str, measure: str, amount: str, when: str, cc: str = CC) -> None:
    record_award(store, project_key=key, measure=measure, amount=Decimal(amount), when=date.fromisoformat(when),
                 credit_code=cc, body_sha="0" * 64)


def _picks(store) -> tuple[str, str, str, str]:
    """A measure with a cap (and its cap), and two measures that exclude each other."""
    capped = store.select(f"SELECT ?m ?cap WHERE {{ ?m <{PKG}cap> ?cap }} ORDER BY ?m LIMIT 1")[0]
    ex = store.select(f"SELECT ?a ?b WHERE {{ ?a <{PKG}exclusiveWith> ?b }} ORDER BY ?a ?b LIMIT 1")[0]
    return capped["m"].value, capped["cap"].value, ex["a"].value, ex["b"].value


@pytest.fixture(scope="module")
def served(root, role_tokens, tmp_path_factory):
    """A server on an in-memory store: 150 generated submissions with their awards, and awards made to answer each
    query (two projects over a cap, a project under two exclusive measures, an enterprise's year)."""
    auth = Auth(role_tokens, tmp_path_factory.mktemp("award-copy"))
    with TestClient(create_app(auth.settings(corpus_root=root)), headers=auth.headers("reviewer")) as c:
        store = c.app.state.store
        subs, awards = generate(150, 15)
        load(store, subs, awards)
        capped, cap, ex1, ex2 = _picks(store)
        over = str(Decimal(cap) + 1)
        _award(store, "COPY/over", capped, over, "2024-03-01")
        _award(store, "COPY/at", capped, cap, "2024-03-02")
        _award(store, "COPY/two", ex1, "10", "2024-05-01", "91110000COPY00002X")
        _award(store, "COPY/two", ex2, "20", "2025-05-01", "91110000COPY00002X")
        _wait(c.app.state.registry_copies[READS])
        yield c


def _wait(copy: AwardCopy) -> None:
    end = time.monotonic() + 30
    while not copy.ready:
        assert time.monotonic() < end, "the award copy was never ready"
        time.sleep(0.01)


def _body(reader, text: str, bindings: dict) -> str:
    return evaluate(reader, QueryJob(text=text, fmt="json", bindings=bindings)).body.decode()


def test_each_awards_query_answers_from_the_copy_what_the_store_answers(served, root):
    store, copy = served.app.state.store, served.app.state.registry_copies[READS]
    queries = {n: q for n, q in load_library(root).items() if q.reads == READS}
    assert sorted(queries) == ["registry-awards-over-project-cap", "registry-awards-per-enterprise-year",
                               "registry-projects-with-several-measures"]
    compared = 0
    for q in queries.values():
        whole = store.select(q.text, registry=True)
        assert whole, f"{q.name}: no rows to compare (a pass on nothing)"
        askings = [{}] + [q.bindings({p.name: whole[-1][p.name].value}) for p in q.params]
        askings.append(q.bindings({p.name: whole[0][p.name].value for p in q.params}))
        for bindings in askings:
            theirs = _body(executor._RegistryReader(store), q.text, bindings)
            assert _body(copy, q.text, bindings) == theirs, (q.name, bindings)
            compared += 1
    assert compared == 3 + 3 + 4


def test_the_answers_include_the_awards_made_for_them(served):
    over = served.get("/api/queries/registry-awards-over-project-cap", params={"project": "COPY/over"}).json()
    at = served.get("/api/queries/registry-awards-over-project-cap", params={"project": "COPY/at"}).json()
    two = served.get("/api/queries/registry-projects-with-several-measures", params={"project": "COPY/two"}).json()
    assert [b["overCap"]["value"] for b in over["results"]["bindings"]] == ["true"]
    assert [b["overCap"]["value"] for b in at["results"]["bindings"]] == ["false"]  # 不超过: the cap itself is allowed
    assert [(b["forbidden"]["value"], b["reason"]["value"]) for b in two["results"]["bindings"]] == [
        ("true", "exclusive")]


def test_an_award_recorded_through_the_api_is_in_the_next_answer_from_the_copy(served, monkeypatch):
    def refuse(self, text, **kw):
        raise AssertionError("the store answered a `reads: awards` query although its copy was ready")
    monkeypatch.setattr(executor._RegistryReader, "query", refuse)
    q = "/api/queries/registry-awards-per-enterprise-year"
    params = {"creditCode": "91110000COPY00003X", "year": "2024"}
    assert served.get(q, params=params).json()["results"]["bindings"] == []
    capped = served.get("/api/queries/registry-awards-over-project-cap", params={"project": "COPY/over"}).json()
    measure = capped["results"]["bindings"][0]["measure"]["value"]
    body = {"project": "COPY/new", "measure": measure, "amount": 12.5, "date": "2024-08-08",
            "creditCode": "91110000COPY00003X", "external": True}  # a grant of a project not stored here
    assert served.post("/api/awards", json=body).status_code == 201
    rows = served.get(q, params=params).json()["results"]["bindings"]
    assert [(r["measure"]["value"], r["total"]["value"]) for r in rows] == [(measure, "12.5")]


def test_an_award_written_while_the_copy_is_built_is_in_it(served):
    store = served.app.state.store
    capped, _cap, _a, _b = _picks(store)

    class WrittenDuring:  # the store, with an award written right after the build has read the awards
        listeners = store.listeners

        def corpus_graphs(self):
            return store.corpus_graphs()

        def graph_quads(self, name):
            return store.graph_quads(name)

        def raw_query(self, text, **kw):
            rows = list(store.raw_query(text, **kw))
            if text == AWARDS_Q:
                _award(store, "COPY/during", capped, "1", "2024-01-05")
            return rows

    copy = AwardCopy(WrittenDuring())
    try:
        copy.build()
        assert copy.ready
        rows = list(copy.query(f'SELECT ?a WHERE {{ ?a <{PKG}projectKey> "COPY/during" }}'))
        assert len(rows) == 1
    finally:
        copy.close()


def test_a_corpus_reload_rebuilds_the_copy_with_the_same_content(served):
    store = served.app.state.store
    copy = AwardCopy(store)
    try:
        copy.build()
        before = len(copy.ox)
        copy._changed(None)  # what the store tells its listeners after a corpus reload
        assert not copy.ready
        _wait(copy)
        assert len(copy.ox) == before > 1000
    finally:
        copy.close()


def test_a_store_that_refuses_registry_reads_never_has_a_copy(root):
    from policykg.errors import NeedsPrimary
    from policykg.store import corpus_store

    class CorpusOnly:  # what a replica holds (server/serving/replica_state.py): the corpus, no registry
        def __init__(self):
            self.inner, self.listeners = corpus_store(root), []

        def corpus_graphs(self):
            return self.inner.corpus_graphs()

        def raw_query(self, text, *, registry=False, **kw):
            if registry:
                raise NeedsPrimary("a registry read")
            return self.inner.raw_query(text, **kw)

    copy = AwardCopy(CorpusOnly())
    copy.build()
    assert not copy.ready


def test_a_store_closed_under_the_build_ends_it_quietly(root):
    """A server stopped while its copy is built (the tests' short-lived apps): the build thread raises nothing, even
    when the store goes away between reading the awards and copying a graph written meanwhile."""
    from policykg.store import corpus_store

    store = corpus_store(root)
    late = "https://w3id.org/policykg/graph/registry/award/late"

    class Closing:
        listeners: list = []

        def corpus_graphs(self):
            return store.corpus_graphs()

        def raw_query(self, text, **kw):
            return store.raw_query(text, **kw)

        def graph_quads(self, name):
            if name == late:
                raise AttributeError("'OxiStore' object has no attribute 'ox'")  # what a closed store raises
            return store.graph_quads(name)

    copy = AwardCopy(Closing())
    copy._changed(late)  # written while the build runs
    copy.close()
    copy.build()  # no exception escapes the build's thread
    assert not copy.ready
