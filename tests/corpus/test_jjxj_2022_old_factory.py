"""北京市经济和信息化局《关于促进本市老旧厂房更新利用的若干措施》: facts checked by hand against
policies/sources/jjxj-2022-old-factory.txt."""
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
DOC = B + "doc/jjxj/2022/old-factory"
PKG = "https://w3id.org/policykg/ontology#"


def _part_of_doc(store, clause: str) -> bool:
    return part_of(store, clause, DOC)


def m(name: str) -> str:
    return f"{DOC}/measure/{name}"


def c(name: str) -> str:
    return f"{DOC}/criterion/{name}"


# ---------------------------------------------------------------- document

def test_the_document_has_no_number_and_is_issued_by_the_economy_and_it_bureau(store) -> None:
    d = _props(store, DOC)
    assert "id_local" not in d
    assert _one(d, "title") == "关于促进本市老旧厂房更新利用的若干措施"
    assert d["passed_by"] == [B + "org/bj-eit"]
    assert _one(d, "inCorpus") == "true"
    assert _one(d, "slug") == "jjxj-2022-old-factory"


def test_the_document_is_valid_from_2022_to_the_end_of_2025_and_its_date_is_not_printed(store) -> None:
    d = _props(store, DOC)
    assert _one(d, "first_date_entry_in_force") == "2022-01-01"
    assert _one(d, "date_no_longer_in_force") == "2025-12-31"
    assert "date_document" in d["dateNotStated"]
    assert _one(d, "validityDerivedFrom") == DOC + "/p3"
    assert "2022-2025" in _clause_text(store, DOC + "/p3")
    assert "2022-2025" in _one(d, "validityStatement")
    assert {"zh", "en"} <= {r["n"].language for r in store.select(
        PREFIXES + f"SELECT ?n WHERE {{ <{DOC}> pkg:dateNote ?n }}")}


def test_the_document_cites_the_two_2021_policies_and_the_new_infrastructure_measures(store) -> None:
    cited = set(_props(store, DOC)["cites"])
    assert cited == {
        B + "doc/jzf/2021/10",
        B + "doc/jbf/2021/20",
        B + "doc/title/measures-promoting-new-technologies-and-products-in-new-infrastructure-investment",
    }
    assert "京政发〔2021〕10号" in _props(store, B + "doc/jzf/2021/10")["id_local"]
    assert "京办发〔2021〕20号" in _props(store, B + "doc/jbf/2021/20")["id_local"]
    nt = _props(store, B + "doc/title/measures-promoting-new-technologies-and-products-in-new-infrastructure-investment")
    assert "关于促进本市新型基础设施投资中新技术新产品推广应用的若干措施" in nt["title"]
    assert nt["inCorpus"] == ["false"]
    p1 = _clause_text(store, DOC + "/p1")
    assert "京政发〔2021〕10号" in p1 and "京办发〔2021〕20号" in p1
    assert "新型基础设施投资中新技术新产品推广" in _clause_text(store, DOC + "/3/6")


# ---------------------------------------------------------------- measures

def test_space_upgrade_support_grants_no_amount_and_caps_the_combined_support_at_5000(store) -> None:
    # （三）按照现行政策予以支持，单个项目支持金额最高不超过 5000 万元: a ceiling on support under other policies
    p = _props(store, m("space-upgrade-support"))
    assert "cap" not in p and "rate" not in p
    assert "ambiguity" in p and "ceiling" in _one(p, "chosenReading").lower()
    ceiling = _props(store, f"{DOC}/rule/space-upgrade-ceiling")
    assert _one(ceiling, "type") == PKG + "SupportCeiling"
    assert _num(ceiling, "cap") == 5000
    assert _one(ceiling, "capScope") == "per-project"
    assert _one(ceiling, "appliesToMeasure") == m("space-upgrade-support")
    assert _one(ceiling, "wasDerivedFrom") == f"{DOC}/2/3"
    area = _props(store, c("space-upgrade-area"))
    assert _one(area, "comparator") == "gt"
    assert _num(area, "thresholdValue") == 3000
    assert _one(area, "onProperty") == PKG + "floorArea"
    assert c("space-upgrade-area") in p["hasCriterion"]
    # the missing rate is recorded as a non-checkable provision
    assert store.ask(PREFIXES + f"""ASK {{ ?x pkg:appliesToMeasure <{m('space-upgrade-support')}> ;
        pkg:machineCheckable false ; pkg:notCheckableReason ?r . FILTER(CONTAINS(STR(?r), "现行政策")) }}""")


