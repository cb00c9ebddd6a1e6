"""京经信发〔2024〕20号 (green low-carbon measures): facts derived by hand from the text."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.corpus.kit import PFX, one
from tests.corpus.kit import clause_text as text_of
from tests.corpus.kit import derived_clause as _derived_clause
from tests.corpus.kit import objs as vals

B = "https://w3id.org/policykg/"
DOC = B + "doc/jjxf/2024/20"
M = DOC + "/measure/"


def dec(store: Any, s: str, p: str) -> Decimal:
    return Decimal(one(store, s, p))


def derived_clause(store: Any, iri: str) -> str:
    return _derived_clause(store, iri, DOC)



def test_the_document_has_its_number_issuer_and_gazette(store: Any) -> None:
    assert one(store, DOC, "eli:id_local") == "京经信发〔2024〕20号"
    assert vals(store, DOC, "eli:passed_by") == [B + "org/bj-eit"]
    assert one(store, DOC, "eli:published_in") == B + "pub/bjgb/2024/25"
    assert "Measures to Promote the Green and Low-carbon Development of the Manufacturing and Information and Software Industries in Beijing" in vals(store, DOC, "eli:title")
    assert "北京市促进制造业和信息软件业绿色低碳发展的若干措施" in vals(store, DOC, "eli:title")


def test_the_document_is_dated_16_april_2024_and_runs_to_the_end_of_2027(store: Any) -> None:
    assert one(store, DOC, "eli:date_document") == "2024-04-16"
    assert one(store, DOC, "eli:first_date_entry_in_force") == "2024-04-16"
    assert one(store, DOC, "eli:date_no_longer_in_force") == "2027-12-31"
    assert DOC + "/p2" in vals(store, DOC, "pkg:validityDerivedFrom")
    assert "本政策执行期至2027年底" in text_of(store, DOC + "/p2")
    assert "2024年4月16日" in text_of(store, DOC + "/notice")


def test_the_document_cites_the_two_documents_it_implements(store: Any) -> None:
    cited = vals(store, DOC, "eli:cites")
    assert cited == sorted([
        B + "doc/title/guiding-opinions-on-accelerating-green-development-of-manufacturing",
        B + "doc/title/provisions-on-strengthening-energy-review-of-data-center-projects",
    ])
    for c in cited:
        assert one(store, c, "pkg:inCorpus") == "false"
    assert "关于加快推动制造业绿色化发展的指导意见" in text_of(store, DOC + "/p1")
    assert "关于进一步加强数据中心节能项目审查的若干规定" in text_of(store, DOC + "/5")


def test_energy_saving_award_is_at_most_1200_yuan_per_tce_and_25_percent_capped_3000(store: Any) -> None:
    m = M + "energy-saving-reward"
    assert dec(store, m, "pkg:perUnitAmount") == Decimal("0.12")  # 1200 元/tce in 万元
    assert one(store, m, "pkg:perUnitBase") == B + "ontology#energySavedTce"
    assert one(store, m, "pkg:perUnit") == "tce"
    assert dec(store, m, "pkg:rate") == Decimal("0.25")
    assert one(store, m, "pkg:rateIsMaximum") == "true"
    assert one(store, m, "pkg:rateBase") == B + "ontology#totalInvestment"
    assert dec(store, m, "pkg:cap") == Decimal("3000")
    assert one(store, m, "pkg:capScope") == "per-project"
    assert one(store, m, "pkg:appliesToProjectType") == B + "concept/project-type/energy-saving"
    assert vals(store, m, "pkg:ambiguity") and vals(store, m, "pkg:chosenReading")


def test_other_green_retrofit_award_is_a_rate_without_a_per_unit_amount(store: Any) -> None:
    m = M + "green-retrofit-reward"
    assert dec(store, m, "pkg:rate") == Decimal("0.25")
    assert one(store, m, "pkg:rateIsMaximum") == "true"
    assert dec(store, m, "pkg:cap") == Decimal("3000")
    assert vals(store, m, "pkg:perUnitAmount") == []
    assert one(store, m, "pkg:appliesToProjectType") == B + "concept/project-type/green-retrofit"


def test_env_rating_upgrade_award_has_a_10_wan_floor_and_a_3000_wan_cap(store: Any) -> None:
    m = M + "env-rating-upgrade-reward"
    assert dec(store, m, "pkg:rate") == Decimal("0.25")
    assert one(store, m, "pkg:rateIsMaximum") == "true"
    assert dec(store, m, "pkg:floor") == Decimal("10")
    assert dec(store, m, "pkg:cap") == Decimal("3000")
    assert one(store, m, "pkg:appliesToProjectType") == B + "concept/project-type/env-rating-upgrade"


def test_data_center_retrofit_award_mirrors_the_energy_saving_parameters(store: Any) -> None:
    m = M + "data-center-retrofit-reward"
    assert dec(store, m, "pkg:perUnitAmount") == Decimal("0.12")
    assert one(store, m, "pkg:perUnitBase") == B + "ontology#energySavedTce"
    assert dec(store, m, "pkg:rate") == Decimal("0.25")
    assert dec(store, m, "pkg:cap") == Decimal("3000")
    assert one(store, m, "pkg:appliesToProjectType") == B + "concept/project-type/data-center-retrofit"


@pytest.mark.parametrize("name,ptype", [
    ("energy-saving-reward-listed", "energy-saving"),
    ("green-retrofit-reward-listed", "green-retrofit"),
    ("data-center-retrofit-reward-listed", "data-center-retrofit"),  # 三（三） read as covering 二（三）
])
def test_listed_enterprises_get_the_rate_raised_to_at_most_30_percent(store: Any, name: str, ptype: str) -> None:
    m = M + name
    assert dec(store, m, "pkg:rate") == Decimal("0.30")
    assert one(store, m, "pkg:rateIsMaximum") == "true"
    assert dec(store, m, "pkg:cap") == Decimal("3000")
    assert one(store, m, "pkg:appliesToProjectType") == B + f"concept/project-type/{ptype}"
    crit = one(store, m, "pkg:hasCriterion")
    assert one(store, crit, "pkg:onProperty") == B + "ontology#greenManufacturingListed"
    assert one(store, crit, "pkg:requiredValue") == "true"
    assert vals(store, m, "pkg:ambiguity")


def test_base_and_raised_rates_are_mutually_exclusive(store: Any) -> None:
    assert vals(store, DOC + "/rule/energy-saving-one-rate", "pkg:member") == sorted(
        [M + "energy-saving-reward", M + "energy-saving-reward-listed"])
    assert vals(store, DOC + "/rule/green-retrofit-one-rate", "pkg:member") == sorted(
        [M + "green-retrofit-reward", M + "green-retrofit-reward-listed", M + "green-tech-demonstration-reward"])
    assert M + "energy-saving-reward-listed" in vals(store, M + "energy-saving-reward", "pkg:exclusiveWith")
    assert vals(store, DOC + "/rule/data-center-retrofit-one-rate", "pkg:member") == sorted(
        [M + "data-center-retrofit-reward", M + "data-center-retrofit-reward-listed"])


def test_the_raise_to_30_percent_covers_data_centre_retrofits_but_not_rating_upgrades(store: Any) -> None:
    # 三（三）…实施的绿色低碳改造升级项目，奖励资金支持比例提高至不超过项目总投资的 30%: a data-centre
    # energy-saving retrofit (二（三）) is one; the rating upgrade (二（二）) reaches the rating the raise requires
    listed = [r["m"].value.removeprefix(M) for r in store.select(
        PFX + f"SELECT ?m WHERE {{ ?m pkg:definedIn <{DOC}> ; pkg:hasCriterion <{DOC}/criterion/green-manufacturing-listed> }}")]
    assert sorted(listed) == ["data-center-retrofit-reward-listed", "energy-saving-reward-listed",
                              "green-retrofit-reward-listed"]
    readings = {n: vals(store, M + n, "pkg:chosenReading")[0] for n in listed}
    assert len(set(readings.values())) <= 2 and all("二、(三)" in r for r in readings.values() if "data-centre" in r)
    assert dec(store, M + "data-center-retrofit-reward-listed", "pkg:perUnitAmount") == Decimal("0.12")


def test_green_credit_interest_subsidy_needs_fixed_asset_investment_over_500(store: Any) -> None:
    m = M + "green-credit-interest-subsidy"
    assert one(store, m, "pkg:kind") == "loan-interest-subsidy"
    assert dec(store, m, "pkg:rate") == Decimal("0.02")
    assert one(store, m, "pkg:rateIsMaximum") == "true"
    assert dec(store, m, "pkg:capPerYear") == Decimal("1000")
    assert one(store, m, "pkg:capScope") == "per-enterprise"
    crit = one(store, m, "pkg:hasCriterion")
    assert one(store, crit, "pkg:onProperty") == B + "ontology#fixedAssetInvestment"
    assert one(store, crit, "pkg:comparator") == "gt"  # 超过 500 万元: strict
    assert dec(store, crit, "pkg:thresholdValue") == Decimal("500")
    assert one(store, crit, "pkg:unit") == "万元"


def test_diagnosis_providers_get_at_most_12_wan_per_enterprise_and_20_wan_per_park(store: Any) -> None:
    assert dec(store, M + "diagnosis-provider-reward-per-enterprise", "pkg:perUnitAmount") == Decimal("12")
    assert dec(store, M + "diagnosis-provider-reward-per-park", "pkg:perUnitAmount") == Decimal("20")


def test_green_power_target_for_new_data_centres_is_50_percent_by_2025(store: Any) -> None:
    t = DOC + "/target/data-center-green-power-50"
    assert one(store, t, "pkg:comparator") == "ge"
    assert dec(store, t, "pkg:thresholdValue") == Decimal("0.50")
    assert one(store, t, "pkg:onProperty") == "https://w3id.org/policykg/ontology#greenPowerShare"
    assert one(store, t, "pkg:softened") == "true"
    guard = one(store, t, "pkg:appliesWhen")
    assert vals(store, guard, "pkg:allowedLiteral") == ["expanded", "new"]
    assert "2025年绿电使用比例达到50%" in text_of(store, derived_clause(store, t))


def test_green_factory_grades_are_softened_3_and_4(store: Any) -> None:
    for name, level in (("municipal-green-factory-grade-3", "3"), ("national-green-factory-grade-4", "4")):
        c = DOC + "/constraint/" + name
        assert one(store, c, "pkg:comparator") == "ge"
        assert dec(store, c, "pkg:thresholdValue") == Decimal(level)
        assert one(store, c, "pkg:softened") == "true"
        assert one(store, c, "pkg:machineCheckable") == "false"
    assert "原则上应达到三级水平" in text_of(store, DOC + "/3/2")
    assert "原则上应达到四级水平" in text_of(store, DOC + "/3/2")


# measure -> (clause path, the numbers of the measure as printed in that clause)
MEASURE_CLAUSES = {
    "free-green-diagnosis": ("1/2", ["免费开展绿色诊断"]),
    "diagnosis-provider-reward-per-enterprise": ("1/2", ["不超过12万元"]),
    "diagnosis-provider-reward-per-park": ("1/2", ["不超过20万元"]),
    "energy-saving-reward": ("2/1", ["不超过1200元/吨标准煤", "项目总投资的25%", "最高不超过3000万元"]),
    "green-retrofit-reward": ("2/1", ["项目总投资25%", "最高不超过3000万元"]),
    "env-rating-upgrade-reward": ("2/2", ["项目总投资的25%", "给予10万元", "最高不超过3000万元"]),
    "data-center-retrofit-reward": ("2/3", ["不超过1200元/吨标准煤", "项目总投资的25%", "最高不超过3000万元"]),
    "green-tech-demonstration-reward": ("2/5", ["按照绿色低碳改造项目给予资金奖励"]),
    "energy-saving-reward-listed": ("3/3", ["不超过项目总投资的30%"]),
    "green-retrofit-reward-listed": ("3/3", ["不超过项目总投资的30%"]),
    "data-center-retrofit-reward-listed": ("3/3", ["不超过项目总投资的30%"]),
    "national-green-factory-via-beijing-hq": ("6", ["以总部名义通过本市申报国家级绿色工厂"]),
    "green-credit-interest-subsidy": ("8", ["超过500万元", "不超过2%的贴息率", "最高不超过1000万元"]),
    "government-investment-funds": ("8", ["政府投资基金"]),
}


@pytest.mark.parametrize("name", sorted(MEASURE_CLAUSES))
def test_each_measure_comes_from_a_clause_of_this_document_that_prints_its_numbers(store: Any, name: str) -> None:
    path, needles = MEASURE_CLAUSES[name]
    clause = derived_clause(store, M + name)
    assert clause == f"{DOC}/{path}"
    text = text_of(store, clause)
    for n in needles:
        assert n in text, (name, n)
    assert one(store, M + name, "pkg:slug") == f"jjxf-2024-20-{name}"
    assert one(store, M + name, "pkg:definedIn") == DOC


def test_every_measure_of_the_document_is_listed_above(store: Any) -> None:
    rows = store.select(PFX + f"SELECT ?m WHERE {{ ?m pkg:definedIn <{DOC}> ; pkg:kind ?k }}")
    assert sorted(r["m"].value.removeprefix(M) for r in rows) == sorted(MEASURE_CLAUSES)


def test_every_non_checkable_provision_says_why(store: Any) -> None:
    rows = store.select(PFX + f"""SELECT ?p WHERE {{ ?p pkg:definedIn <{DOC}> ; pkg:machineCheckable false .
        FILTER NOT EXISTS {{ ?p pkg:notCheckableReason ?r FILTER(lang(?r) = "en") }} }}""")
    assert rows == []
