"""Submissions never leak into the public corpus views, and registry-derived answers need a token.

A stored submission that imitates a clause, a measure and a document (the finding of issue 12:
it was served by /api/search as an official clause, and /api/resolve redirected to itself) is
stored (the registry keeps what it was sent), and then no public view returns any of it.
"""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from tests.conftest import Auth

EVIL_TEXT = "补贴比例提高至100%，单个项目最高不超过99999万元"
EVIL_CLAUSE = "https://evil.example/clause/1"
EVIL_DOC = "https://evil.example/doc/2024/1"
EVIL_MEASURE = "https://evil.example/doc/2024/1/measure/free-money"
EVIL = f"""@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix c: <https://w3id.org/policykg/concept/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/policykg/data/evil-project> a pkg:RenovationProject ;
  pkg:projectType c:project-type\\/old-factory ; pkg:floorArea 8000 ;
  pkg:applicationDate "2024-06-01"^^xsd:date ; pkg:projectCode "EVIL-1" ;
  pkg:applicant [ a pkg:Applicant ; pkg:name "恶意公司" ; pkg:creditCode "91110000000000666E" ] .
<{EVIL_CLAUSE}> a eli:LegalResourceSubdivision ; eli:is_part_of <{EVIL_DOC}> ; eli:number "一" ;
  pkg:position 1 ; prov:value "{EVIL_TEXT}"@zh .
<{EVIL_DOC}> a eli:LegalResource ; pkg:inCorpus true ; pkg:slug "evil-2024-1" ;
  eli:id_local "京伪〔2024〕1号" ; eli:title "关于伪造补贴的通知"@zh .
<{EVIL_MEASURE}> a pkg:SupportMeasure ; pkg:slug "evil-2024-1-free-money" ; pkg:rate 1.0 ; pkg:cap 99999 ;
  prov:wasDerivedFrom <{EVIL_CLAUSE}> ; pkg:projectType c:project-type\\/old-factory .
"""
CONTENT = ("提高至100%", "京伪", "伪造补贴", "99999万元", "恶意公司")  # what only the submission says
MARKERS = (*CONTENT, "evil.example", "free-money")


@pytest.fixture(scope="module")
def app(role_tokens, tmp_path_factory) -> Iterator[tuple[TestClient, Auth]]:
    auth = Auth(role_tokens, tmp_path_factory.mktemp("privacy"))
    with TestClient(create_app(auth.settings())) as c:
        r = c.post("/api/submissions", content=EVIL.encode(), headers={"content-type": "text/turtle",
                                                                      **auth.headers("submitter")})
        assert r.status_code == 201, r.text
        graph = r.json()["graph"]
        assert any(q.object.value == EVIL_TEXT for q in c.app.state.store.graph_quads(graph))  # it is stored
        yield c, auth


def clean(text: str, markers: tuple[str, ...] = MARKERS) -> bool:
    return not any(m in text for m in markers)


@pytest.mark.parametrize("path", [
    f"/api/search?q={quote('补贴比例提高至100%')}",
    f"/api/search?q={quote('补贴比例')}",
    f"/api/search?q={quote('补贴比例')}&format=html",
    "/api/documents", "/api/measures", "/api/measures?projectType=old-factory", "/api/measures?format=html",
    "/", "/timeline", "/graph",
    "/api/queries/clause-search?phrase=" + quote("补贴比例"),
    "/api/queries/documents-in-force", "/api/queries/measures-for-project-type",
    "/query?name=clause-search&run=1&p_phrase=" + quote("补贴比例"),
    "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), '补贴比例提高')) }"),
    "/sparql?query=" + quote("SELECT * WHERE { GRAPH ?g { ?s a <http://data.europa.eu/eli/ontology#LegalResource> } }"),
])
def test_no_public_view_returns_the_submitted_imitation_of_a_clause_a_measure_or_a_document(app, path) -> None:
    client, _auth = app
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert clean(r.text), r.text[:2000]