def test_the_completion_award_is_20_percent_of_total_investment_capped_at_3000(store) -> None:
    p = _props(store, m("advanced-manufacturing-completion-award"))
    assert _one(p, "kind") == "reward"
    assert _num(p, "rate") == Decimal("0.20")
    assert _one(p, "rateIsMaximum") == "false"
    assert _one(p, "rateBase") == PKG + "totalInvestment"
    assert _num(p, "cap") == 3000
    assert set(p["appliesToProjectType"]) == {B + "concept/project-type/advanced-manufacturing"}


def test_the_completion_award_needs_ledger_period_of_3_years_investment_of_500_and_completion(store) -> None:
    crit = set(_props(store, m("advanced-manufacturing-completion-award"))["hasCriterion"])
    assert {c("advanced-manufacturing-in-ledger"), c("construction-period-max-3-years"),
            c("fixed-asset-investment-min-500"), c("completed")} <= crit
    ledger = _props(store, c("advanced-manufacturing-in-ledger"))
    assert _one(ledger, "onProperty") == PKG + "inOldFactoryLedger" and _one(ledger, "requiredValue") == "true"
    period = _props(store, c("construction-period-max-3-years"))
    assert (_one(period, "comparator"), _num(period, "thresholdValue")) == ("le", 3)
    assert _one(period, "onProperty") == PKG + "constructionPeriodYears"
    fai = _props(store, c("fixed-asset-investment-min-500"))
    assert (_one(fai, "comparator"), _num(fai, "thresholdValue"), _one(fai, "unit")) == ("ge", 500, "万元")
    assert _one(fai, "onProperty") == PKG + "fixedAssetInvestment"
    done = _props(store, c("completed"))
    assert done["allowedValue"] == [B + "concept/status/completed"]


def test_the_finance_lease_subsidy_is_at_most_5_percent_for_3_years_and_1000_per_enterprise_per_year(store) -> None:
    p = _props(store, m("finance-lease-subsidy"))
    assert _one(p, "kind") == "finance-lease-subsidy"
    assert _num(p, "rate") == Decimal("0.05")
    assert _one(p, "rateIsMaximum") == "true"
    assert _one(p, "rateBase") == PKG + "financeLeaseAmount"  # the amount financed (chosen reading)
    assert _one(p, "chosenReading")
    assert _num(p, "maxYears") == 3
    assert _num(p, "capPerYear") == 1000
    assert _one(p, "capScope") == "per-enterprise"
    assert "cap" not in p


def test_the_pilot_line_award_is_at_most_30_percent_of_fixed_assets_capped_at_3000(store) -> None:
    p = _props(store, m("pilot-line-award"))
    assert _num(p, "rate") == Decimal("0.30")
    assert _one(p, "rateIsMaximum") == "true"
    assert _one(p, "rateBase") == PKG + "fixedAssetInvestment"
    assert _num(p, "cap") == 3000
    assert set(p["appliesToProjectType"]) == {B + "concept/project-type/pilot-line"}


def test_srdi_parks_over_20_percent_get_a_grant_up_to_500_and_an_award_up_to_100(store) -> None:
    share = _props(store, c("srdi-area-share-over-20"))
    assert (_one(share, "comparator"), _num(share, "thresholdValue")) == ("gt", Decimal("0.20"))
    assert _one(share, "onProperty") == PKG + "srdiAreaShare"
    grant = _props(store, m("srdi-park-construction-grant"))
    assert _one(grant, "kind") == "funding-grant"
    assert _num(grant, "cap") == 500
    assert _one(grant, "rateBase") == PKG + "actualConstructionInput"
    assert "rate" not in grant
    award = _props(store, m("srdi-park-performance-award"))
    assert _one(award, "kind") == "reward"
    assert _num(award, "cap") == 100
    for p in (grant, award):
        assert c("srdi-area-share-over-20") in p["hasCriterion"]


def test_fee_and_tax_relief_are_non_monetary_and_need_the_urban_renewal_plan(store) -> None:
    for name in ("administrative-fee-reduction", "tax-preference"):
        p = _props(store, m(name))
        assert _one(p, "kind") == "non-monetary"
        assert PKG + "NonMonetarySupport" in p["type"]
        assert c("in-urban-renewal-plan") in p["hasCriterion"]
        assert "cap" not in p and "rate" not in p
    plan = _props(store, c("in-urban-renewal-plan"))
    assert _one(plan, "onProperty") == PKG + "inUrbanRenewalPlan"


