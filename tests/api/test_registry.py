"""The registry: stored submissions and awards, idempotent writes, and the checks that read them."""
from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from policykg.app import create_app

ROOT = Path(__file__).resolve().parents[2]
LEASE = "jjxj-2022-old-factory-finance-lease-subsidy"
LEASE_AMOUNT_SHAPE = "https://w3id.org/policykg/shape/jjxj/2022/old-factory/measure/finance-lease-subsidy/amount"
LEASE_CLAUSE = "https://w3id.org/policykg/doc/jjxj/2022/old-factory/3/5"
NO_DOUBLE_12 = "https://w3id.org/policykg/shape/jfgg/2023/12/rule/no-double-funding"
OLD_FACTORY = {
    "type": "RenovationProject", "id": "of1", "projectType": "old-factory", "floorArea": 8000,
    "fixedAssetInvestment": 8000, "status": "under-construction", "applicationDate": "2024-06-01",
    "propertyRightsClear": True, "operationsMechanism": True, "industryPositioning": "高精尖",
    "industryCategory": "high-tech", "inOldFactoryLedger": True, "inHighTechProjectDatabase": True,
    "applicant": {"name": "甲公司", "creditCode": "91110000000000001X"}, "projectCode": "P-1",
    "requests": [{"measure": "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", "amount": 2400}],
}



def award(client: TestClient, body: dict) -> dict:
    """Record an award the test relies on: its set-up must have succeeded."""
    r = client.post("/api/awards", json=body)
    assert r.status_code == 201, r.text
    return r.json()

def lease(code: str, amount: float, when: str = "2024-06-01", cc: str = "91110000000000002Y") -> dict:
    return {"type": "RenovationProject", "id": f"lease-{code}", "projectType": "finance-lease",
            "financeLeaseAmount": 30000, "applicationDate": when, "inOldFactoryLedger": True, "inHighTechProjectDatabase": True,
            "status": "under-construction", "applicant": {"name": "乙公司", "creditCode": cc}, "projectCode": code,
            "requests": [{"measure": LEASE, "amount": amount}]}


@pytest.fixture
def client(auth) -> Iterator[TestClient]:
    """A fresh in-memory store per test: the registry starts empty; every request sends the admin token."""
    with TestClient(create_app(auth.settings()), headers=auth.headers("admin")) as c:
        yield c


def shapes(rep: dict) -> list[str]:
    return [r["sourceShape"] for r in rep["results"]]


def test_a_stored_submission_is_read_back_whole_with_its_report_and_receipt(client: TestClient) -> None:
    r = client.post("/api/submissions", json=OLD_FACTORY)
    assert r.status_code == 201
    rec = r.json()
    assert rec["created"] is True and r.headers["location"] == f"/api/submissions/{rec['id']}"
    assert rec["graph"] == f"https://w3id.org/policykg/graph/submission/{rec['id']}"
    assert (rec["conforms"], rec["projectKey"]) == (True, "91110000000000001X/P-1")
    got = client.get(f"/api/submissions/{rec['id']}").json()
    assert {k: got[k] for k in ("id", "conforms", "results", "receipt", "projectKey", "asOf")} == \
        {k: rec[k] for k in ("id", "conforms", "results", "receipt", "projectKey", "asOf")}
    assert got["receipt"]["asOf"] == "2024-06-01" and len(got["corpusVersion"]) == 64
    ttl = client.get(f"/api/submissions/{rec['id']}", headers={"accept": "text/turtle"})
    g = Graph().parse(data=ttl.text, format="turtle")
    assert len(g) > 20
    assert "ValidationReport" in ttl.text and "SubmissionRecord" in ttl.text


def test_the_same_bytes_twice_are_one_record(client: TestClient) -> None:
    body = json.dumps(OLD_FACTORY).encode()
    a = client.post("/api/submissions", content=body, headers={"content-type": "application/json"})
    b = client.post("/api/submissions", content=body, headers={"content-type": "application/json"})
    assert (a.status_code, b.status_code) == (201, 200)
    assert a.json()["id"] == b.json()["id"] and b.json()["created"] is False
    assert a.json()["submittedAt"] == b.json()["submittedAt"]
    graphs = [g for g in client.app.state.store.named_graphs() if "/graph/submission/" in g]
    assert graphs == [a.json()["graph"]]


def test_an_idempotency_key_returns_the_same_record_and_refuses_another_body(client: TestClient) -> None:
    h = {"idempotency-key": "req-42"}
    a = client.post("/api/submissions", json=OLD_FACTORY, headers=h)
    b = client.post("/api/submissions", json=OLD_FACTORY, headers=h)
    other = copy.deepcopy(OLD_FACTORY)
    other["floorArea"] = 9000
    c = client.post("/api/submissions", json=other, headers=h)
    assert (a.status_code, b.status_code, c.status_code) == (201, 200, 409)
    assert a.json()["id"] == b.json()["id"]
    assert c.json()["detail"]["field"] == "Idempotency-Key"
    assert len([g for g in client.app.state.store.named_graphs() if "/graph/submission/" in g]) == 1