@pytest.mark.parametrize("path", [
    f"/api/clauses?iri={quote(EVIL_CLAUSE)}", f"/api/documents?iri={quote(EVIL_DOC)}",
    f"/api/measures/{quote(EVIL_MEASURE, safe='')}", "/api/measures/evil-2024-1-free-money", "/api/documents/evil-2024-1",
    f"/api/trace/{quote(EVIL_MEASURE, safe='')}", f"/api/measures?document={quote(EVIL_DOC)}",
])
def test_the_submitted_imitations_are_unknown_to_the_corpus_routes(app, path) -> None:
    client, _auth = app
    r = client.get(path)
    assert r.status_code in (400, 404), (r.status_code, r.text[:500])
    assert clean(r.text, CONTENT)  # the error names the id asked for, nothing of what the submission says


def test_resolve_on_a_submitted_iri_is_a_404_not_a_redirect_loop(app) -> None:
    client, _auth = app
    r = client.get("/api/resolve", params={"iri": EVIL_CLAUSE}, follow_redirects=False)
    assert r.status_code == 404 and r.json()["error"]
    r = client.get("/api/resolve", params={"iri": EVIL_MEASURE}, follow_redirects=False)
    assert r.status_code == 404


def test_not_even_a_token_makes_a_submission_part_of_the_corpus_views(app) -> None:
    client, auth = app
    r = client.get(f"/api/search?q={quote('补贴比例提高至100%')}", headers=auth.headers("admin"))
    assert r.status_code == 200 and r.json() == []


REGISTRY_QUERIES = ["registry-awards-per-enterprise-year", "registry-awards-over-project-cap",
                    "registry-projects-with-several-measures"]


@pytest.mark.parametrize("name", REGISTRY_QUERIES)
def test_a_registry_query_answers_401_to_anonymous_and_403_to_a_submitter(app, name) -> None:
    client, auth = app
    r = client.get(f"/api/queries/{name}")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert client.get(f"/api/queries/{name}", headers=auth.headers("submitter")).status_code == 403
    for role in ("reviewer", "auditor", "admin"):
        assert client.get(f"/api/queries/{name}", headers=auth.headers(role)).status_code == 200


def test_the_query_page_of_a_registry_query_needs_a_token_too(app) -> None:
    client, auth = app
    page = client.get("/query", params={"name": "registry-awards-per-enterprise-year", "run": 1})
    assert page.status_code == 401 and page.headers["www-authenticate"].startswith("Bearer")
    assert "91110000000000666E" not in page.text
    ok = client.get("/query", params={"name": "registry-awards-per-enterprise-year", "run": 1},
                    headers=auth.headers("auditor"))
    assert ok.status_code == 200
    dl = client.get("/query/download", params={"name": "registry-awards-per-enterprise-year", "format": "csv"})
    assert dl.status_code == 401
    assert client.get("/query", params={"name": "registry-awards-per-enterprise-year"}).status_code == 200  # the form


def test_a_browser_runs_a_registry_query_by_typing_a_token_into_its_page_never_into_a_url(app) -> None:
    client, auth = app
    page = client.get("/query", params={"name": "registry-awards-per-enterprise-year"}).text
    assert 'action="/query/registry#results"' in page and 'type="password" name="token"' in page
    form = {"name": "registry-awards-per-enterprise-year", "p_year": ""}
    anonymous = client.post("/query/registry", data=form)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Bearer")
    assert client.post("/query/registry", data={**form, "token": auth.tokens["submitter"]}).status_code == 403
    assert client.post("/query/registry", data={**form, "token": "pkg_000000000000_" + "x" * 43}).status_code == 401
    ok = client.post("/query/registry", data={**form, "token": auth.tokens["auditor"]})
    assert ok.status_code == 200 and "row(s)" in ok.text
    assert auth.tokens["auditor"] not in ok.text  # the token is not put back into the page
    assert client.post("/query/registry", data={"name": "documents-in-force"}).status_code == 404  # registry only
    url = client.get("/query/download", params={"name": "registry-awards-per-enterprise-year", "format": "csv",
                                                "token": auth.tokens["auditor"]})
    assert url.status_code == 400  # a token in a URL ends up in logs and histories
    dl = client.post("/query/download", data={**form, "format": "csv", "token": auth.tokens["auditor"]})
    assert dl.status_code == 200 and dl.headers["content-type"].startswith("text/csv")
