"""The remote store backend against Debian's Virtuoso, started on 127.0.0.1 by the `virtuoso` fixture."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
import yaml
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from policykg.app import create_app
from policykg.config import Settings
from policykg.corpus.files import corpus_version
from policykg.errors import PolicyKGError
from policykg.registry import records as registry
from policykg.sparql.library import load_library
from policykg.store import OxiStore, is_corpus_graph
from policykg.store.remote import CHUNK, RemoteStore, RemoteStoreError
from tests.conftest import Auth
from tests.queries.test_registry_queries import AWARDS
from tests.sparql.support import ROOT, answer_set, typed_value

pytestmark = pytest.mark.virtuoso
LIB = load_library(ROOT)
D7, D12 = "doc/jfgg/2023/7", "doc/jfgg/2023/12"
# Every library query with its defaults, and again with each parameter value the hand-derived tests use.
CASES = [(name, {}) for name in sorted(LIB)] + [
    ("measures-for-project-type", {"projectType": "low-efficiency-building"}),
    ("measures-for-project-type", {"projectType": ""}),
    ("highest-cap-per-project-type", {"projectType": "old-factory"}),
    ("measures-by-kind", {"kind": "finance-lease-subsidy"}),
    ("measure-combinations", {"projectType": "srdi-park"}),
    *[("measures-for-project-type", {"asOf": d}) for d in ("2023-07-03", "2025-07-02", "2025-07-03", "2026-01-01")],
    *[("highest-cap-per-project-type", {"asOf": d}) for d in ("2023-07-02", "2025-07-03", "2026-01-01")],
    *[("measure-combinations", {"asOf": d}) for d in ("2023-07-03", "2025-07-03")],
    ("measures-requiring-certification-or-listing", {"recognition": "enterprise-list", "asOf": "2024-04-16"}),
    ("measures-requiring-certification-or-listing", {"asOf": "2025-07-02"}),
    ("document-changes-for-project-type", {"document": "doc/jjxf/2024/20", "projectType": "energy-saving"}),
    ("document-changes-for-project-type", {"document": D7}),
    ("measures-by-kind", {"kind": "finance-lease-subsidy", "asOf": "2025-12-31"}),
    ("per-unit-measures", {"asOf": "2024-04-16"}),
    *[("required-declarations", {"asOf": d}) for d in ("2023-07-03", "2025-07-03")],
    ("thresholds-on-property", {"asOf": "2023-07-02"}),
    ("post-delivery-targets", {"asOf": "2023-08-31"}),
    ("no-double-funding-rules", {"asOf": "2026-01-01"}),
    ("exclusive-measure-pairs", {"asOf": "2024-04-16"}),
    *[("documents-in-force", {"date": d}) for d in ("2023-07-02", "2023-07-03", "2024-05-09", "2024-05-10",
                                                     "2025-07-03", "2025-12-31", "2026-01-01", "2029-03-14")],
    *[("documents-expiring", {"date": d, "months": m}) for d, m in (("2025-06-30", "6"), ("2025-07-02", "1"),
                                                                   ("2027-01-01", "12"), ("2027-05-10", "6"))],
    ("thresholds-on-property", {"property": "pkg:fixedAssetInvestment"}),
    ("post-delivery-targets", {"projectType": "low-efficiency-building"}),
    ("documents-by-authority", {"authority": "org/bj-ca"}),
    ("document-citations", {"document": "doc/jzf/2021/10"}),
    ("clause-search", {"phrase": "不再予以支持"}),
    ("clauses-by-authority", {"phrase": ""}),
    ("recorded-ambiguities", {"document": D7}),
    ("non-checkable-provisions", {"document": D12}),
    ("registry-projects-with-several-measures", {"project": "C1/P1"}),
    ("registry-awards-per-enterprise-year", {"year": "2024"}),
]


def _record_awards(store: Any) -> None:
    for i, (project, cc, measure, amount, when) in enumerate(AWARDS):
        registry.record_award(store, project_key=project, measure=measure, amount=Decimal(amount),
                              when=date.fromisoformat(when), credit_code=cc, body_sha=f"test-{i}")


@pytest.fixture(scope="module")
def both(remote_store: RemoteStore) -> tuple[OxiStore, RemoteStore]:
    """The embedded and the remote store, holding the same corpus, the same awards and the same stored
    submissions (bench/generate.py's seeded ones: two of them are registry-measure-candidates' answer)."""
    from bench.generate import generate, load

    embedded = OxiStore(None)
    embedded.ensure_corpus(ROOT)
    subs, _ = generate(8, seed=15)
    for s in (embedded, remote_store):
        _record_awards(s)
        load(s, subs, [])
    return embedded, remote_store


def test_the_corpus_is_loaded_into_virtuoso_with_its_version(remote_store: RemoteStore) -> None:
    assert remote_store.stored_version() == corpus_version(ROOT)
    assert remote_store.ensure_corpus(ROOT) is False  # same version: nothing to do
    graphs = remote_store.named_graphs()
    assert "https://w3id.org/policykg/graph/doc/jfgg-2023-7" in graphs
    assert "https://w3id.org/policykg/graph/ontology" in graphs


# Known differences between the stores, each with its precise reason (none at present: the two recorded at the
# end of session 2 were a Virtuoso answer to a correlated `is_part_of+` inside FILTER NOT EXISTS, which
# measure-without-clause-violation no longer asks, and a registry without submissions, which `both` now fills).
KNOWN: dict[str, str] = {}


def _known(name: str) -> None:
    if name in KNOWN:
        pytest.xfail(KNOWN[name])



@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}{'-' if p else ''}{'-'.join(p.values())}"
                                                         for n, p in CASES])
def test_every_library_query_gives_the_same_answers_on_virtuoso(both, name: str, params: dict[str, str]) -> None:
    _known(name)
    embedded, remote = both
    q = LIB[name]
    bindings = q.bindings(params)
    expected = answer_set(embedded.select(q.text, bindings, registry=q.reads_registry))
    # registry=True: asked of Virtuoso itself (the remote store answers the corpus reads of the server
    # from its in-memory copy of the corpus, which would compare pyoxigraph with itself)
    assert answer_set(remote.select(q.text, bindings, registry=True)) == expected
    if not q.is_violation_check and name != "documents-expiring":
        assert expected, f"{name} {params} answers nothing: the comparison would prove little"


STRUCTURE_Q = """SELECT ?s ?a ?b WHERE { ?s <urn:x:p> ?r . ?r <urn:x:v> ?a . ?r <urn:x:p> ?m . ?m <urn:x:v> ?b .
  FILTER(isBLANK(?r) && isBLANK(?m)) }"""


def _structure(quads: list[ox.Quad]) -> set[tuple[str, str, str]]:
    """What hangs from each named node through blank nodes: equal sets mean the blank nodes were kept."""
    s = ox.Store()
    s.extend(quads)
    return {(r["s"].value, r["a"].value, r["b"].value)
            for r in s.query(STRUCTURE_Q, use_default_graph_as_union=True)}


def test_blank_nodes_and_long_graphs_survive_the_round_trip(remote_store: RemoteStore) -> None:
    graph = "https://w3id.org/policykg/graph/test/round-trip"
    g = ox.NamedNode(graph)
    p, v = ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:v")
    quads = [ox.Quad(ox.NamedNode(f"urn:x:s{i}"), v, ox.Literal(f"值 {i}\n\"quoted\"", language="zh"), g)
             for i in range(CHUNK + 7)]
    for i in range(300):  # 1200 triples on blank nodes: several update requests, each node whole in one
        r, m = ox.BlankNode(f"r{i}"), ox.BlankNode(f"m{i}")
        quads += [ox.Quad(ox.NamedNode(f"urn:x:s{i}"), p, r, g), ox.Quad(r, v, ox.Literal(f"request {i}"), g),
                  ox.Quad(r, p, m, g), ox.Quad(m, v, ox.Literal(f"measure {i}"), g)]
    quads.append(ox.Quad(ox.NamedNode("urn:x:n"), v, ox.Literal("5000.0", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#decimal")), g))
    remote_store.replace_graph(graph, quads)
    back = remote_store.graph_quads(graph)
    assert len(back) == len(quads)
    assert len(_structure(back)) == 300 and _structure(back) == _structure(quads)
    assert {t for q in back for t in [typed_value(q.object)] if t[0] == "number"} == {("number", Decimal(5000))}
    remote_store.replace_graph(graph, quads[:1])  # replacing drops what was there
    assert len(remote_store.graph_quads(graph)) == 1


@pytest.fixture(scope="module")
def remote_client(remote_settings: Settings, role_tokens, tmp_path_factory) -> Iterator[TestClient]:
    """Sends the admin token (the test writes a submission and reads it back)."""
    auth = Auth(role_tokens, tmp_path_factory.mktemp("remote"))
    settings = remote_settings.model_copy(update={"max_result_rows": 200, "data_dir": auth.data_dir})
    with TestClient(create_app(settings), headers=auth.headers("admin")) as c:
        yield c


def test_a_submission_written_through_the_api_is_read_back_whole(remote_client: TestClient, store, both) -> None:
    from bench.generate import load

    base = yaml.safe_load((ROOT / "tests" / "cases" / "_bases.yaml").read_text(encoding="utf-8"))["old-factory-12"]
    form = {**base, "applicationDate": "2024-06-01"}
    body = json.dumps(form, ensure_ascii=False).encode()
    posted = remote_client.post("/api/submissions", content=body, headers={"Content-Type": "application/json"})
    assert posted.status_code in (200, 201), posted.text
    # the embedded twin keeps the same submissions for the registry comparisons below (candidates reads them)
    assert load(both[0], [form], [])["ids"][0] == posted.json()["id"]
    sid = posted.json()["id"]
    again = remote_client.get(f"/api/submissions/{sid}")
    assert again.status_code == 200
    assert {k: again.json()[k] for k in ("conforms", "results", "projectKey")} == \
        {k: posted.json()[k] for k in ("conforms", "results", "projectKey")}
    from policykg.submission.parse import parse_submission

    sent = parse_submission(body, "application/json", 2_000_000, store).graph
    stored = registry.load_submission(remote_client.app.state.store, sid)
    # Virtuoso writes decimals canonically (8000.0 comes back "8000"): the same values, compared as such
    assert len(sent) > 10 and isomorphic(_canonical(stored["data"]), _canonical(sent))


def _canonical(g: rdflib.Graph) -> rdflib.Graph:
    out = rdflib.Graph()
    for s_, p_, o in g:
        if isinstance(o, rdflib.Literal) and o.datatype == rdflib.XSD.decimal:
            o = rdflib.Literal(format(Decimal(str(o)).normalize(), "f"), datatype=rdflib.XSD.decimal)
        out.add((s_, p_, o))
    return out


def test_the_endpoint_answers_from_the_remote_store(remote_client: TestClient) -> None:
    q = "SELECT ?n WHERE { <doc/jfgg/2023/7> eli:date_no_longer_in_force ?n }"
    r = remote_client.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200
    assert [row["n"].value for row in ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML)] == \
        ["2025-07-02"]
    c = remote_client.get("/sparql", params={"query": "CONSTRUCT { <doc/jfgg/2023/12> pkg:slug ?s } WHERE { "
                                                      "<doc/jfgg/2023/12> pkg:slug ?s }"},
                          headers={"Accept": "text/turtle"})
    assert [t.object.value for t in ox.parse(c.content, format=ox.RdfFormat.TURTLE)] == ["jfgg-2023-12"]
    assert remote_client.get("/sparql", params={"query": "ASK { ?s pkg:slug \"jfgg-2023-7\" }"}).json()["boolean"]
    assert remote_client.get("/sparql", params={"query": "SELECT * { ?s ?p }"}).status_code == 400
    assert remote_client.get("/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> {} }"}) \
        .status_code == 403
    assert remote_client.get("/sparql", params={"query": "DROP ALL"}).status_code == 403
    big = remote_client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})  # over the row cap: its first rows
    assert big.status_code == 200 and big.headers["x-result-truncated"] == "true"


def test_a_library_query_through_the_api_on_the_remote_store(remote_client: TestClient, client) -> None:
    for date_ in ("2025-07-02", "2025-07-03"):
        remote = remote_client.get("/api/queries/documents-in-force", params={"date": date_}).json()
        local = client.get("/api/queries/documents-in-force", params={"date": date_}).json()
        docs = lambda r: {b["document"]["value"] for b in r["results"]["bindings"]}  # noqa: E731
        assert docs(remote) == docs(local)
    assert len(docs(remote)) == 10


def test_updates_through_sparql_auth_use_the_credentials(virtuoso, remote_settings: Settings) -> None:
    graph = "https://w3id.org/policykg/graph/test/auth"
    quad = ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal("ok"), ox.NamedNode(graph))
    authed = RemoteStore(remote_settings.model_copy(update={
        "remote_update_url": virtuoso.sparql_auth_url, "remote_user": "dba", "remote_password": "dba"}))
    authed.replace_graph(graph, [quad])  # Digest, negotiated from Virtuoso's challenge
    assert [q.object.value for q in authed.graph_quads(graph)] == ["ok"]
    wrong = RemoteStore(remote_settings.model_copy(update={
        "remote_update_url": virtuoso.sparql_auth_url, "remote_user": "dba", "remote_password": "wrong"}))
    with pytest.raises(RemoteStoreError) as e:
        wrong.replace_graph(graph, [quad])
    assert e.value.status == 502 and "credentials" in e.value.message


def test_an_unreachable_remote_store_is_a_clear_502() -> None:
    from tests import virtuoso as vt

    dead = RemoteStore(Settings(store="remote", remote_query_url=f"http://127.0.0.1:{vt.free_port()}/sparql"))
    with pytest.raises(PolicyKGError) as e:
        dead.select("ASK {}")
    assert e.value.status == 502 and "unreachable" in e.value.message


def _bindings(r: Any) -> list[dict[str, Any]]:
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


def test_the_registry_is_not_readable_through_sparql_on_the_remote_store(both, remote_client: TestClient) -> None:
    store = remote_client.app.state.store
    measure = "https://w3id.org/policykg/doc/jfgg/2023/12/measure/loan-interest-subsidy"
    for s in (both[0], store):  # the embedded twin keeps the same awards for the comparisons below
        award, _ = registry.record_award(s, project_key="R1/P1", measure=measure, amount=Decimal("700"),
                                         when=date(2031, 5, 1), credit_code="REMOTE-CODE-1", body_sha="remote-1",
                                         idempotency_key="remote-key-1")
    g = registry.AWARD_GRAPH + award["id"]
    assert g in store.named_graphs()
    for params in ({"query": "SELECT ?o WHERE { ?s pkg:creditCode ?o }"},
                   {"query": f"SELECT * FROM <{g}> WHERE {{ ?s ?p ?o }}"},
                   {"query": f"SELECT * FROM NAMED <{g}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
                   {"query": f"SELECT * WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"},
                   {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": g},
                   {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": g}):
        assert _bindings(remote_client.get("/sparql", params=params)) == [], params
    graphs = _bindings(remote_client.get("/sparql", params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"}))
    names = {b["g"]["value"] for b in graphs}
    assert "https://w3id.org/policykg/graph/doc/jfgg-2023-7" in names and all(map(is_corpus_graph, names))
    q = ("SELECT DISTINCT ?n FROM <https://w3id.org/policykg/graph/doc/jfgg-2023-7> "
         "WHERE { ?d a eli:LegalResource ; pkg:inCorpus true ; eli:id_local ?n }")
    assert [b["n"]["value"] for b in _bindings(remote_client.get("/sparql", params={"query": q}))] == ["京发改规〔2023〕7号"]
    rows = _bindings(remote_client.get("/api/queries/registry-awards-per-enterprise-year", params={"year": "2031"}))
    assert [(b["creditCode"]["value"], b["total"]["value"]) for b in rows] == [("REMOTE-CODE-1", "700")]


@pytest.fixture(scope="module")
def remote_api(remote_settings: Settings, role_tokens, tmp_path_factory) -> Iterator[TestClient]:
    """Anonymous; `c.reviewer` are the headers of a reviewer, for the registry queries."""
    auth = Auth(role_tokens, tmp_path_factory.mktemp("remote-api"))
    with TestClient(create_app(remote_settings.model_copy(update={"data_dir": auth.data_dir}))) as c:
        c.reviewer = auth.headers("reviewer")  # type: ignore[attr-defined]
        yield c


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}{'-' if p else ''}{'-'.join(p.values())}"
                                                         for n, p in CASES])
def test_every_library_query_answers_the_same_through_the_api_on_both_stores(
        both, remote_api: TestClient, client, name: str, params: dict[str, str]) -> None:
    _known(name)
    # `both` recorded the same awards in the remote store; the registry queries compare with them
    if LIB[name].reads_registry:
        embedded, _ = both
        q = LIB[name]
        local = answer_set(embedded.select(q.text, q.bindings(params), registry=True))
        r = remote_api.get(f"/api/queries/{name}", params=params,
                           headers={"Accept": "application/sparql-results+xml", **remote_api.reviewer})
        res = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML)
        names = [v.value for v in res.variables]
        assert answer_set([{n: row[n] for n in names if row[n] is not None} for row in res]) == local
        return

    def answers(c: TestClient) -> set[tuple]:
        r = c.get(f"/api/queries/{name}", params=params, headers={"Accept": "application/sparql-results+xml"})
        assert r.status_code == 200, r.text
        res = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML)
        names = [v.value for v in res.variables]
        return answer_set([{n: row[n] for n in names if row[n] is not None} for row in res])

    assert answers(remote_api) == answers(client)


def _form(cc: str, code: str, measure: str, amount: float, when: str, kind: str = "old-factory") -> dict:
    lease = {"projectType": "finance-lease", "financeLeaseAmount": 30000} if kind == "lease" else {
        "projectType": "old-factory", "floorArea": 8000, "fixedAssetInvestment": 8000, "propertyRightsClear": True,
        "operationsMechanism": True, "industryPositioning": "高精尖", "industryCategory": "high-tech"}
    return {"type": "RenovationProject", "id": f"rc-{cc}-{code}-{when}", **lease, "applicationDate": when,
            "status": "under-construction", "inOldFactoryLedger": True, "inHighTechProjectDatabase": True,
            "applicant": {"name": "甲公司", "creditCode": cc}, "projectCode": code,
            "requests": [{"measure": measure, "amount": amount}]}


REGISTRY_CASES = [  # projects and enterprises of AWARDS: double funding, prior awards, per-enterprise yearly caps
    _form("C1", "P1", "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", 2400, "2024-06-01"),
    _form("C3", "P3", "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", 2400, "2024-10-01"),
    _form("C9", "L3", "jjxj-2022-old-factory-finance-lease-subsidy", 400, "2024-12-15", "lease"),
    _form("C9", "L1", "jjxj-2022-old-factory-finance-lease-subsidy", 900, "2025-06-01", "lease"),
    _form("C7", "P7", "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", 2400, "2024-06-01"),
]


def test_the_registry_checks_find_the_same_on_virtuoso_and_send_their_in_order_queries_so(both, monkeypatch):
    """Each registry check of a validation (double funding, prior awards, yearly caps of the enterprise with its
    other projects' requests) on the remote store, beside the embedded one holding the same registry; the queries
    written in join order (IN_ORDER) reach Virtuoso with the pragma that keeps that order, the others without."""
    from policykg.registry import check
    from policykg.store import IN_ORDER
    from policykg.store.remote import KEEP_ORDER
    from policykg.submission import parse_submission

    embedded, remote = both
    sent: list[str] = []
    request = RemoteStore._request
    monkeypatch.setattr(RemoteStore, "_request", lambda self, url, text, *a, **k: sent.append(text) or request(
        self, url, text, *a, **k))
    found = 0
    for form in REGISTRY_CASES:
        body = json.dumps(form, ensure_ascii=False).encode()
        outcomes = [check(s, parse_submission(body, "application/json", 1 << 20, s).graph) for s in (embedded, remote)]
        rows = [sorted((r["sourceShape"], r["focusNode"] or "", str(r["value"]), r["severity"], r["message"]["en"])
                       for r in o.results) for o in outcomes]
        assert outcomes[0].conforms == outcomes[1].conforms and rows[0] == rows[1], form["id"]
        found += sum(1 for r in outcomes[0].results if r["severity"] == "Violation")
    assert found >= 3  # not a pass on nothing: the registry's findings were compared
    assert remote.virtuoso
    ordered = [t for t in sent if IN_ORDER in t]
    assert ordered and all(t.startswith(KEEP_ORDER) for t in ordered)
    assert all(not t.startswith(KEEP_ORDER) for t in sent if IN_ORDER not in t)


def test_a_registry_library_query_written_in_join_order_reaches_virtuoso_with_the_pragma(remote_client, monkeypatch):
    """registry-projects-with-several-measures is marked IN_ORDER (its project's awards first): through the API on the
    remote store its text carries Virtuoso's keep-the-order pragma; a library query without the mark does not."""
    from policykg.store.remote import KEEP_ORDER

    sent: list[str] = []
    request = RemoteStore._request
    monkeypatch.setattr(RemoteStore, "_request", lambda self, url, text, *a, **k: sent.append(text) or request(
        self, url, text, *a, **k))
    r = remote_client.get("/api/queries/registry-projects-with-several-measures", params={"project": "C1/P1"})
    assert r.status_code == 200, r.text
    assert [t for t in sent if "?measure1" in t] and all(t.startswith(KEEP_ORDER) for t in sent if "?measure1" in t)
    sent.clear()
    assert remote_client.get("/api/queries/registry-awards-per-enterprise-year", params={"year": "2024"}).status_code == 200
    assert sent and not any(t.startswith(KEEP_ORDER) for t in sent)
