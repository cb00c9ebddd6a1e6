"""京发改规〔2023〕12号: facts checked by hand against policies/sources/jfgg-2023-12.txt."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.corpus.kit import PFX as PREFIXES
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
DOC = B + "doc/jfgg/2023/12"
PKG = "https://w3id.org/policykg/ontology#"


def _part_of_doc(store, clause: str) -> bool:
    return part_of(store, clause, DOC)


def m(name: str) -> str:
    return f"{DOC}/measure/{name}"


def c(name: str) -> str:
    return f"{DOC}/criterion/{name}"



# ---------------------------------------------------------------- document

def test_the_document_is_jfgg_2023_12_of_the_drc_dated_31_august_2023(store) -> None:
    d = _props(store, DOC)
    assert _one(d, "id_local") == "京发改规〔2023〕12号"
    assert _one(d, "title") == "关于加强腾退低效产业空间改造利用促进产业高质量发展的实施方案"
    assert d["passed_by"] == [B + "org/bj-drc"]
    assert _one(d, "date_document") == "2023-08-31"
    assert _one(d, "first_date_entry_in_force") == "2023-08-31"
    assert _one(d, "noEndDateStated") == "true"
    assert "date_no_longer_in_force" not in d
    assert _one(d, "validityDerivedFrom") == DOC + "/notice"
    notice = _clause_text(store, DOC + "/notice")
    assert "2023年8月31日" in notice and "现予以印发" in notice


# ---------------------------------------------------------------- project types

def test_the_three_project_types_have_strict_area_thresholds(store) -> None:
    le = _props(store, c("low-efficiency-building-area"))
    assert (_one(le, "comparator"), _num(le, "thresholdValue"), _one(le, "unit")) == ("gt", 20000, "m²")
    assert _one(le, "appliesToProjectType") == B + "concept/project-type/low-efficiency-building"
    of = _props(store, c("old-factory-area"))
    assert (_one(of, "comparator"), _num(of, "thresholdValue")) == ("gt", 3000)
    assert _one(of, "appliesToProjectType") == B + "concept/project-type/old-factory"
    db = _props(store, c("district-bundle-area"))
    assert (_one(db, "comparator"), _num(db, "thresholdValue")) == ("gt", 3000)
    assert _one(db, "appliesToProjectType") == B + "concept/project-type/district-bundle"
    assert "ambiguity" in db
    for crit, clause in (("low-efficiency-building-area", "2/1/1"), ("old-factory-area", "2/1/2"),
                         ("district-bundle-area", "2/1/3")):
        assert _one(_props(store, c(crit)), "wasDerivedFrom") == f"{DOC}/{clause}"
    assert "改造面积需超过2万平方米" in _clause_text(store, DOC + "/2/1/1")
    assert "改造面积需超过3000平方米" in _clause_text(store, DOC + "/2/1/2")


def test_the_district_bundle_component_alternative_and_single_entity_are_recorded_as_not_checkable(store) -> None:
    comp = _props(store, DOC + "/provision/district-bundle-component-area")
    label = " ".join(comp["label"])
    assert "2 万平方米" in label and "3000平方米" in label and "或" in label
    assert _one(comp, "machineCheckable") == "false"
    single = _props(store, DOC + "/provision/district-bundle-single-entity")
    assert _one(single, "machineCheckable") == "false"
    text = _clause_text(store, DOC + "/2/1/3")
    assert "单一实施主体" in text and "超过2万平方米或老旧厂房改造总规模超过3000平方米" in text


def test_a_low_efficiency_building_is_one_of_four_situations_and_built_10_years_ago(store) -> None:
    alt = _props(store, c("low-efficiency-condition"))
    assert set(alt["alternative"]) == {c("whole-building-vacant"), c("low-occupancy"), c("tax-below-200"),
                                       c("function-mismatch")}
    assert _one(alt, "softened") == "true"
    tax = _props(store, c("tax-below-200"))
    assert (_one(tax, "comparator"), _num(tax, "thresholdValue"), _one(tax, "unit")) == ("lt", 200, "元/m²")
    assert _one(tax, "onProperty") == PKG + "annualDistrictTaxPerM2"
    assert _one(_props(store, c("whole-building-vacant")), "onProperty") == PKG + "wholeBuildingVacant"
    assert _one(_props(store, c("function-mismatch")), "onProperty") == PKG + "functionMismatch"
    assert _one(_props(store, c("low-occupancy")), "machineCheckable") == "false"
    built = _props(store, c("built-10-years"))
    assert (_one(built, "comparator"), _num(built, "thresholdValue"), _one(built, "unit")) == ("ge", 10, "years")
    assert _one(built, "onProperty") == PKG + "builtYear"
    assert _one(built, "relativeTo") == "applicationDate"
    text = _clause_text(store, DOC + "/2/1/1")
    assert "低于200元/平方米" in text and "10年以上" in text


# ---------------------------------------------------------------- 支持条件

def test_support_conditions_are_clear_rights_positioning_operations_and_five_industry_categories(store) -> None:
    rights = _props(store, c("property-rights-clear"))
    assert (_one(rights, "onProperty"), _one(rights, "requiredValue")) == (PKG + "propertyRightsClear", "true")
    assert _one(_props(store, c("industry-positioning")), "onProperty") == PKG + "industryPositioning"
    ops = _props(store, c("operations-mechanism"))
    assert (_one(ops, "onProperty"), _one(ops, "requiredValue")) == (PKG + "operationsMechanism", "true")
    cat = _props(store, c("industry-category"))
    assert set(cat["allowedValue"]) == {B + f"concept/industry-category/{s}" for s in (
        "strategic-emerging", "high-tech", "modern-service", "mfg-service-fusion", "digital-real-fusion")}
    assert "softened" not in cat
    for crit in ("property-rights-clear", "industry-positioning", "operations-mechanism"):
        assert _one(_props(store, c(crit)), "wasDerivedFrom") == DOC + "/2/2/p1"
    assert "产权清晰" in _clause_text(store, DOC + "/2/2/p1")


# ---------------------------------------------------------------- targets

def test_occupancy_targets_are_80_and_70_percent_within_a_year_of_delivery(store) -> None:
    le = _props(store, DOC + "/target/occupancy-low-efficiency-building")
    assert (_one(le, "comparator"), _num(le, "thresholdValue")) == ("ge", Decimal("0.80"))
    assert _one(le, "onProperty") == PKG + "occupancyRate"
    assert _one(le, "appliesToProjectType") == B + "concept/project-type/low-efficiency-building"
    of = _props(store, DOC + "/target/occupancy-old-factory")
    assert (_one(of, "comparator"), _num(of, "thresholdValue")) == ("ge", Decimal("0.70"))
    assert _one(of, "appliesToProjectType") == B + "concept/project-type/old-factory"
    text = _clause_text(store, DOC + "/2/3/1")
    assert "1年内" in text and "不低于80%" in text and "不低于70%" in text


def test_pv_40_percent_needs_a_judgement_and_energy_saving_15_percent_is_a_checkable_target(store) -> None:
    pv = _props(store, DOC + "/target/pv-roof-coverage")
    assert (_one(pv, "comparator"), _num(pv, "thresholdValue")) == ("ge", Decimal("0.40"))
    assert _one(pv, "machineCheckable") == "false"  # 具备可再生能源利用条件的项目: a judgement
    es = _props(store, DOC + "/target/comprehensive-energy-saving-rate")
    assert (_one(es, "comparator"), _num(es, "thresholdValue")) == ("ge", Decimal("0.15"))  # 15%以上: inclusive
    assert _one(es, "onProperty") == PKG + "energySavingRate"
    assert "machineCheckable" not in es
    text = _clause_text(store, DOC + "/2/3/2")
    assert "40%" in text and "15%以上" in text


# ---------------------------------------------------------------- measures

def test_low_efficiency_buildings_get_10_percent_of_fixed_assets_capped_at_5000(store) -> None:
    p = _props(store, m("investment-subsidy-low-efficiency-building"))
    assert _one(p, "kind") == "investment-subsidy"
    assert _num(p, "rate") == Decimal("0.10")
    assert _one(p, "rateIsMaximum") == "false"
    assert _one(p, "rateBase") == PKG + "fixedAssetInvestment"
    assert _num(p, "cap") == 5000
    assert set(p["appliesToProjectType"]) == {B + "concept/project-type/low-efficiency-building"}


def test_old_factories_and_supporting_infrastructure_get_30_percent_capped_at_5000(store) -> None:
    p = _props(store, m("investment-subsidy-old-factory-and-infrastructure"))
    assert _num(p, "rate") == Decimal("0.30")
    assert _num(p, "cap") == 5000
    assert set(p["appliesToProjectType"]) == {B + "concept/project-type/old-factory",
                                              B + "concept/project-type/supporting-infrastructure"}


def test_infrastructure_is_supported_only_inside_a_district_bundle(store) -> None:
    # 二、（一）支持类型 lists 1. 低效楼宇 2. 老旧厂房 3. 片区统筹（…以及道路、绿化等配套基础设施整体改造）
    crit = _props(store, c("supported-project-type"))
    assert _one(crit, "wasDerivedFrom") == DOC + "/2/1"
    assert set(crit["allowedValue"]) == {B + "concept/project-type/low-efficiency-building",
                                         B + "concept/project-type/old-factory",
                                         B + "concept/project-type/district-bundle"}
    assert "chosenReading" in crit
    for name in ("investment-subsidy-old-factory-and-infrastructure", "loan-interest-subsidy"):
        assert c("supported-project-type") in _props(store, m(name))["hasCriterion"]
    assert "道路、绿化等配套基础设施" in _clause_text(store, DOC + "/2/1/3")


def test_district_bundles_get_10_percent_of_the_building_part_and_30_percent_of_the_rest(store) -> None:
    # 二、（四）1. 低效楼宇改造项目 … 10% … 老旧厂房改造和配套基础设施改造项目 … 30% … 最高不超过 5000万元
    p = _props(store, m("investment-subsidy-district-bundle"))
    assert "rate" not in p and "rateBase" not in p
    assert _num(p, "cap") == 5000
    assert set(p["appliesToProjectType"]) == {B + "concept/project-type/district-bundle"}
    parts = {}
    for part in p["ratePart"]:
        q = _props(store, part)
        parts[_one(q, "rateBase").rsplit("#", 1)[-1]] = _num(q, "rate")
        assert _one(q, "wasDerivedFrom") == DOC + "/2/4/1"
    assert parts == {"lowEfficiencyBuildingInvestment": Decimal("0.10"), "oldFactoryInvestment": Decimal("0.30"),
                     "infrastructureInvestment": Decimal("0.30")}
    langs = {r["a"].language for r in store.select(
        PREFIXES + f"SELECT ?a WHERE {{ <{m('investment-subsidy-district-bundle')}> pkg:ambiguity ?a }}")}
    assert langs == {"zh", "en"}
    assert "Per part" in _one(p, "chosenReading")


def test_the_loan_interest_subsidy_runs_at_most_2_years_and_5000_in_total(store) -> None:
    p = _props(store, m("loan-interest-subsidy"))
    assert _one(p, "kind") == "loan-interest-subsidy"
    assert _num(p, "maxYears") == 2
    assert _num(p, "cap") == 5000
    assert "rate" not in p


def test_investment_subsidy_and_loan_interest_subsidy_are_mutually_exclusive(store) -> None:
    group = _props(store, DOC + "/rule/one-support-mode")
    members = set(group["member"])
    assert members == {m("investment-subsidy-low-efficiency-building"),
                       m("investment-subsidy-old-factory-and-infrastructure"),
                       m("investment-subsidy-district-bundle"), m("loan-interest-subsidy")}
    assert _one(group, "wasDerivedFrom") == DOC + "/2/4/p1"
    for a in members:
        ex = set(_props(store, a)["exclusiveWith"])
        assert ex == members - {a}
    assert "其中一种" in _clause_text(store, DOC + "/2/4/p1")


def test_only_projects_under_construction_or_ready_in_principle_and_never_completed_ones(store) -> None:
    soft = _props(store, c("status-under-construction-or-ready"))
    assert _one(soft, "softened") == "true"
    assert set(soft["allowedValue"]) == {B + "concept/status/under-construction", B + "concept/status/ready-to-start"}
    hard = _props(store, c("not-completed"))
    assert "softened" not in hard
    assert B + "concept/status/completed" not in hard["allowedValue"]
    for name in ("investment-subsidy-low-efficiency-building", "investment-subsidy-old-factory-and-infrastructure",
                 "investment-subsidy-district-bundle", "loan-interest-subsidy"):
        crit = set(_props(store, m(name))["hasCriterion"])
        assert {c("status-under-construction-or-ready"), c("not-completed"), c("property-rights-clear"),
                c("industry-category")} <= crit
    text = _clause_text(store, DOC + "/2/5")
    assert text.startswith("（五）原则上") and "已完工项目不再予以支持" in text


def test_no_double_funding_with_other_municipal_fiscal_funds(store) -> None:
    r = _props(store, DOC + "/rule/no-double-funding")
    assert _one(r, "wasDerivedFrom") == DOC + "/2/5"
    assert len(r["appliesToMeasure"]) == 4
    assert "市级财政性资金" in _clause_text(store, DOC + "/2/5")


# ---------------------------------------------------------------- provenance

EXPECTED_TEXT = {
    "investment-subsidy-low-efficiency-building": ("2/4/1", ["10%的比例", "最高不超过5000万元"]),
    "investment-subsidy-old-factory-and-infrastructure": ("2/4/1", ["30%的比例", "最高不超过5000万元"]),
    "investment-subsidy-district-bundle": ("2/4/1", ["10%的比例", "最高不超过5000万元"]),
    "loan-interest-subsidy": ("2/4/2", ["不超过2年", "不超过5000万元"]),
    "green-project-library": ("4/2/1", ["绿色项目库"]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_TEXT))
def test_each_measure_is_derived_from_its_clause_of_this_document_whose_text_has_its_numbers(store, name) -> None:
    path, needles = EXPECTED_TEXT[name]
    check_measure_clause(store, DOC, f"jfgg-2023-12-{name}", m(name), path, needles)


def test_the_document_creates_exactly_these_measures(store) -> None:
    assert measures_of(store, DOC) == {m(n) for n in EXPECTED_TEXT}


def test_every_provision_of_the_document_comes_from_one_of_its_clauses(store) -> None:
    pairs = provision_clauses(store, DOC)
    assert len(pairs) > 30
    for x, clause in pairs:
        assert _part_of_doc(store, clause), (x, clause)


def test_every_non_checkable_provision_says_why(store) -> None:
    assert non_checkable_without_reason(store, DOC) == []
