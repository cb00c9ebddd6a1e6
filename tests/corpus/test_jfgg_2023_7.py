"""京发改规〔2023〕7号: facts checked by hand against policies/sources/jfgg-2023-7.txt."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.corpus.kit import (
    check_measure_clause,
    measures_of,
    non_checkable_without_reason,
    part_of,
    provision_clauses,
)
from tests.corpus.kit import clause_text as _clause_text
from tests.corpus.kit import num as _num
from tests.corpus.kit import only as _one
from tests.corpus.kit import props as _props

B = "https://w3id.org/policykg/"
DOC = B + "doc/jfgg/2023/7"
PKG = "https://w3id.org/policykg/ontology#"


def _part_of_doc(store, clause: str) -> bool:
    return part_of(store, clause, DOC)


def m(name: str) -> str:
    return f"{DOC}/measure/{name}"


def c(name: str) -> str:
    return f"{DOC}/criterion/{name}"



# ---------------------------------------------------------------- document

def test_the_document_is_jfgg_2023_7_of_the_drc_and_the_planning_commission(store) -> None:
    d = _props(store, DOC)
    assert _one(d, "id_local") == "京发改规〔2023〕7号"
    assert _one(d, "title") == "北京市先进制造业和现代服务业融合示范园区和试点企业认定及支持办法（试行）"
    assert set(d["passed_by"]) == {B + "org/bj-drc", B + "org/bj-pnr"}


def test_the_two_year_trial_runs_from_3_july_2023_to_2_july_2025(store) -> None:
    d = _props(store, DOC)
    assert _one(d, "date_document") == "2023-07-03"
    assert _one(d, "first_date_entry_in_force") == "2023-07-03"
    assert _one(d, "date_no_longer_in_force") == "2025-07-02"
    assert _one(d, "validityDerivedFrom") == DOC + "/6/20"
    text = _clause_text(store, DOC + "/6/20")
    assert "自印发之日起实施" in text and "试行期2年" in text
    assert "2023年7月3日" in _clause_text(store, DOC + "/notice")


def test_the_document_cites_jfg_2023_83(store) -> None:
    d = _props(store, DOC)
    assert d["cites"] == [B + "doc/jfg/2023/83"]
    cited = _props(store, B + "doc/jfg/2023/83")
    assert "京发改〔2023〕83号" in cited["id_local"]
    assert cited["inCorpus"] == ["false"]
    assert "京发改〔2023〕83号" in _clause_text(store, DOC + "/1/1")


# ---------------------------------------------------------------- demonstration park (第五条)

def test_a_demo_park_needs_revenue_of_100_yi_or_more(store) -> None:
    t = _props(store, c("park-revenue-min-100yi"))
    assert (_one(t, "comparator"), _num(t, "thresholdValue"), _one(t, "unit")) == ("ge", 1000000, "万元")
    assert _one(t, "onProperty") == PKG + "annualRevenue"
    assert "不低于100亿元" in _clause_text(store, DOC + "/2/5/2")


def test_a_demo_park_needs_30_percent_manufacturing_and_30_percent_services(store) -> None:
    mfg = _props(store, c("manufacturing-share-min-30"))
    svc = _props(store, c("service-share-min-30"))
    assert (_one(mfg, "onProperty"), _one(mfg, "comparator"), _num(mfg, "thresholdValue")) == (
        PKG + "manufacturingRevenueShare", "ge", Decimal("0.30"))
    assert (_one(svc, "onProperty"), _one(svc, "comparator"), _num(svc, "thresholdValue")) == (
        PKG + "serviceRevenueShare", "ge", Decimal("0.30"))
    park = set(_props(store, m("demo-park-recognition"))["hasCriterion"])
    # both (且), as two separate criteria of the recognition
    assert {c("manufacturing-share-or-new-park"), c("service-share-or-new-park")} <= park


def test_a_demo_park_needs_more_than_2_wan_yuan_per_m2_and_half_its_revenue_in_key_fields(store) -> None:
    per = _props(store, c("revenue-per-m2-over-2"))
    assert (_one(per, "comparator"), _num(per, "thresholdValue"), _one(per, "unit")) == ("gt", 2, "万元/m²")
    assert _one(per, "onProperty") == PKG + "revenuePerM2"
    key = _props(store, c("key-field-share-min-50"))
    assert (_one(key, "comparator"), _num(key, "thresholdValue")) == ("ge", Decimal("0.50"))
    assert "超过2万元/平方米" in _clause_text(store, DOC + "/2/5/4")
    assert "不低于50%" in _clause_text(store, DOC + "/2/5/5")


def test_a_new_park_may_commit_instead_of_meeting_the_quantitative_conditions(store) -> None:
    new = _props(store, c("new-park-commitment"))
    assert (_one(new, "onProperty"), _one(new, "requiredValue")) == (PKG + "newParkCommitment", "true")
    assert _one(new, "wasDerivedFrom") == DOC + "/2/5/p1"
    for alt, threshold in (("park-revenue-or-new-park", "park-revenue-min-100yi"),
                           ("manufacturing-share-or-new-park", "manufacturing-share-min-30"),
                           ("service-share-or-new-park", "service-share-min-30"),
                           ("revenue-per-m2-or-new-park", "revenue-per-m2-over-2"),
                           ("key-field-share-or-new-park", "key-field-share-min-50")):
        a = _props(store, c(alt))
        assert PKG + "AlternativeCriteria" in a["type"]
        assert set(a["alternative"]) == {c(threshold), c("new-park-commitment")}
    assert "未来3年" in _clause_text(store, DOC + "/2/5/p1")


def test_a_demo_park_declares_legal_land_boundaries_management_body_and_operations(store) -> None:
    park = _props(store, m("demo-park-recognition"))
    assert park["appliesToSubmissionType"] == [PKG + "DemoParkApplication"]
    assert _one(park, "kind") == "non-monetary"
    for crit, prop in (("land-legally-acquired", "landLegallyAcquired"), ("boundaries-defined", "boundariesDefined"),
                       ("management-entity", "managementEntity"), ("park-operations-mechanism", "operationsMechanism")):
        assert c(crit) in park["hasCriterion"]
        p = _props(store, c(crit))
        assert _one(p, "onProperty") == PKG + prop
        assert _one(p, "wasDerivedFrom") == DOC + "/2/5/1"
    assert "依法取得" in _clause_text(store, DOC + "/2/5/1")


# ---------------------------------------------------------------- pilot enterprises (第六条)

def test_a_leading_pilot_has_10_yi_revenue_or_a_top_10_market_share_and_20_percent_service_input(store) -> None:
    p = _props(store, m("pilot-enterprise-leading"))
    assert p["appliesToSubmissionType"] == [PKG + "PilotEnterpriseApplication"]
    assert set(p["hasCriterion"]) == {c("category-leading"), c("leading-revenue-or-market-rank"),
                                      c("leading-service-input-min-20")}
    assert set(_props(store, c("leading-revenue-or-market-rank"))["alternative"]) == {
        c("leading-revenue-min-10yi"), c("leading-market-rank-top-10")}
    rev = _props(store, c("leading-revenue-min-10yi"))
    assert (_one(rev, "comparator"), _num(rev, "thresholdValue")) == ("ge", 100000)
    rank = _props(store, c("leading-market-rank-top-10"))
    assert (_one(rank, "onProperty"), _one(rank, "comparator"), _num(rank, "thresholdValue")) == (
        PKG + "marketShareRank", "le", 10)
    svc = _props(store, c("leading-service-input-min-20"))
    assert (_one(svc, "onProperty"), _one(svc, "comparator"), _num(svc, "thresholdValue")) == (
        PKG + "serviceInputShare", "ge", Decimal("0.20"))
    assert _props(store, c("category-leading"))["allowedLiteral"] == ["leading"]
    assert "不低于10亿元" in _clause_text(store, DOC + "/2/6/1/1")
    assert "不低于20%" in _clause_text(store, DOC + "/2/6/1/2")


def test_a_growth_pilot_has_a_certification_growth_of_20_or_profit_growth_of_8_and_40_percent_service_input(store) -> None:
    p = _props(store, m("pilot-enterprise-growth"))
    assert set(p["hasCriterion"]) == {c("category-growth"), c("growth-certification"), c("growth-revenue-or-profit"),
                                      c("growth-service-input-min-40")}
    cert = _props(store, c("growth-certification"))
    assert _one(cert, "onProperty") == PKG + "certification"
    assert set(cert["allowedValue"]) == {B + f"concept/certification/{s}" for s in (
        "national-high-tech", "little-giant", "beijing-srdi")}
    assert set(_props(store, c("growth-revenue-or-profit"))["alternative"]) == {
        c("growth-revenue-min-20"), c("growth-profit-min-8")}
    rev = _props(store, c("growth-revenue-min-20"))
    assert (_one(rev, "onProperty"), _one(rev, "comparator"), _num(rev, "thresholdValue")) == (
        PKG + "avgRevenueGrowth3y", "ge", Decimal("0.20"))
    prof = _props(store, c("growth-profit-min-8"))
    assert (_one(prof, "onProperty"), _one(prof, "comparator"), _num(prof, "thresholdValue")) == (
        PKG + "avgProfitGrowth3y", "ge", Decimal("0.08"))
    svc = _props(store, c("growth-service-input-min-40"))
    assert (_one(svc, "comparator"), _num(svc, "thresholdValue")) == ("ge", Decimal("0.40"))
    assert _props(store, c("category-growth"))["allowedLiteral"] == ["growth"]
    text = _clause_text(store, DOC + "/2/6/2/2")
    assert "不低于20%" in text and "不低于8%" in text
    assert "不低于40%" in _clause_text(store, DOC + "/2/6/2/3")


# ---------------------------------------------------------------- monetary support (第十条、第十一条)

def test_service_platforms_in_demo_parks_get_30_percent_without_a_cap(store) -> None:
    p = _props(store, m("service-platform-support"))
    assert _num(p, "rate") == Decimal("0.30")
    assert _one(p, "rateBase") == PKG + "fixedAssetInvestment"
    assert "cap" not in p
    assert set(p["appliesToProjectType"]) == {B + "concept/project-type/service-platform"}
    assert c("in-demo-park") in p["hasCriterion"]
    assert _one(_props(store, c("in-demo-park")), "onProperty") == PKG + "inDemoPark"


def test_renovation_in_demo_parks_gets_10_or_30_percent_capped_at_5000_with_the_cap_ambiguity(store) -> None:
    low = _props(store, m("renovation-support-low-efficiency-building"))
    assert (_num(low, "rate"), _num(low, "cap")) == (Decimal("0.10"), 5000)
    assert set(low["appliesToProjectType"]) == {B + "concept/project-type/low-efficiency-building"}
    assert "ambiguity" in low and "chosenReading" in low
    old = _props(store, m("renovation-support-old-factory-and-infrastructure"))
    assert (_num(old, "rate"), _num(old, "cap")) == (Decimal("0.30"), 5000)
    assert set(old["appliesToProjectType"]) == {B + "concept/project-type/old-factory",
                                                B + "concept/project-type/supporting-infrastructure"}
    for p in (low, old):
        assert c("in-demo-park-renovation") in p["hasCriterion"]


def test_no_double_funding_under_articles_3_and_10(store) -> None:
    art3 = _props(store, DOC + "/rule/no-double-funding")
    assert _one(art3, "wasDerivedFrom") == DOC + "/1/3"
    assert {m("service-platform-support"), m("renovation-support-low-efficiency-building"),
            m("renovation-support-old-factory-and-infrastructure")} <= set(art3["appliesToMeasure"])
    assert "不再予以资金支持" in _clause_text(store, DOC + "/1/3")
    art10 = _props(store, DOC + "/rule/no-double-funding-park-policies")
    assert _one(art10, "wasDerivedFrom") == DOC + "/4/10"
    assert art10["appliesToMeasure"] == [m("service-platform-support")]
    assert "不重复支持" in _clause_text(store, DOC + "/4/10")


# ---------------------------------------------------------------- provenance

EXPECTED_TEXT = {
    "demo-park-recognition": ("2/5", ["申报示范园区"]),
    "pilot-enterprise-leading": ("2/6/1", ["领跑型"]),
    "pilot-enterprise-growth": ("2/6/2", ["成长型"]),
    "national-pilot-eligibility": ("1/3", ["国家级两业融合试点"]),
    "service-platform-support": ("4/10", ["固定资产投资总额30%"]),
    "renovation-support-low-efficiency-building": ("4/11", ["固定资产投资总额10%", "最高不超过5000万元"]),
    "renovation-support-old-factory-and-infrastructure": ("4/11", ["固定资产投资总额30%", "最高不超过5000万元"]),
    "flexible-term-and-scale": ("4/9", ["弹性年期+弹性规模"]),
    "use-conversion-support": ("4/12", ["建筑用途转换"]),
    "graduate-hiring-quota": ("4/13", ["计划单列"]),
    "listing-reserve": ("4/14", ["北交所"]),
    "special-credit-support": ("4/14", ["专项信贷"]),
    "jjj-chain-extension-co-support": ("4/15", ["津冀"]),
    "chain-collaboration-award": ("4/15", ["协同奖励"]),
    "national-pilot-recommendation": ("4/16", ["优先推荐"]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_TEXT))
def test_each_measure_is_derived_from_its_clause_of_this_document_whose_text_has_its_numbers(store, name) -> None:
    path, needles = EXPECTED_TEXT[name]
    check_measure_clause(store, DOC, f"jfgg-2023-7-{name}", m(name), path, needles)


def test_the_document_creates_exactly_these_measures(store) -> None:
    assert measures_of(store, DOC) == {m(n) for n in EXPECTED_TEXT}


def test_every_provision_of_the_document_comes_from_one_of_its_clauses(store) -> None:
    pairs = provision_clauses(store, DOC)
    assert len(pairs) > 40
    for x, clause in pairs:
        assert _part_of_doc(store, clause), (x, clause)


def test_every_non_checkable_provision_says_why(store) -> None:
    assert non_checkable_without_reason(store, DOC) == []
