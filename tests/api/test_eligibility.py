"""POST /api/eligibility: amounts at their caps and floors, reasons with clauses, fixes, groups, best option."""
from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from tests.conftest import Auth

ROOT = Path(__file__).resolve().parents[2]
M12 = "https://w3id.org/policykg/doc/jfgg/2023/12/measure/"
OLD_FACTORY = {
    "type": "RenovationProject", "id": "of1", "projectType": "old-factory", "floorArea": 8000,
    "fixedAssetInvestment": 8000, "status": "under-construction", "applicationDate": "2024-06-01",
    "propertyRightsClear": True, "operationsMechanism": True, "industryPositioning": "高精尖",
    "industryCategory": "high-tech", "inOldFactoryLedger": True, "inHighTechProjectDatabase": True,
    "applicant": {"name": "甲公司", "creditCode": "91110000000000001X"}, "projectCode": "P-1",
}


@pytest.fixture(scope="module")
def client(role_tokens, tmp_path_factory) -> Iterator[TestClient]:
    """Sends the admin token: awards are recorded, and eligibility reads the registry (registryConsulted)."""
    auth = Auth(role_tokens, tmp_path_factory.mktemp("eligibility"))
    with TestClient(create_app(auth.settings()), headers=auth.headers("admin")) as c:
        yield c


def project(**changes: object) -> dict:
    d = copy.deepcopy(OLD_FACTORY)
    d.update(changes)
    return d


def measure(answer: dict, slug: str) -> dict:
    return next(m for m in answer["measures"] if m["slug"] == slug)


def elig(client: TestClient, body: dict, lang: str = "en", query: str = "") -> dict:
    r = client.post("/api/eligibility" + query, json=body, headers={"accept-language": lang})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize(("fai", "amount", "computation"), [
    (8000, 2400, "min(30% × 8000 万元 = 2400 万元, 5000 万元) = 2400 万元"),
    (16666, 4999.8, "min(30% × 16666 万元 = 4999.8 万元, 5000 万元) = 4999.8 万元"),
    (20000, 5000, "min(30% × 20000 万元 = 6000 万元, 5000 万元) = 5000 万元"),
])
def test_the_old_factory_subsidy_is_30_percent_of_investment_capped_at_5000(client: TestClient, fai: int,
                                                                             amount: float, computation: str) -> None:
    m = measure(elig(client, project(fixedAssetInvestment=fai)),
                "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure")
    assert (m["eligible"], m["maxAmount"], m["computation"]) == (True, amount, computation)
    assert m["documentNumber"] == "京发改规〔2023〕12号" and m["clause"] == M12[:-8] + "2/4/1"


def test_ten_percent_of_exactly_50000_reaches_the_cap_of_5000(client: TestClient) -> None:
    body = project(projectType="low-efficiency-building", floorArea=25000, fixedAssetInvestment=50000)
    m = measure(elig(client, body), "jfgg-2023-12-investment-subsidy-low-efficiency-building")
    assert (m["maxAmount"], m["computation"]) == (5000, "min(10% × 50000 万元 = 5000 万元, 5000 万元) = 5000 万元")


def test_the_energy_saving_award_is_per_tonne_saved_within_its_share_and_cap(client: TestClient) -> None:
    body = project(projectType="energy-saving", energySavedTce=5000, totalInvestment=10000)
    m = measure(elig(client, body), "jjxf-2024-20-energy-saving-reward")
    assert m["maxAmount"] == 600
    assert "5000 × 0.12 万元 = 600 万元" in m["computation"]
    capped = measure(elig(client, {**body, "energySavedTce": 40000, "totalInvestment": 100000}),
                     "jjxf-2024-20-energy-saving-reward")
    assert capped["maxAmount"] == 3000 and capped["computation"].endswith("= 3000 万元")


@pytest.mark.parametrize(("investment", "amount"), [(20, 10), (40, 10), (44, 11)])
def test_the_rating_upgrade_award_has_a_floor_of_10(client: TestClient, investment: int, amount: float) -> None:
    m = measure(elig(client, project(projectType="env-rating-upgrade", totalInvestment=investment)),
                "jjxf-2024-20-env-rating-upgrade-reward")
    assert m["maxAmount"] == amount
    if investment == 20:
        assert "max(25% × 20 万元 = 5 万元, 10 万元) = 10 万元" in m["computation"]


def test_a_failed_threshold_says_what_would_satisfy_it(client: TestClient) -> None:
    en = elig(client, project(floorArea=3000))
    m = measure(en, "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure")
    assert m["eligible"] is False
    reason = next(r for r in m["reasons"] if r["sourceShape"].endswith("/criterion/old-factory-area"))
    assert reason["clause"]["iri"] == "https://w3id.org/policykg/doc/jfgg/2023/12/2/1/2"
    fix = reason["fix"][0]
    assert fix["text"] == "floorArea must exceed 3000 m²; it is 3000 m²"
    assert (fix["comparator"], fix["threshold"], fix["actual"]) == ("gt", 3000, 3000)
    zh = measure(elig(client, project(floorArea=3000), lang="zh"),
                 "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure")
    assert zh["reasons"][0]["fix"][0]["text"] == "改造面积（floorArea）须超过3000m²；当前为3000m²"


def test_a_recent_building_is_told_the_latest_year_it_may_have_been_built(client: TestClient) -> None:
    body = project(projectType="low-efficiency-building", floorArea=30000, builtYear=2016, wholeBuildingVacant=True)
    m = measure(elig(client, body), "jfgg-2023-12-investment-subsidy-low-efficiency-building")
    fixes = [f["text"] for w in m["warnings"] for f in w["fix"]]
    assert "builtYear must be at most 2014 (as of 2024-06-01); it is 2016" in fixes


