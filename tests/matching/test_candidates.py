"""Proactive matching (免申即享): GET /api/measures/{id}/candidates over a registry whose answers are derived
by hand from 京发改规〔2023〕12号: 二（一）2 老旧厂房…改造面积超过 3000平方米 (strict), 二（四）1 按固定资产投资的
30% 给予补助，最高不超过 5000万元, the project not yet completed (在建或具备开工条件), and the project never awarded
the measure."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from policykg.matching import candidates
from tests.conftest import Auth
from tests.queries.test_library import run

D12 = "https://w3id.org/policykg/doc/jfgg/2023/12"
SUBSIDY = f"{D12}/measure/investment-subsidy-old-factory-and-infrastructure"
PATH = "doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure"
BASE = {"type": "RenovationProject", "projectType": "old-factory", "status": "under-construction",
        "industryPositioning": "集成电路设计", "operationsMechanism": True, "industryCategory": "high-tech",
        "propertyRightsClear": True, "applicationDate": "2024-09-01"}
# name -> (floor area m², fixed-asset investment 万元, other fields)
PROJECTS = {
    "big": (4000, 20000, {}),          # 30% × 20000 = 6000 → capped at 5000
    "mid": (4000, 8000, {}),           # 30% × 8000 = 2400
    "above": (3001, 10000, {}),        # just over 3000 m²: 3000
    "at": (3000, 10000, {}),           # exactly 3000 m²: 超过 is strict, not a candidate
    "below": (2500, 8000, {}),         # under the threshold
    "completed": (4000, 8000, {"status": "completed"}),  # 已竣工: fails 在建或具备开工条件 (not a threshold)
    "awarded": (4000, 8000, {}),       # meets everything, but already awarded the measure
    "other-type": (4000, 8000, {"projectType": "low-efficiency-building"}),  # not an old factory
}
EXPECTED = {"big": 5000.0, "above": 3000.0, "mid": 2400.0}


@pytest.fixture(scope="module")
def registry(root, role_tokens, tmp_path_factory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    auth = Auth(role_tokens, tmp_path_factory.mktemp("candidates"))
    with TestClient(create_app(auth.settings(corpus_root=root)), headers=auth.headers("reviewer")) as c:
        c.auth_headers = {role: auth.headers(role) for role in ("submitter", "auditor", "admin")}
        ids = {}
        for i, (name, (area, fai, more)) in enumerate(PROJECTS.items()):
            r = c.post("/api/submissions", json={**BASE, "id": f"cand-{name}", "floorArea": area,
                                                 "fixedAssetInvestment": fai, **more,
                                                 "applicant": {"name": name, "creditCode": f"91110000000000{i:04d}"}},
                       headers=c.auth_headers["submitter"])
            assert r.status_code == 201, r.text
            ids[name] = r.json()["id"]
        r = c.post("/api/awards", json={"submission": ids["awarded"], "measure": SUBSIDY, "amount": 2400,
                                        "date": "2024-06-01"})
        assert r.status_code == 201, r.text
        yield c, ids


def test_the_candidates_are_the_projects_over_3000_m2_not_completed_and_never_awarded(registry):
    c, ids = registry
    r = c.get(f"/api/measures/{PATH}/candidates", params={"asOf": "2024-09-01"})
    assert r.status_code == 200, r.text
    out = r.json()
    by_id = {v: k for k, v in ids.items()}
    got = {by_id[x["id"]]: x["maxAmount"] for x in out["candidates"]}
    assert got == EXPECTED
    assert [by_id[x["id"]] for x in out["candidates"]] == ["big", "above", "mid"]  # by amount
    assert out["total"] == 10400.0 and out["counts"]["stored"] == len(PROJECTS)
    assert out["inForce"] and out["documentNumber"] == "京发改规〔2023〕12号"
    big = out["candidates"][0]
    assert big["applicant"] == {"name": "big", "creditCode": "911100000000000000"}
    assert "5000" in big["computation"]


def test_reading_the_candidates_needs_a_token_that_may_read_the_registry(registry):
    c, _ = registry
    url = f"/api/measures/{PATH}/candidates?asOf=2024-09-01"
    r = c.get(url, headers={"Authorization": ""})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    r = c.get(url, headers=c.auth_headers["submitter"])
    assert r.status_code == 403 and r.json()["detail"]["needs"] == "read-registry"
    assert c.get(url, headers=c.auth_headers["auditor"]).status_code == 200


def test_the_measure_may_be_named_by_its_slug_or_full_iri(registry):
    c, _ = registry
    for ident in ("jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", SUBSIDY):
        r = c.get(f"/api/measures/{ident}/candidates", params={"asOf": "2024-09-01"})
        assert r.status_code == 200 and len(r.json()["candidates"]) == 3


def test_before_the_document_is_in_force_there_is_no_candidate(registry):
    c, _ = registry
    out = c.get(f"/api/measures/{PATH}/candidates", params={"asOf": "2023-08-30"}).json()  # in force from 2023-08-31
    assert out["inForce"] is False and out["candidates"] == []


def test_the_sieve_drops_no_candidate_the_per_submission_baseline_finds(registry, root):
    c, _ = registry
    store = c.app.state.store
    from datetime import date
    fast = candidates(store, root, SUBSIDY, date(2024, 9, 1))
    slow = candidates(store, root, SUBSIDY, date(2024, 9, 1), baseline=True)
    assert fast["candidates"] == slow["candidates"]
    # the library query leaves big, mid, above and completed (its status is not a threshold SPARQL reads)
    assert slow["counts"]["evaluated"] == len(PROJECTS) and fast["counts"]["evaluated"] == 4


def test_the_library_query_answers_the_candidates_and_the_one_only_eligibility_rules_out(registry):
    c, ids = registry
    by_id = {v: k for k, v in ids.items()}
    rows = run(c.app.state.store, "registry-measure-candidates", measure=PATH, date="2024-09-01")
    assert {by_id[r["submission"].rsplit("/", 1)[-1]] for r in rows} == {*EXPECTED, "completed"}
    api = c.get(f"/api/measures/{PATH}/candidates", params={"asOf": "2024-09-01"}).json()["candidates"]
    assert {x["id"] for x in api} <= {r["submission"].rsplit("/", 1)[-1] for r in rows}


def test_an_unknown_measure_is_404_and_a_bad_date_422(registry):
    c, _ = registry
    r = c.get("/api/measures/doc/jfgg/2023/12/measure/no-such/candidates", params={"asOf": "2024-09-01"})
    assert r.status_code == 404 and r.json()["error"].startswith("no measure")
    r = c.get(f"/api/measures/{PATH}/candidates", params={"asOf": "2024-02-30"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "asOf"
    assert c.get(f"/api/measures/{PATH}", params={"asOf": "2024-09-01"}).status_code == 200  # the measure page route still answers


@pytest.fixture(scope="module")
def generated(root):
    """bench/generate.py's seeded registry, small: every submission type, awards included."""
    from bench.generate import generate, load
    from policykg.store import OxiStore

    store = OxiStore(None)
    store.ensure_corpus(root)
    subs, awards = generate(40, seed=15)
    load(store, subs, awards)
    return store


@pytest.mark.parametrize("measure", [SUBSIDY, "https://w3id.org/policykg/doc/jfgg/2023/12/measure/loan-interest-subsidy"])
def test_on_a_generated_registry_the_api_is_the_baseline_and_within_the_library_query(generated, root, measure):
    from datetime import date
    day = date(2024, 9, 1)
    api = candidates(generated, root, measure, day)
    slow = candidates(generated, root, measure, day, baseline=True)
    assert api["candidates"] == slow["candidates"]  # the sieve and the one-measure evaluation lose nothing
    assert api["candidates"] or measure != SUBSIDY  # (seed 15 has old-factory projects that qualify)
    rows = run(generated, "registry-measure-candidates", measure=measure.removeprefix("https://w3id.org/policykg/"),
               date=day.isoformat())
    assert {c["id"] for c in api["candidates"]} <= {r["submission"].rsplit("/", 1)[-1] for r in rows}
    assert api["counts"]["sieved"] == len({r["submission"] for r in rows}) < api["counts"]["stored"]
