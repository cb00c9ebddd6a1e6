"""registry-measure-candidates answered from the sieve's index (matching/library.py) on the embedded store: the same
rows as the engine's evaluation of the library query, for every measure in force, through the API in every
format the engine writes; and the pages of a registry query (limit/offset, Link rel="next")."""
from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient

from bench.generate import generate, load
from policykg.app import create_app
from policykg.eligibility import catalogue
from policykg.matching import library
from policykg.sparql import load_library
from policykg.validation import get_bundle
from tests.conftest import Auth

DAY = date(2024, 9, 1)
Q = "registry-measure-candidates"
OLD12 = "doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure"


@pytest.fixture(scope="module")
def served(root, role_tokens, tmp_path_factory):
    """A server on an in-memory store holding 150 generated submissions, and a reviewer's client."""
    auth = Auth(role_tokens, tmp_path_factory.mktemp("library-rows"))
    with TestClient(create_app(auth.settings(corpus_root=root)), headers=auth.headers("reviewer")) as c:
        subs, awards = generate(150, 15)
        load(c.app.state.store, subs, awards)
        yield c


def _engine(store, root, measure: str) -> list[tuple[str, ...]]:
    q = load_library(root)[Q]
    rows = store.select(q.text, q.bindings({"measure": measure, "date": DAY.isoformat()}), registry=True)
    return [tuple(str(r[c]) if c in r else "UNDEF" for c in library.COLUMNS) for r in rows]


def test_the_rows_are_the_engine_s_for_every_measure_in_force(served, root):
    store = served.app.state.store
    measures = sorted(str(m.iri) for m in catalogue(store, get_bundle(store)).values() if m.in_force(DAY))
    assert len(measures) > 100
    differ, some = {}, 0
    for m in measures:
        ours = [tuple("UNDEF" if v is None else str(v) for v in r) for r in library.rows(store, m, DAY)]
        theirs = _engine(store, root, m)
        assert [r[2] for r in ours] == sorted(r[2] for r in ours)  # the query's order: by ?submission
        if sorted(ours) != sorted(theirs):
            differ[m] = (len(ours), len(theirs))
        some += bool(ours)
    assert differ == {}
    assert some > 20  # not a pass on nothing


def test_the_api_answers_it_without_the_engine_in_every_format(served, root, monkeypatch):
    from policykg.endpoint import executor

    def refuse(self, text, **kw):
        raise AssertionError("the engine ran registry-measure-candidates")
    monkeypatch.setattr(executor._RegistryReader, "query", refuse)
    r = served.get(f"/api/queries/{Q}", params={"measure": OLD12, "date": DAY.isoformat()},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    got = sorted(tuple(b[c]["value"] if c in b else "UNDEF" for c in library.COLUMNS)
                 for b in r.json()["results"]["bindings"])
    want = sorted(tuple(x.strip("<>").split('"^^')[0].strip('"') if x != "UNDEF" else x for x in row)
                  for row in _engine(served.app.state.store, root, "https://w3id.org/policykg/" + OLD12))
    assert got == want and got
    assert r.headers["X-Result-Count"] == str(len(got)) and r.headers["X-Result-Offset"] == "0"
    for accept, marker in (("text/csv", "measure,date,submission"), ("text/tab-separated-values", "?measure\t"),
                           ("application/sparql-results+xml", "<sparql")):
        r = served.get(f"/api/queries/{Q}", params={"measure": OLD12, "date": DAY.isoformat()}, headers={"Accept": accept})
        assert r.status_code == 200 and marker in r.text


def test_pages_of_a_registry_query_cover_its_answer_once_with_next_links(served):
    params = {"measure": OLD12, "date": DAY.isoformat()}
    whole = served.get(f"/api/queries/{Q}", params=params).json()["results"]["bindings"]
    assert len(whole) > 5
    seen, url, pages = [], f"/api/queries/{Q}?measure={OLD12}&date={DAY.isoformat()}&limit=4", 0
    while url:
        r = served.get(url)
        assert r.status_code == 200
        seen += r.json()["results"]["bindings"]
        pages += 1
        link = r.headers.get("Link")
        url = link.split(">")[0].lstrip("<") if link else None
        assert (link is None) == (len(r.json()["results"]["bindings"]) < 4)
    assert seen == whole and pages == len(whole) // 4 + 1
    engine_paged = served.get("/api/queries/registry-awards-per-enterprise-year", params={"limit": 2})
    assert engine_paged.status_code == 200 and len(engine_paged.json()["results"]["bindings"]) <= 2


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "²", "1" * 40, "10001"])
def test_a_bad_limit_or_offset_is_400_naming_it(served, bad):
    for k in ("limit", "offset"):
        if k == "offset" and bad in ("0", "10001"):
            continue  # valid offsets
        r = served.get(f"/api/queries/{Q}", params={"measure": OLD12, k: bad})
        assert r.status_code == 400, (k, bad, r.text)
        assert json.loads(r.text)["detail"]["param"] == k