def test_the_measures_that_exclude_each_other_are_grouped_with_their_clause(client: TestClient) -> None:
    groups = elig(client, project())["exclusiveGroups"]
    one_mode = next(g for g in groups if g["group"] == "https://w3id.org/policykg/doc/jfgg/2023/12/rule/one-support-mode")
    assert one_mode["members"] == sorted(M12 + x for x in (
        "investment-subsidy-district-bundle", "investment-subsidy-low-efficiency-building",
        "investment-subsidy-old-factory-and-infrastructure", "loan-interest-subsidy"))
    assert one_mode["clause"].startswith("https://w3id.org/policykg/doc/jfgg/2023/12/")


def test_the_best_single_option_is_the_largest_computed_eligible_amount(client: TestClient) -> None:
    out = elig(client, project())
    computed = [m for m in out["measures"] if m["eligible"] and m["basis"] == "computed"]
    assert out["best"]["maxAmount"] == max(m["maxAmount"] for m in computed) == 2400
    assert out["best"]["slug"] == "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure"
    loan = measure(out, "jfgg-2023-12-loan-interest-subsidy")  # without the loan's figures: no amount
    assert (loan["eligible"], loan["maxAmount"]) == (False, None)
    assert sorted(r["sourceShape"].rsplit("/", 1)[-1] for r in loan["reasons"]) == [
        "loanAmount", "loanInterestRate", "loanYears", "lprRate"]


def test_the_loan_interest_maximum_is_computed_at_the_lower_rate_for_at_most_2_years(client: TestClient) -> None:
    body = project(loanAmount=10000, loanInterestRate=0.04, lprRate=0.0345, loanYears=3)
    loan = measure(elig(client, body), "jfgg-2023-12-loan-interest-subsidy")
    # the LPR is the applicant's declaration (provision loan-interest-lpr-declared): a person checks it
    assert (loan["status"], loan["eligible"], loan["maxAmount"], loan["atMost"], loan["basis"]) == (
        "needs-review", False, 690, True, "computed")


def test_measures_out_of_force_on_the_as_of_date_are_listed_as_not_eligible(client: TestClient) -> None:
    inside = {m["slug"] for m in elig(client, project())["measures"]}
    after = elig(client, project(), query="?asOf=2026-01-01")
    assert any(s.startswith("jjxj-2022-old-factory-") for s in inside)
    old = [m for m in after["measures"] if m["slug"].startswith("jjxj-2022-old-factory-")]
    assert old and all((m["status"], m["documentInForce"]) == ("not-eligible", False) for m in old)
    assert all(m["validity"]["until"] == "2025-12-31" for m in old)
    assert after["project"]["asOf"] == after["receipt"]["asOf"] == "2026-01-01"


def test_a_per_enterprise_yearly_cap_leaves_what_the_registry_does_not_hold(client: TestClient) -> None:
    body = project(id="lease", projectType="finance-lease", projectCode="L-9", financeLeaseAmount=30000,
                   applicant={"name": "丙", "creditCode": "91110000000000007W"})
    slug = "jjxj-2022-old-factory-finance-lease-subsidy"
    assert measure(elig(client, body), slug)["maxAmount"] == 1000
    assert client.post("/api/awards", json={"project": "91110000000000007W/L-8", "measure": slug, "amount": 600,
                                            "date": "2024-01-15", "external": True}).status_code == 201
    m = measure(elig(client, body), slug)
    assert (m["status"], m["maxAmount"]) == ("needs-review", 400)  # land use unchanged: a person judges it
    assert m["registry"]["used"] == 600 and "1000万元 − 600万元) = 400万元" in m["computation"]
    assert client.post("/api/awards", json={"project": "91110000000000007W/L-7", "measure": slug, "amount": 400,
                                            "date": "2024-03-15", "external": True}).status_code == 201
    full = measure(elig(client, body), slug)
    assert (full["eligible"], full["maxAmount"]) == (False, 0)


def test_eligibility_and_validation_never_disagree(client: TestClient) -> None:
    """Every measure: validating the project with that one request at the maximum conforms iff it is eligible."""
    body = project(floorArea=3000)
    out = elig(client, body)
    assert out["generalFindings"] == [] or all(f["severity"] != "Violation" for f in out["generalFindings"])
    for m in out["measures"]:
        req = {"measure": m["slug"], "amount": m["maxAmount"] if m["maxAmount"] is not None else 0}
        rep = client.post("/api/validate", json=project(floorArea=3000, requests=[req])).json()
        # needs review: what the machine checks conforms; a person judges the rest
        assert rep["conforms"] == (m["status"] != "not-eligible"), (m["slug"], rep["results"], m["reasons"])


def test_eligibility_answers_in_chinese_by_default_with_a_receipt(client: TestClient) -> None:
    r = client.post("/api/eligibility", json=project(floorArea=3000))
    out = r.json()
    m = measure(out, "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure")
    assert "3000" in m["reasons"][0]["message"] and "改造面积" in m["reasons"][0]["message"]
    assert out["lang"] == "zh" and len(out["receipt"]["inputSha256"]) == 64
    assert out["project"]["projectKey"] == "91110000000000001X/P-1"


def test_eligibility_of_two_projects_at_once_is_a_422(client: TestClient) -> None:
    ttl = ("@prefix p: <https://w3id.org/policykg/ontology#> .\n"
           "<https://w3id.org/policykg/data/a> a p:RenovationProject .\n"
           "<https://w3id.org/policykg/data/b> a p:RenovationProject .\n")
    r = client.post("/api/eligibility", content=ttl.encode(), headers={"content-type": "text/turtle"})
    assert r.status_code == 422 and r.json()["detail"]["field"] == "id"
