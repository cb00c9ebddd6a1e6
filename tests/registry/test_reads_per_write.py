"""The store reads of one POST /api/submissions, counted on the real store: what is fixed per corpus version (its
version, the clause texts a receipt hashes) is not read again per write, and one decision reads the project's
awards once (it used to read them twice, the version ~1.6 times and every cited clause's text: ~7.7 queries a
write, now ~4)."""
from __future__ import annotations

from collections import Counter

import pytest
from fastapi.testclient import TestClient

from bench.generate import generate
from policykg.app import create_app
from policykg.store import OxiStore
from tests.conftest import Auth

AWARDS = "OPTIONAL { ?a pkg:submittedAt ?at } OPTIONAL { ?a pkg:creditCode ?cc } } ORDER BY ?date ?a"  # a project's


@pytest.fixture
def counted(root, role_tokens, tmp_path, monkeypatch):
    auth = Auth(role_tokens, tmp_path / "data")
    calls: Counter = Counter()
    orig = OxiStore.raw_query

    def raw_query(self, text, *a, **kw):
        calls[" ".join(text.split())] += 1
        return orig(self, text, *a, **kw)
    monkeypatch.setattr(OxiStore, "raw_query", raw_query)
    with TestClient(create_app(auth.settings(corpus_root=root, store="oxigraph")),
                    headers=auth.headers("submitter")) as c:
        yield c, calls


def test_a_write_reads_neither_the_corpus_version_nor_clause_texts_again_and_the_awards_once(counted):
    from policykg.registry.replay import _CLAUSE_SHA

    client, calls = counted
    _CLAUSE_SHA.clear()  # what earlier tests read of the same corpus version: this test reads its own
    forms, _ = generate(30, 15)
    renovation = [f for f in forms if f["type"] == "RenovationProject"]
    assert len(renovation) >= 4
    cited: set[str] = set()
    for f in renovation[:2]:  # warm: the bundle, the catalogue, the clause texts of these results
        r = client.post("/api/submissions", json=f)
        assert r.status_code == 201
        cited |= {c["iri"] for c in r.json()["receipt"]["clauses"]}
    calls.clear()
    new: set[str] = set()
    for f in renovation[2:4]:
        r = client.post("/api/submissions", json=f)
        assert r.status_code == 201
        new |= {c["iri"] for c in r.json()["receipt"]["clauses"]}
    version = sum(n for q, n in calls.items() if "corpusVersion" in q and "SELECT ?v" in q)
    texts = sum(n for q, n in calls.items() if "<http://www.w3.org/ns/prov#value> ?t" in q)
    awards = sum(n for q, n in calls.items() if q.endswith(AWARDS))
    assert version == 0
    assert awards == 2  # once per write
    assert cited & new, "the later writes cite clauses the first ones did"
    assert texts == len(new - cited)  # only the clauses cited for the first time


def test_a_write_reads_the_registry_state_once_from_the_store(counted):
    """The receipt's state and the one checked under the write lock: the second is the first, kept until a write."""
    client, calls = counted
    forms, _ = generate(12, 16)
    assert client.post("/api/submissions", json=forms[0]).status_code == 201  # warm
    calls.clear()
    for f in forms[1:4]:
        assert client.post("/api/submissions", json=f).status_code == 201
    state = sum(n for q, n in calls.items() if "pkg:registrySequence ?n ; pkg:lastRecord ?last" in q)
    assert state == 3