# ---------------------------------------------------------------- constraints and rules

def test_the_3000_wan_high_tech_database_rule_is_a_softened_implication(store) -> None:
    alt = _props(store, c("high-tech-database-if-3000"))
    assert _one(alt, "softened") == "true"
    assert set(alt["alternative"]) == {c("total-investment-below-3000"), c("listed-in-high-tech-database")}
    below = _props(store, c("total-investment-below-3000"))
    # 达 3000 万元（含）以上 → ge 3000, so the alternative branch is its negation: lt 3000
    assert (_one(below, "comparator"), _num(below, "thresholdValue")) == ("lt", 3000)
    assert _one(below, "onProperty") == PKG + "totalInvestment"
    con = _props(store, DOC + "/constraint/high-tech-database-listing")
    assert con["hasCriterion"] == [c("high-tech-database-if-3000")]


def test_auxiliary_facilities_are_limited_to_15_percent_of_above_ground_area(store) -> None:
    t = _props(store, c("auxiliary-facility-share-max-15"))
    assert (_one(t, "comparator"), _num(t, "thresholdValue")) == ("le", Decimal("0.15"))
    assert _one(t, "onProperty") == PKG + "auxiliaryFacilityShare"
    assert c("auxiliary-facility-share-max-15") in _props(store, DOC + "/constraint/auxiliary-facility-share")["hasCriterion"]


def test_no_double_funding_covers_every_monetary_measure(store) -> None:
    r = _props(store, DOC + "/rule/no-double-funding")
    assert PKG + "DoubleFundingExclusion" in r["type"]
    assert "市级其他财政资金" in r["excludesFunding"]
    assert _one(r, "wasDerivedFrom") == DOC + "/p2"
    monetary = {row["m"].value for row in store.select(PREFIXES + f"""SELECT ?m WHERE {{
        ?m pkg:definedIn <{DOC}> ; a ?cls . ?cls rdfs:subClassOf* pkg:MonetarySupport }}""")}
    assert len(monetary) == 6
    assert set(r["appliesToMeasure"]) == monetary
    assert "不再重复支持" in _clause_text(store, DOC + "/p2")


# ---------------------------------------------------------------- provenance

EXPECTED_TEXT = {
    "space-upgrade-support": ("2/3", ["超过3000平方米", "最高不超过5000万元"]),
    "advanced-manufacturing-completion-award": ("3/5", ["总投资额的20%", "最高不超过3000万元", "建设期不超过3年", "不低于500万元"]),
    "finance-lease-subsidy": ("3/5", ["不超过5%费率", "最高不超过3年", "不超过1000万元"]),
    "pilot-line-award": ("3/7", ["固定资产投资额的30%", "最高不超过3000万元"]),
    "srdi-park-construction-grant": ("3/8", ["超20%", "最高500万元资金补助"]),
    "srdi-park-performance-award": ("3/8", ["最高100万元奖励"]),
    "administrative-fee-reduction": ("4/9", ["行政事业性收费减免"]),
    "tax-preference": ("4/9", ["税收优惠"]),
    "safety-facility-area-exemption": ("2/4", ["不计入各区建筑管控规模"]),
    "auxiliary-facilities-and-added-storeys": ("2/4", ["15%", "加层改造"]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_TEXT))
def test_each_measure_is_derived_from_its_clause_of_this_document_whose_text_has_its_numbers(store, name) -> None:
    path, needles = EXPECTED_TEXT[name]
    check_measure_clause(store, DOC, f"jjxj-2022-old-factory-{name}", m(name), path, needles)


def test_the_document_creates_exactly_these_measures(store) -> None:
    assert measures_of(store, DOC) == {m(n) for n in EXPECTED_TEXT}


def test_every_provision_of_the_document_comes_from_one_of_its_clauses(store) -> None:
    pairs = provision_clauses(store, DOC)
    assert len(pairs) > 20
    for x, clause in pairs:
        assert _part_of_doc(store, clause), (x, clause)


def test_every_non_checkable_provision_says_why(store) -> None:
    assert non_checkable_without_reason(store, DOC) == []
