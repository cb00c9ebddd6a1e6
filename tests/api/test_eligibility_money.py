"""POST /api/eligibility gives only the money the texts grant (issue 11, item 4).

Each expectation is derived by hand from the clause:
- 京发改规〔2023〕12号 二、（一）支持类型: 低效楼宇、老旧厂房、片区统筹 (with its 道路、绿化等配套基础设施);
  二、（四）1: 低效楼宇 10%, 老旧厂房和配套基础设施 30%, 最高不超过 5000万元.
- 老旧厂房若干措施（三）按照现行政策予以支持，单个项目支持金额最高不超过 5000 万元: a ceiling, not a grant.
- 京经信发〔2024〕20号 二（三） 25% and 三（三） 提高至不超过 30%, read as covering data-centre retrofits.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from policykg.config import Settings

ROOT = Path(__file__).resolve().parents[2]
SHAPE = "https://w3id.org/policykg/shape/"
DOC = "https://w3id.org/policykg/doc/"
BASE = {
    "type": "RenovationProject", "id": "money-1", "floorArea": 5000, "fixedAssetInvestment": 10000,
    "status": "under-construction", "applicationDate": "2024-06-01", "propertyRightsClear": True,
    "operationsMechanism": True, "industryPositioning": "高精尖", "industryCategory": "high-tech",
    "inOldFactoryLedger": True, "inHighTechProjectDatabase": True,
}
PARTS = {"lowEfficiencyBuildingInvestment": 4000, "oldFactoryInvestment": 5000, "infrastructureInvestment": 1000}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", corpus_root=ROOT))) as c:
        yield c


def measure(client: TestClient, body: dict, slug: str, lang: str = "en") -> dict:
    r = client.post("/api/eligibility", json=body, headers={"accept-language": lang})
    assert r.status_code == 200, r.text
    return next(m for m in r.json()["measures"] if m["slug"] == slug)


def validates(client: TestClient, body: dict, slug: str, amount: float | None) -> bool:
    req = {"measure": slug} if amount is None else {"measure": slug, "amount": amount}
    r = client.post("/api/validate", json={**body, "requests": [req]})
    assert r.status_code == 200, r.text
    return r.json()["conforms"]


@pytest.mark.parametrize(("parts", "amount", "computation"), [
    (PARTS, 2200, "min(10% × 4000 万元 + 30% × 1000 万元 + 30% × 5000 万元 = 2200 万元, 5000 万元) = 2200 万元"),
    ({**PARTS, "oldFactoryInvestment": 15000}, 5000,
     "min(10% × 4000 万元 + 30% × 1000 万元 + 30% × 15000 万元 = 5200 万元, 5000 万元) = 5000 万元"),
    ({**PARTS, "infrastructureInvestment": 0, "oldFactoryInvestment": 6000}, 2200,
     "min(10% × 4000 万元 + 30% × 0 万元 + 30% × 6000 万元 = 2200 万元, 5000 万元) = 2200 万元"),
])
def test_a_district_bundle_is_paid_10_percent_of_its_building_part_and_30_percent_of_the_rest(
        client: TestClient, parts: dict, amount: float, computation: str) -> None:
    body = {**BASE, "projectType": "district-bundle", **parts}
    m = measure(client, body, "jfgg-2023-12-investment-subsidy-district-bundle")
    assert (m["eligible"], m["maxAmount"], m["computation"], m["basis"]) == (True, amount, computation, "computed")
    assert validates(client, body, m["slug"], amount) and not validates(client, body, m["slug"], amount + 0.01)


def test_a_district_bundle_without_its_parts_is_not_computable_and_never_10_percent_of_the_whole(
        client: TestClient) -> None:
    body = {**BASE, "projectType": "district-bundle"}
    m = measure(client, body, "jfgg-2023-12-investment-subsidy-district-bundle")
    assert m["maxAmount"] is None and m["eligible"] is False
    assert m["computation"].startswith("not computable: the rate differs by part")
    assert sorted(r["sourceShape"] for r in m["reasons"]) == sorted(
        f"{SHAPE}jfgg/2023/12/measure/investment-subsidy-district-bundle/amount/{p}" for p in PARTS)
    assert {r["clause"]["iri"] if isinstance(r["clause"], dict) else r["clause"] for r in m["reasons"]} == {
        f"{DOC}jfgg/2023/12/2/4/1"}
    zh = measure(client, body, "jfgg-2023-12-investment-subsidy-district-bundle", "zh")
    assert zh["computation"].startswith("不可计算") and "老旧厂房改造部分固定资产投资" in zh["computation"]


@pytest.mark.parametrize("floor_area", [100, 3000, 5000])
def test_a_stand_alone_infrastructure_project_gets_nothing_whatever_its_size(client: TestClient,
                                                                            floor_area: int) -> None:
    body = {**BASE, "projectType": "supporting-infrastructure", "floorArea": floor_area}
    for slug in ("jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", "jfgg-2023-12-loan-interest-subsidy"):
        m = measure(client, body, slug)
        assert m["eligible"] is False, slug
        shapes = [r["sourceShape"] for r in m["reasons"]]
        assert f"{SHAPE}jfgg/2023/12/criterion/supported-project-type" in shapes, (slug, shapes)


def test_an_old_factory_still_gets_30_percent_under_the_old_factory_and_infrastructure_subsidy(
        client: TestClient) -> None:
    m = measure(client, {**BASE, "projectType": "old-factory"},
                "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure")
    assert (m["eligible"], m["maxAmount"]) == (True, 3000)


def test_the_old_factory_space_upgrade_support_reports_no_maximum_of_5000(client: TestClient) -> None:
    body = {**BASE, "projectType": "old-factory"}
    m = measure(client, body, "jjxj-2022-old-factory-space-upgrade-support")
    assert m["maxAmount"] is None and m["basis"] is None
    assert "ceiling on the combined support" in m["computation"] and "5000" in m["computation"]
    # the ceiling holds the requests together at 5000, inclusive
    assert validates(client, body, m["slug"], 5000) and not validates(client, body, m["slug"], 5000.01)


@pytest.mark.parametrize(("listed", "slug", "amount"), [
    (False, "jjxf-2024-20-data-center-retrofit-reward", 1500),        # 二（三） 25% × 6000
    (True, "jjxf-2024-20-data-center-retrofit-reward-listed", 1800),  # 三（三） 30% × 6000
])
def test_a_listed_enterprise_gets_the_raised_30_percent_for_a_data_centre_retrofit(
        client: TestClient, listed: bool, slug: str, amount: float) -> None:
    body = {**BASE, "projectType": "data-center-retrofit", "energySavedTce": 20000, "totalInvestment": 6000,
            "greenManufacturingListed": listed}
    m = measure(client, body, slug)
    # eligible, or needs review where a condition is not machine-checkable (the enterprise's industry)
    assert (m["status"] != "not-eligible", m["maxAmount"]) == (True, amount)
    assert validates(client, body, slug, amount) and not validates(client, body, slug, amount + 0.01)
    other = measure(client, body, "jjxf-2024-20-data-center-retrofit-reward-listed")
    assert (other["status"] != "not-eligible") is listed
