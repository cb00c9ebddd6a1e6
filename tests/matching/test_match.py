"""Matching a profile against the corpus: answers derived by hand from the texts."""
from __future__ import annotations

import pytest

from policykg.errors import UnprocessableInput
from policykg.matching import conflicts, match

D20 = "https://w3id.org/policykg/doc/jjxf/2024/20"
D12 = "https://w3id.org/policykg/doc/jfgg/2023/12"
D7 = "https://w3id.org/policykg/doc/jfgg/2023/7"
ENERGY = {"id": "energy", "type": "RenovationProject", "projectType": "energy-saving", "fixedAssetInvestment": 4000,
          "totalInvestment": 4000, "energySavedTce": 20000, "loanAmount": 10000, "status": "completed",
          "applicationDate": "2024-09-01"}
FACTORY = {"id": "factory", "type": "RenovationProject", "projectType": "old-factory", "floorArea": 5000,
           "fixedAssetInvestment": 8000, "totalInvestment": 9000, "status": "under-construction",
           "industryPositioning": "集成电路设计", "operationsMechanism": True, "industryCategory": "high-tech",
           "propertyRightsClear": True, "inDemoPark": True, "applicationDate": "2024-09-01"}
WHO = {"name": "测试科技有限公司", "creditCode": "91110000TEST00001X", "listings": ["green-manufacturing"]}


@pytest.fixture(scope="module")
def answer(store):
    return match(store, {"applicant": WHO, "projects": [ENERGY, FACTORY], "asOf": "2024-09-01"}, "en")


def _entry(answer, project: str, slug: str) -> dict:
    return next(e for e in answer["measures"] if e["project"] == project and e["slug"] == slug)


def test_a_profile_qualifies_under_three_documents_with_the_amounts_of_the_texts(answer):
    eligible = {(e["project"], e["slug"]): e["maxAmount"] for e in answer["measures"]
                if e["status"] == "eligible" and e["maxAmount"] is not None}
    # 20号 三（三）: 纳入绿色制造名单的企业…奖励比例提高至 30%: 30% × 4000 = 1200 (≤ 3000; 0.12 × 20000 tce = 2400)
    assert eligible[("energy", "jjxf-2024-20-energy-saving-reward-listed")] == 1200
    # 20号 八: 不超过 2% 的贴息率: 2% × 10000 = 200 (≤ 1000 per enterprise and year), at most: whether the loan is a
    # green credit for investment in Beijing is not machine-checkable (needs review, never eligible)
    green = _entry(answer, "energy", "jjxf-2024-20-green-credit-interest-subsidy")
    assert (green["status"], green["maxAmount"]) == ("needs-review", 200)
    # 12号 二（四）1: 老旧厂房改造…按照固定资产投资总额 30%: 30% × 8000 = 2400 (≤ 5000)
    assert eligible[("factory", "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure")] == 2400
    # 7号 第十一条: 示范园区内…老旧厂房改造…30%: 30% × 8000 = 2400 (≤ 5000)
    assert eligible[("factory", "jfgg-2023-7-renovation-support-old-factory-and-infrastructure")] == 2400
    docs = {e["document"] for e in answer["measures"] if e["status"] == "eligible" and e["maxAmount"]}
    assert {D20, D12, D7} <= docs


def test_the_best_combination_of_the_energy_project_counts_only_eligible_measures(answer):
    combo = next(c for c in answer["bestCombinations"] if c["project"] == "energy")
    assert combo["measures"] == [f"{D20}/measure/energy-saving-reward-listed"]  # the green credit needs review
    assert combo["total"] == 1200
    # the 25% reward has a condition a person judges (needs review): it is no alternative the combination lost
    assert _entry(answer, "energy", "jjxf-2024-20-energy-saving-reward")["status"] == "needs-review"
    assert combo["alternativesLost"] == []


def test_the_old_factory_project_holds_one_of_two_documents_that_forbid_double_funding(answer):
    combo = next(c for c in answer["bestCombinations"] if c["project"] == "factory")
    assert combo["total"] == 2400 and len(combo["measures"]) == 1
    (lost,) = [x for x in combo["alternativesLost"] if x["amount"] == 2400]
    assert lost["kind"] == "no-double-funding"  # 12号 二（五）/ 7号: 不重复支持


def test_what_is_missing_names_the_field_the_threshold_and_the_clause(store):
    small = {**FACTORY, "id": "small", "floorArea": 3000}
    out = match(store, {"projects": [small], "asOf": "2024-09-01"}, "en")
    e = _entry(out, "small", "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure")
    assert e["status"] == "not-eligible"  # 12号 二（一）: 老旧厂房…建筑面积超过 3000 平方米 (strictly more)
    (need,) = [m for m in e["missing"] if m.get("property") == "floorArea"]
    assert need["comparator"] == "gt" and need["threshold"] == 3000 and need["actual"] == 3000
    assert need["clause"]["iri"].startswith(D12 + "/")


def test_every_entry_has_a_deadline_and_the_ranking_puts_eligible_amounts_first(answer):
    for e in answer["measures"]:
        assert "documentInForceUntil" in e["deadline"]
    assert _entry(answer, "energy", "jjxf-2024-20-energy-saving-reward-listed")["deadline"]["documentInForceUntil"] \
        == "2027-12-31"  # 20号: 执行期至 2027 年底
    ranks = [(e["status"], e["maxAmount"] or 0) for e in answer["measures"]]
    eligible = [a for s, a in ranks if s == "eligible"]
    assert eligible == sorted(eligible, reverse=True)
    assert ranks.index(next(r for r in ranks if r[0] != "eligible")) == len(eligible)


def test_measures_that_exclude_each_other_are_listed_as_excludes(store, answer):
    listed = _entry(answer, "energy", "jjxf-2024-20-energy-saving-reward-listed")
    assert f"{D20}/measure/energy-saving-reward" in listed["excludes"]
    assert frozenset((f"{D20}/measure/energy-saving-reward", f"{D20}/measure/energy-saving-reward-listed")) in \
        conflicts(store, [f"{D20}/measure/energy-saving-reward", f"{D20}/measure/energy-saving-reward-listed"])


@pytest.mark.parametrize("profile, field, words", [
    ([], "", "must be a JSON object"), ({"applicant": [], "projects": []}, "applicant", "applicant must be an object"),
    ({"projects": {}}, "projects", "projects must be a list"),
    ({"applicant": {"salary": 1}}, "applicant.salary", "unknown applicant field"),
    ({"asOf": "2024-13-01"}, "asOf", "asOf must be a date"),
    ({"applicant": {"listings": ["moon"]}}, "applicant.listings", "listings must be a list of"),
    ({"weather": 1}, "weather", "unknown profile key"),
])
def test_a_bad_profile_is_422_naming_the_field(store, profile, field, words):
    with pytest.raises(UnprocessableInput, match=words) as e:
        match(store, profile)
    assert e.value.detail[0]["field"] == field