OLD_FACTORY_TTL = """@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix c: <https://w3id.org/policykg/concept/> .
<https://w3id.org/policykg/data/of1> a pkg:RenovationProject ;
  pkg:projectType c:project-type\\/old-factory ; pkg:floorArea 8000 ; pkg:fixedAssetInvestment 8000.00 ;
  pkg:status c:status\\/under-construction ;
  pkg:applicationDate "2024-06-01"^^<http://www.w3.org/2001/XMLSchema#date> ;
  pkg:propertyRightsClear true ; pkg:operationsMechanism "1"^^<http://www.w3.org/2001/XMLSchema#boolean> ;
  pkg:industryPositioning "高精尖" ; pkg:industryCategory c:industry-category\\/high-tech ;
  pkg:inOldFactoryLedger true ; pkg:inHighTechProjectDatabase true ; pkg:projectCode "P-1" ;
  pkg:applicant [ a pkg:Applicant ; pkg:name "甲公司" ; pkg:creditCode "91110000000000001X" ] ;
  pkg:requests [ a pkg:FundingRequest ; pkg:amount 2400 ; pkg:measure
    <https://w3id.org/policykg/doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure> ] .
"""


def test_the_same_json_re_indented_is_one_record(client: TestClient) -> None:
    compact = json.dumps(OLD_FACTORY).encode()
    pretty = json.dumps(dict(reversed(list(OLD_FACTORY.items()))), indent=4, ensure_ascii=False).encode()
    a = client.post("/api/submissions", content=compact, headers={"content-type": "application/json"})
    b = client.post("/api/submissions", content=pretty, headers={"content-type": "application/json"})
    assert (a.status_code, b.status_code) == (201, 200)
    assert b.json()["id"] == a.json()["id"] and b.json()["created"] is False
    assert len([g for g in client.app.state.store.named_graphs() if "/graph/submission/" in g]) == 1


def test_the_same_project_as_turtle_and_as_json_is_one_record(client: TestClient) -> None:
    a = client.post("/api/submissions", json=OLD_FACTORY)
    b = client.post("/api/submissions", content=OLD_FACTORY_TTL.encode(), headers={"content-type": "text/turtle"})
    assert (a.status_code, b.status_code) == (201, 200), b.text
    assert b.json()["id"] == a.json()["id"]
    assert len([g for g in client.app.state.store.named_graphs() if "/graph/submission/" in g]) == 1


def test_an_idempotency_key_accepts_the_same_submission_in_other_bytes(client: TestClient) -> None:
    h = {"idempotency-key": "req-7"}
    a = client.post("/api/submissions", json=OLD_FACTORY, headers=h)
    b = client.post("/api/submissions", content=OLD_FACTORY_TTL.encode(), headers={**h, "content-type": "text/turtle"})
    assert (a.status_code, b.status_code) == (201, 200) and a.json()["id"] == b.json()["id"]


def test_an_award_is_recorded_once_and_listed_by_project_and_enterprise(client: TestClient) -> None:
    award = {"project": {"creditCode": "91110000000000001X", "projectCode": "P-1"}, "external": True,
             "measure": "jfgg-2023-12-loan-interest-subsidy", "amount": 300, "date": "2023-03-01"}
    a, b = client.post("/api/awards", json=award), client.post("/api/awards", json=award)
    assert (a.status_code, b.status_code) == (201, 200) and a.json()["id"] == b.json()["id"]
    assert a.json()["creditCode"] == "91110000000000001X"
    listed = client.get("/api/awards", params={"project": "91110000000000001X/P-1"}).json()
    assert [(x["amount"], x["date"]) for x in listed] == [(300.0, "2023-03-01")]
    assert client.get("/api/awards", params={"creditCode": "91110000000000001X"}).json() == listed
    with_key = client.post("/api/awards", json={**award, "amount": 301}, headers={"idempotency-key": "grant-1"})
    clash = client.post("/api/awards", json={**award, "amount": 302}, headers={"idempotency-key": "grant-1"})
    assert (with_key.status_code, clash.status_code) == (201, 409)


def test_double_funding_across_two_submissions_is_caught_with_its_clause(client: TestClient) -> None:
    first = client.post("/api/submissions", json=OLD_FACTORY).json()
    assert first["conforms"] is True
    award = {"submission": first["id"], "measure": "jjxj-2022-old-factory-space-upgrade-support",
             "amount": 1000, "date": "2023-12-01"}
    assert client.post("/api/awards", json=award).status_code == 201
    again = copy.deepcopy(OLD_FACTORY)
    again["id"] = "of1-resubmitted"
    rep = client.post("/api/validate", json=again, headers={"accept-language": "en"}).json()
    assert rep["conforms"] is False
    hit = next(r for r in rep["results"] if r["sourceShape"] == NO_DOUBLE_12 and r["severity"] == "Violation")
    assert hit["clause"]["iri"] == "https://w3id.org/policykg/doc/jfgg/2023/12/2/5"
    assert "already received municipal funds" in hit["message"]
    stored = client.post("/api/submissions", json=again).json()
    assert stored["conforms"] is False and NO_DOUBLE_12 in shapes(stored)


