"""京经信发〔2024〕25号 (算力基础设施建设实施方案(2024—2027年)): facts derived by hand from the text.

The PUE limits are checked twice: as data (comparator, value, guard) and by a tiny evaluator of the
stage guards (pkg:appliesWhen) of policies/jjxf-2024-25.ttl, on centres below, at and above each limit.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.corpus.kit import PFX, one
from tests.corpus.kit import clause_text as text_of
from tests.corpus.kit import derived_clause as _derived_clause
from tests.corpus.kit import objs as vals

B = "https://w3id.org/policykg/"
ONT = B + "ontology#"
DOC = B + "doc/jjxf/2024/25"
M = DOC + "/measure/"


def derived_clause(store: Any, iri: str) -> str:
    return _derived_clause(store, iri, DOC)



def test_the_plan_is_co_issued_with_the_communications_administration(store: Any) -> None:
    assert one(store, DOC, "eli:id_local") == "京经信发〔2024〕25号"
    assert vals(store, DOC, "eli:passed_by") == sorted([B + "org/bj-eit", B + "org/bj-ca"])
    assert one(store, DOC, "eli:published_in") == B + "pub/bjgb/2024/25"
    assert "Implementation Plan for the Building of Computing Power Infrastructure in Beijing (2024–2027)" in vals(store, DOC, "eli:title")
    assert "北京市通信管理局" in text_of(store, DOC + "/notice")


def test_the_plan_runs_from_its_date_of_issue_to_the_end_of_2027(store: Any) -> None:
    assert one(store, DOC, "eli:date_document") == "2024-04-24"
    assert one(store, DOC, "eli:first_date_entry_in_force") == "2024-04-24"
    assert one(store, DOC, "eli:date_no_longer_in_force") == "2027-12-31"
    notice = one(store, DOC, "pkg:validityDerivedFrom")
    assert notice == DOC + "/notice"
    assert "(2024—2027年)" in text_of(store, notice)
    assert "2024年4月24日" in text_of(store, notice)
    assert vals(store, DOC, "pkg:ambiguity")


def test_the_plan_cites_the_two_national_documents_it_is_based_on(store: Any) -> None:
    cited = vals(store, DOC, "eli:cites")
    assert len(cited) == 2
    titles = {one(store, c, "eli:title") for c in cited}
    assert titles == {"关于深入实施“东数西算”工程加快构建全国一体化算力网的实施意见", "算力基础设施高质量发展行动计划"}
    p1 = text_of(store, DOC + "/p1")
    assert "算力基础设施高质量发展行动计划" in p1 and "加快构建全国一体化算力网的实施意见" in p1


def test_new_and_expanded_centres_have_a_softened_pue_limit_of_1_25(store: Any) -> None:
    c = DOC + "/constraint/pue-new-expanded"
    crits = vals(store, c, "pkg:hasCriterion")
    guard = DOC + "/criterion/stage-new-or-expanded"
    assert vals(store, c, "pkg:appliesWhen") == [guard]
    assert guard not in crits  # a guard, not a requirement
    assert one(store, guard, "pkg:onProperty") == ONT + "stage"
    assert vals(store, guard, "pkg:allowedLiteral") == ["expanded", "new"]
    limit = DOC + "/criterion/pue-max-1-25"
    assert limit in crits
    assert one(store, limit, "pkg:onProperty") == ONT + "pue"
    assert one(store, limit, "pkg:comparator") == "le"
    assert Decimal(one(store, limit, "pkg:thresholdValue")) == Decimal("1.25")
    assert one(store, limit, "pkg:softened") == "true"  # 一般不超过
    assert "新建和改扩建智算中心PUE值一般不超过1.25" in text_of(store, derived_clause(store, c))


def test_large_centres_over_30000_tce_have_a_softened_pue_limit_of_1_15(store: Any) -> None:
    c = DOC + "/constraint/pue-large-new-expanded"
    alt = DOC + "/criterion/large-centre-pue-1-15"
    assert vals(store, c, "pkg:appliesWhen") == [DOC + "/criterion/stage-new-or-expanded"]
    assert vals(store, c, "pkg:hasCriterion") == [alt]
    branches = {one(store, a, "pkg:onProperty"): a for a in vals(store, alt, "pkg:alternative")}
    energy, pue = branches[ONT + "annualEnergyTce"], branches[ONT + "pue"]
    assert one(store, energy, "pkg:comparator") == "le"  # complement of 超过 3 万吨标煤
    assert Decimal(one(store, energy, "pkg:thresholdValue")) == Decimal("30000")
    assert one(store, pue, "pkg:comparator") == "le"
    assert Decimal(one(store, pue, "pkg:thresholdValue")) == Decimal("1.15")
    assert vals(store, c, "pkg:ambiguity") and vals(store, c, "pkg:chosenReading")
    assert "年能耗超过3万吨标煤的大规模先进智算中心PUE值一般不超过1.15" in text_of(store, derived_clause(store, c))


def test_existing_centres_must_reach_pue_1_35_by_the_end_of_the_plan(store: Any) -> None:
    t = DOC + "/target/existing-data-center-pue-1-35"
    assert store.ask(PFX + f"ASK {{ <{t}> a pkg:PostDeliveryTarget }}")
    assert one(store, t, "pkg:onProperty") == ONT + "pue"
    assert one(store, t, "pkg:comparator") == "le"  # 不高于: inclusive
    assert Decimal(one(store, t, "pkg:thresholdValue")) == Decimal("1.35")
    guard = one(store, t, "pkg:appliesWhen")
    assert vals(store, guard, "pkg:allowedLiteral") == ["existing"]
    assert "到规划期末所有存量数据中心PUE值均不高于1.35" in text_of(store, derived_clause(store, t))


# --- a tiny evaluator of the stage guards (pkg:appliesWhen) ------------------------------------

def _holds(store: Any, crit: str, centre: dict[str, Any]) -> bool:
    if store.ask(PFX + f"ASK {{ <{crit}> a pkg:AlternativeCriteria }}"):
        return any(_holds(store, a, centre) for a in vals(store, crit, "pkg:alternative"))
    prop = one(store, crit, "pkg:onProperty").removeprefix(ONT)
    if store.ask(PFX + f"ASK {{ <{crit}> a pkg:ValueInCriterion }}"):
        return centre[prop] in vals(store, crit, "pkg:allowedLiteral")
    value, limit = Decimal(str(centre[prop])), Decimal(one(store, crit, "pkg:thresholdValue"))
    return {"le": value <= limit, "lt": value < limit, "ge": value >= limit, "gt": value > limit,
            "eq": value == limit}[one(store, crit, "pkg:comparator")]


def breaches(store: Any, provision: str, centre: dict[str, Any]) -> bool:
    """True when the provision applies to the centre (its stage guard passes) and is not met."""
    if not all(_holds(store, g, centre) for g in vals(store, provision, "pkg:appliesWhen")):
        return False
    rest = vals(store, provision, "pkg:hasCriterion")
    if store.ask(PFX + f"ASK {{ <{provision}> pkg:thresholdValue ?v ; pkg:onProperty ?p }}"):
        rest.append(provision)  # a target carries its own threshold
    return not all(_holds(store, c, centre) for c in rest)


PUE_125 = DOC + "/constraint/pue-new-expanded"
PUE_115 = DOC + "/constraint/pue-large-new-expanded"
PUE_135 = DOC + "/target/existing-data-center-pue-1-35"


@pytest.mark.parametrize("stage,pue,energy,breached", [
    ("new", "1.24", 1000, set()),
    ("new", "1.25", 1000, set()),                       # at the limit: 不超过 includes it
    ("expanded", "1.26", 1000, {PUE_125}),
    ("new", "1.20", 30000, set()),                      # exactly 3 万吨标煤 is not 超过
    ("new", "1.20", 30001, {PUE_115}),
    ("new", "1.15", 30001, set()),
    ("expanded", "1.16", 50000, {PUE_115}),
    ("new", "1.30", 50000, {PUE_125, PUE_115}),
    ("existing", "1.30", 50000, set()),                 # new-build limits do not bind existing centres
    ("existing", "1.35", 1000, set()),
    ("existing", "1.36", 1000, {PUE_135}),
    ("new", "1.40", 1000, {PUE_125}),                   # the 1.35 target binds existing centres only
])
def test_pue_limits_apply_by_stage_at_their_boundaries(store: Any, stage: str, pue: str, energy: int, breached: set[str]) -> None:
    centre = {"stage": stage, "pue": pue, "annualEnergyTce": energy}
    got = {p for p in (PUE_125, PUE_115, PUE_135) if breaches(store, p, centre)}
    assert got == breached


# --- plan targets and measures -----------------------------------------------------------------

PLAN_TARGETS = {
    "intelligent-compute-supply-45-eflops": ("2/1", "ge", "45", "EFLOPS", "达到45EFLOPS"),
    "full-stack-autonomy-100pct": ("2/2", "eq", "1", "share", "具备100%自主可控智算中心建设能力"),
    "benchmark-cases-over-200": ("2/3", "gt", "200", "cases", "行业标杆案例超过200个"),
    "two-10-eflops-clusters": ("3/2", "eq", "10", "EFLOPS per cluster", "两个10EFLOPS大规模智算集群"),
    "backbone-bandwidth-400g": ("3/3", "ge", "400", "Gbit/s", "带宽达到400G以上"),
    "backbone-rtt-1ms": ("3/3", "le", "1", "ms", "往返网络时延控制在1毫秒以内"),
    "ring-200km-rtt-3ms": ("3/3", "le", "3", "ms", "环京200公里内重点算力中心间往返网络时延不高于3毫秒"),
    "western-node-rtt-5ms": ("3/3", "le", "5", "ms", "西部节点往返网络时延不高于5毫秒"),
    "zero-carbon-centre-green-power-100": ("3/4", "eq", "1", "share", "100%使用绿电"),
}


@pytest.mark.parametrize("name", sorted(PLAN_TARGETS))
def test_each_plan_target_has_the_printed_number_and_boundary(store: Any, name: str) -> None:
    path, comparator, value, unit, words = PLAN_TARGETS[name]
    t = DOC + "/target/" + name
    assert one(store, t, "pkg:comparator") == comparator
    assert Decimal(one(store, t, "pkg:thresholdValue")) == Decimal(value)
    assert one(store, t, "pkg:unit") == unit
    assert one(store, t, "pkg:machineCheckable") == "false"
    clause = derived_clause(store, t)
    assert clause == f"{DOC}/{path}"
    assert words in text_of(store, clause)


MEASURE_CLAUSES = {
    "inclusive-computing-resources": ("3/2", "non-monetary", "提供普惠智算资源"),
    "energy-quota-green-power-coordination": ("4/2", "non-monetary", "能源指标和绿色电力供给协调机制"),
    "gpu-procurement-support": ("4/3", "investment-subsidy", "采购自主可控GPU芯片开展智能算力服务的企业,按照投资额的一定比例给予支持"),
    "existing-dc-green-retrofit-support": ("4/3", "investment-subsidy", "主动进行绿色节能改造的存量数据中心,按照投资额的一定比例给予支持"),
}


@pytest.mark.parametrize("name", sorted(MEASURE_CLAUSES))
def test_each_measure_comes_from_its_clause(store: Any, name: str) -> None:
    path, kind, words = MEASURE_CLAUSES[name]
    clause = derived_clause(store, M + name)
    assert clause == f"{DOC}/{path}"
    assert words in text_of(store, clause)
    assert one(store, M + name, "pkg:kind") == kind
    assert one(store, M + name, "pkg:slug") == f"jjxf-2024-25-{name}"


def test_every_measure_of_the_plan_is_listed_above(store: Any) -> None:
    rows = store.select(PFX + f"SELECT DISTINCT ?m WHERE {{ ?m pkg:definedIn <{DOC}> ; pkg:kind ?k }}")
    assert sorted(r["m"].value.removeprefix(M) for r in rows) == sorted(MEASURE_CLAUSES)


def test_investment_support_shares_are_not_stated_so_no_rate_is_encoded(store: Any) -> None:
    for name in ("gpu-procurement-support", "existing-dc-green-retrofit-support"):
        assert vals(store, M + name, "pkg:rate") == []
        assert vals(store, M + name, "pkg:cap") == []
        assert vals(store, M + name, "pkg:ambiguity")
    assert one(store, M + "existing-dc-green-retrofit-support", "pkg:appliesToProjectType") == \
        B + "concept/project-type/data-center-retrofit"


def test_no_new_general_purpose_computing_is_softened_and_not_checkable(store: Any) -> None:
    c = DOC + "/constraint/no-new-general-purpose-computing"
    assert one(store, c, "pkg:softened") == "true"
    assert one(store, c, "pkg:machineCheckable") == "false"
    assert "本市原则上不再新增通用算力" in text_of(store, derived_clause(store, c))


def test_every_non_checkable_provision_says_why(store: Any) -> None:
    rows = store.select(PFX + f"""SELECT ?p WHERE {{ ?p pkg:definedIn <{DOC}> ; pkg:machineCheckable false .
        FILTER NOT EXISTS {{ ?p pkg:notCheckableReason ?r FILTER(lang(?r) = "en") }} }}""")
    assert rows == []