def test_an_award_of_another_project_of_the_same_enterprise_is_not_double_funding(client: TestClient) -> None:
    award(client, {"project": "91110000000000001X/P-OTHER", "amount": 1000, "date": "2023-12-01", "external": True,
                                     "measure": "jjxj-2022-old-factory-space-upgrade-support"})
    rep = client.post("/api/validate", json=OLD_FACTORY).json()
    assert rep["conforms"] is True


def test_the_yearly_cap_per_enterprise_counts_awards_and_stored_requests_of_its_other_projects(
        client: TestClient) -> None:
    award(client, {"project": "91110000000000002Y/L-1", "measure": LEASE, "amount": 600, "external": True,
                                     "date": "2024-02-01"})
    award(client, {"project": "91110000000000002Y/L-1", "measure": LEASE, "amount": 900, "external": True,
                                     "date": "2023-02-01"})  # another year: does not count
    assert client.post("/api/validate", json=lease("L-2", 400)).json()["conforms"] is True
    over = client.post("/api/validate", json=lease("L-2", 401), headers={"accept-language": "en"}).json()
    assert over["conforms"] is False
    hit = next(r for r in over["results"] if r["sourceShape"] == LEASE_AMOUNT_SHAPE)
    assert hit["clause"]["iri"] == LEASE_CLAUSE
    assert "600" in hit["message"] and "1001" in hit["message"]
    pending = client.post("/api/submissions", json=lease("L-3", 300)).json()
    assert pending["conforms"] is True
    third = client.post("/api/validate", json=lease("L-2", 150)).json()
    assert LEASE_AMOUNT_SHAPE in shapes(third)  # 600 awarded + 300 requested by L-3 + 150 > 1000
    other_enterprise = client.post("/api/validate", json=lease("L-2", 1000, cc="91110000000000009Z")).json()
    assert other_enterprise["conforms"] is True


def test_a_lease_subsidy_is_paid_for_three_years_at_most(client: TestClient) -> None:
    for year in (2022, 2023, 2024):
        award(client, {"project": "91110000000000002Y/L-1", "measure": LEASE, "amount": 100, "external": True,
                                         "date": f"{year}-03-01"})
    rep = client.post("/api/validate", json=lease("L-1", 100, when="2025-03-01"),
                      headers={"accept-language": "en"}).json()
    assert rep["conforms"] is False
    assert any("at most 3 years" in r["message"] for r in rep["results"] if r["sourceShape"] == LEASE_AMOUNT_SHAPE)
    # its own earlier instalments are not "other municipal funding"
    assert not any("no-double-funding" in s for s in shapes(rep))


def test_the_registry_survives_a_restart(auth) -> None:
    settings = auth.settings(store="oxigraph")
    with TestClient(create_app(settings), headers=auth.headers("admin")) as c:
        sid = c.post("/api/submissions", json=OLD_FACTORY).json()["id"]
        assert c.post("/api/awards", json={"submission": sid, "measure": "jfgg-2023-12-loan-interest-subsidy",
                                           "amount": 10, "date": "2024-01-02"}).status_code == 201
        before = c.get(f"/api/submissions/{sid}").json()
    with TestClient(create_app(settings), headers=auth.headers("admin")) as c:
        after = c.get(f"/api/submissions/{sid}").json()
        assert after == before
        assert [a["amount"] for a in c.get("/api/awards", params={"project": "91110000000000001X/P-1"}).json()] == [10.0]
        assert c.post("/api/submissions", json=OLD_FACTORY).status_code == 200


@pytest.mark.parametrize("form", [OLD_FACTORY, {**OLD_FACTORY, "projectCode": "P-NC", "floorArea": 2000,
                                                "requests": [{"measure": LEASE, "amount": 99999}]}],
                         ids=["conforming", "violations"])
def test_the_answer_of_a_new_submission_is_what_reading_it_back_gives(client: TestClient, form: dict) -> None:
    """POST /api/submissions answers from what it has just written (registry/reading.as_stored), not by reading
    the graph back: every field of that answer equals GET's, findings and receipt included."""
    r = client.post("/api/submissions", json=form)
    assert r.status_code == 201 and r.json()["created"] is True
    posted = r.json()
    got = client.get(f"/api/submissions/{posted['id']}").json()
    assert set(got) <= set(posted) | {"created"}
    assert {k: v for k, v in got.items() if k != "created"} == {k: posted[k] for k in got if k != "created"}
    if form is not OLD_FACTORY:
        assert posted["conforms"] is False and posted["results"]
