"""The amount shapes and policykg.validation.amounts.max_amount agree, measure by measure (one source of truth).

For every monetary measure with an amount shape: the maximum written from its clause (EXPECTED, the
clause quoted) is what max_amount computes, a request of exactly that amount conforms to the shape, one
of that amount + 0.01 violates it – with the measure's base values set low
(so a floor binds), in the middle, and high (so the cap binds). Rates read from the submission
are 3.5% (actual) and 3.45% (ceiling), years 3 (above a maxYears of 2).
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef

from policykg.namespaces import BASE, PKG
from policykg.shapes.model import Corpus
from policykg.validation.amounts import PARAMS, formula, input_property, inputs, max_amount, parts_of
from policykg.validation.engine import validate


def _measures(root) -> list[tuple[str, dict]]:
    c = Corpus(root)
    out = []
    for m in c.measures():
        if not c.is_monetary(m):
            continue
        params = {k: c.g.value(m, p) for k, p in PARAMS.items() if c.g.value(m, p) is not None}
        if parts_of(c.g, m):
            params["parts"] = parts_of(c.g, m)
        if formula(params) is not None:
            out.append((str(m), params))
    return out


Dec = Decimal
INV, FA, TCE = "totalInvestment", "fixedAssetInvestment", "energySavedTce"
GREEN_25 = lambda v: min(Dec("0.25") * v[INV], Dec(3000))  # noqa: E731
GREEN_30 = lambda v: min(Dec("0.30") * v[INV], Dec(3000))  # noqa: E731
# 1200 元/吨标准煤 = 0.12 万元 per tce
ENERGY_25 = lambda v: min(Dec("0.12") * v[TCE], Dec("0.25") * v[INV], Dec(3000))  # noqa: E731
ENERGY_30 = lambda v: min(Dec("0.12") * v[TCE], Dec("0.30") * v[INV], Dec(3000))  # noqa: E731
# The largest amount each monetary measure allows, written from its clause (万元), not computed by the code
# under test; v maps the submission's input properties (local names) to their values.
EXPECTED = {
    # 京发改规〔2023〕12号 二（四）1: 低效楼宇改造项目，按照固定资产投资总额 10%的比例…最高不超过 5000万元
    "jfgg/2023/12/measure/investment-subsidy-low-efficiency-building": lambda v: min(Dec("0.10") * v[FA], Dec(5000)),
    # …老旧厂房改造和配套基础设施改造项目，按照固定资产投资总额 30%的比例…最高不超过 5000万元
    "jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure":
        lambda v: min(Dec("0.30") * v[FA], Dec(5000)),
    # the same two rates over a district's bundle of the three kinds, one cap of 5000万元
    "jfgg/2023/12/measure/investment-subsidy-district-bundle": lambda v: min(
        Dec("0.10") * v["lowEfficiencyBuildingInvestment"] + Dec("0.30") * v["infrastructureInvestment"]
        + Dec("0.30") * v["oldFactoryInvestment"], Dec(5000)),
    # 2.贷款贴息: 按照 LPR（实际利率低于 LPR 的，按照实际利率）给予不超过 2年的贴息支持，总金额不超过 5000万元
    "jfgg/2023/12/measure/loan-interest-subsidy": lambda v: min(
        min(v["loanInterestRate"], v["lprRate"]) * v["loanAmount"] * min(v["loanYears"], 2), Dec(5000)),
    # 京发改规〔2023〕7号 第十一条: 对低效楼宇改造项目按照固定资产投资总额 10%的比例给予支持…最高不超过 5000万元
    "jfgg/2023/7/measure/renovation-support-low-efficiency-building": lambda v: min(Dec("0.10") * v[FA], Dec(5000)),
    # …对老旧厂房改造和产业园区内配套基础设施改造项目按照经认定的固定资产投资总额 30%…最高不超过 5000万元
    "jfgg/2023/7/measure/renovation-support-old-factory-and-infrastructure":
        lambda v: min(Dec("0.30") * v[FA], Dec(5000)),
    # 第十条: …产业共性服务设施建设的项目…按照经认定的固定资产投资总额 30%的比例给予支持 (no cap stated)
    "jfgg/2023/7/measure/service-platform-support": lambda v: Dec("0.30") * v[FA],
    # 京经信发〔2024〕20号 三（一）: 节能改造项目，按照项目节能量给予不超过1200元/吨标准煤的资金奖励，且奖励金额不
    # 超过纳入奖励范围的项目总投资的25%…单个项目奖励资金最高不超过3000万元
    "jjxf/2024/20/measure/energy-saving-reward": ENERGY_25,
    # 三（三）: 数据中心节能改造项目，按照项目节能量给予不超过 1200 元/吨标准煤…不超过…项目总投资的 25%，
    # 单个项目奖励资金最高不超过 3000 万元
    "jjxf/2024/20/measure/data-center-retrofit-reward": ENERGY_25,
    # 三（一）: 其他绿色低碳改造升级项目，给予不超过纳入奖励范围的项目总投资25%的奖励资金…最高不超过3000万元
    "jjxf/2024/20/measure/green-retrofit-reward": GREEN_25,
    # 三（五）: 绿色低碳先进技术示范应用…对符合要求的项目按照绿色低碳改造项目给予资金奖励 (25%, 3000万元)
    "jjxf/2024/20/measure/green-tech-demonstration-reward": GREEN_25,
    # 三（二）: 奖励金额不超过纳入奖励范围的项目总投资的25%，奖励金额不足10万元项目的给予10万元奖励资金，
    # 单个项目奖励资金最高不超过 3000 万元
    "jjxf/2024/20/measure/env-rating-upgrade-reward": lambda v: min(max(Dec("0.25") * v[INV], Dec(10)), Dec(3000)),
    # 三（四）…入围国家和市级绿色制造单位名单…的企业…奖励资金支持比例提高至不超过项目总投资的 30%
    "jjxf/2024/20/measure/energy-saving-reward-listed": ENERGY_30,
    "jjxf/2024/20/measure/data-center-retrofit-reward-listed": ENERGY_30,
    "jjxf/2024/20/measure/green-retrofit-reward-listed": GREEN_30,
    # 五: 绿色信贷固定资产投资贷款，按照不超过 2% 的贴息率给予贴息，单个企业年度贴息金额最高不超过 1000 万元
    "jjxf/2024/20/measure/green-credit-interest-subsidy": lambda v: min(Dec("0.02") * v["loanAmount"], Dec(1000)),
    # 老旧厂房若干措施（五）: 竣工后按照总投资额的 20%予以奖励，单个项目奖励最高不超过 3000 万元
    "jjxj/2022/old-factory/measure/advanced-manufacturing-completion-award":
        lambda v: min(Dec("0.20") * v[INV], Dec(3000)),
    # （五）: 融资租赁…按照不超过 5%费率分年度补贴…单个企业年度补贴金额不超过 1000 万元
    "jjxj/2022/old-factory/measure/finance-lease-subsidy":
        lambda v: min(Dec("0.05") * v["financeLeaseAmount"], Dec(1000)),
    # （七）: 按照不超过项目固定资产投资额的 30%给予奖励，单个项目奖励金额最高不超过 3000 万元
    "jjxj/2022/old-factory/measure/pilot-line-award": lambda v: min(Dec("0.30") * v[FA], Dec(3000)),
    # （八）: 对该类项目按实际建设投入给予最高 500 万元资金补助
    "jjxj/2022/old-factory/measure/srdi-park-construction-grant":
        lambda v: min(v["actualConstructionInput"], Dec(500)),
    # （八）: 并根据服务绩效给予最高 100 万元奖励
    "jjxj/2022/old-factory/measure/srdi-park-performance-award": lambda v: Dec(100),
}


def _written(iri: str, values: dict) -> Decimal:
    """The amount the clause allows for these inputs (EXPECTED), from the property local names."""
    return EXPECTED[iri.split("/doc/", 1)[1]]({str(p).split("#")[-1]: Dec(str(v)) for p, v in values.items()})


def _submission(c: Corpus, m: URIRef, values: dict, amount: Decimal) -> Graph:
    g = Graph()
    s = URIRef(BASE + "data/amount-test")
    g.add((s, RDF.type, c.objs(m, PKG.appliesToSubmissionType)[0] if c.objs(m, PKG.appliesToSubmissionType)
           else PKG.RenovationProject))
    for t in c.objs(m, PKG.appliesToProjectType)[:1]:
        g.add((s, PKG.projectType, t))
    g.add((s, PKG.applicationDate, Literal("2024-06-01", datatype=XSD.date)))
    for p, v in values.items():
        g.add((s, p, Literal(str(v), datatype=XSD.decimal)))
    r = BNode()
    g.add((s, PKG.requests, r))
    g.add((r, PKG.measure, m))
    g.add((r, PKG.amount, Literal(str(amount), datatype=XSD.decimal)))
    return g


@pytest.mark.parametrize("scale", [Decimal("0.5"), Decimal("700"), Decimal("90000")])
def test_max_amount_and_the_shape_allow_exactly_the_maximum_the_clause_states_and_not_a_cent_more(store, root, scale) -> None:
    c = Corpus(root)
    checked = 0
    for iri, params in _measures(root):
        m = URIRef(iri)
        given = {"rateProperty": Decimal("0.035"), "rateCeilingProperty": Decimal("0.0345"), "yearsProperty": 3}
        values = {input_property(params, k): given.get(k, scale) for k in inputs(params)
                  if isinstance(input_property(params, k), URIRef)}
        amount = _written(iri, values)
        computed, text = max_amount(params, {str(p): v for p, v in values.items()})
        assert computed == amount, (iri, text, amount)
        shape = BASE + "shape/" + iri[len(BASE + "doc/"):] + "/amount"
        at = validate(store, _submission(c, m, values, amount), engine="fast")
        assert [r for r in at.results if r["sourceShape"] == shape] == [], (iri, text)
        over = validate(store, _submission(c, m, values, amount + Decimal("0.01")), engine="fast")
        assert [r["sourceShape"] for r in over.results if r["sourceShape"] == shape] == [shape], (iri, text)
        checked += 1
    assert checked == len(EXPECTED)  # every monetary measure has its amount written from its clause


def test_the_reference_engine_agrees_at_the_cap(store, root) -> None:
    c = Corpus(root)
    m = URIRef(BASE + "doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure")
    params = {k: c.g.value(m, p) for k, p in PARAMS.items() if c.g.value(m, p) is not None}
    amount, text = max_amount(params, {"fixedAssetInvestment": 20000})
    assert (amount, text) == (Decimal("5000"), "min(30% × 20000万元 = 6000万元, 5000万元) = 5000万元")
    values = {PKG.fixedAssetInvestment: Decimal(20000)}
    ok = validate(store, _submission(c, m, values, amount), engine="pyshacl")
    assert not [r for r in ok.results if r["sourceShape"].endswith("/amount")]
    over = validate(store, _submission(c, m, values, amount + Decimal("0.01")), engine="pyshacl")
    assert [r["message"]["zh"] for r in over.results if r["sourceShape"].endswith("/amount")] == [
        "申请“老旧厂房改造和配套基础设施改造项目投资补助”5000.01万元，超过按条款计算的上限5000万元"
        "（上限 = min(30% × 固定资产投资, 5000万元)）"]


def test_max_amount_explains_rate_unit_floor_and_caps() -> None:
    per_unit = {"perUnitAmount": "0.12", "perUnitBase": "energySavedTce", "rate": "0.25",
                "rateBase": "totalInvestment", "cap": "3000"}
    assert max_amount(per_unit, {"energySavedTce": 5000, "totalInvestment": 4000}) == (
        Decimal("600.00"), "min(min(25% × 4000万元 = 1000万元, 5000 × 0.12万元 = 600万元) = 600万元, 3000万元) = 600万元")
    floor = {"rate": "0.25", "rateBase": "totalInvestment", "floor": "10", "cap": "3000"}
    assert max_amount(floor, {"totalInvestment": 20})[0] == Decimal("10")
    assert max_amount({"capPerYear": "1000", "rate": "0.05"}, {}) == (Decimal("1000"), "每年1000万元")
    assert max_amount({"rate": "0.3", "rateBase": "fixedAssetInvestment"}, {}) == (None, "缺少fixedAssetInvestment")
    assert max_amount({"rate": "0.3"}, {}) == (None, "条款未给出可计算的金额")


def test_max_amount_takes_the_lower_of_two_declared_rates_for_at_most_the_maximum_years() -> None:
    loan = {"rateBase": "loanAmount", "rateProperty": "loanInterestRate", "rateCeilingProperty": "lprRate",
            "yearsProperty": "loanYears", "maxYears": "2", "cap": "5000"}
    assert max_amount(loan, {"loanAmount": 10000, "loanInterestRate": "0.03", "lprRate": "0.0345",
                             "loanYears": 3}) == (
        Decimal("600.00"), "min(3% × 10000万元 × 2年 = 600万元, 5000万元) = 600万元")
    assert formula(loan) == "min(min(loanInterestRate, lprRate) × loanAmount × min(loanYears, 2年), 5000万元)"
    assert max_amount(loan, {"loanAmount": 10000}) == (None, "缺少loanInterestRate, lprRate, loanYears")


def test_a_district_bundle_is_paid_per_part_and_never_10_percent_of_the_whole() -> None:
    # 京发改规〔2023〕12号 二、（四）1: 低效楼宇 10%, 老旧厂房和配套基础设施 30%, 最高不超过 5000万元
    bundle = {"parts": [("0.10", "lowEfficiencyBuildingInvestment"), ("0.30", "infrastructureInvestment"),
                        ("0.30", "oldFactoryInvestment")], "cap": "5000"}
    parts = {"lowEfficiencyBuildingInvestment": 4000, "oldFactoryInvestment": 5000, "infrastructureInvestment": 1000}
    assert max_amount(bundle, parts) == (
        Decimal("2200.00"), "min(10% × 4000万元 + 30% × 1000万元 + 30% × 5000万元 = 2200万元, 5000万元) = 2200万元")
    assert max_amount(bundle, {**parts, "oldFactoryInvestment": 20000})[0] == Decimal("5000")
    value, why = max_amount(bundle, {"lowEfficiencyBuildingInvestment": 4000, "fixedAssetInvestment": 10000})
    assert value is None and why.startswith("不可计算") and "infrastructureInvestment" in why
    assert max_amount(bundle, {}, "en")[1].startswith("not computable: the rate differs by part")
    assert formula(bundle) == ("min(10% × lowEfficiencyBuildingInvestment + 30% × infrastructureInvestment + "
                               "30% × oldFactoryInvestment, 5000万元)")


D = "https://w3id.org/policykg/doc/"
P = "https://w3id.org/policykg/ontology#"
# (measure, the submission's figures, the maximum written from the clause text)
BY_THE_TEXT = [
    # 京发改规〔2023〕12号 二（四）1: 老旧厂房改造…按照固定资产投资总额 30%…最高不超过 5000万元
    ("jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure", {"fixedAssetInvestment": 8000}, "2400"),
    ("jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure", {"fixedAssetInvestment": 20000}, "5000"),
    # 二（四）1: 低效楼宇改造项目，按照固定资产投资总额 10%
    ("jfgg/2023/12/measure/investment-subsidy-low-efficiency-building", {"fixedAssetInvestment": 8000}, "800"),
    # 二（四）2: 按照 LPR（实际利率低于 LPR 的，按照实际利率）给予不超过 2年的贴息: 10000 × 3.45% × 2
    ("jfgg/2023/12/measure/loan-interest-subsidy",
     {"loanAmount": 10000, "loanInterestRate": Decimal("0.04"), "lprRate": Decimal("0.0345"), "loanYears": 3}, "690"),
    # 京发改规〔2023〕7号 第十一条: 老旧厂房改造…30%，最高不超过 5000 万元
    ("jfgg/2023/7/measure/renovation-support-old-factory-and-infrastructure", {"fixedAssetInvestment": 8000}, "2400"),
    # 京经信发〔2024〕20号 二（一）: 不超过项目总投资的 25%、每吨标准煤 1200 元, 最高不超过 3000 万元
    ("jjxf/2024/20/measure/energy-saving-reward", {"totalInvestment": 4000, "energySavedTce": 20000}, "1000"),
    ("jjxf/2024/20/measure/energy-saving-reward", {"totalInvestment": 40000, "energySavedTce": 5000}, "600"),
    # 20号 八: 不超过 2% 的贴息率，单个企业年度贴息金额最高不超过 1000 万元
    ("jjxf/2024/20/measure/green-credit-interest-subsidy", {"loanAmount": 10000}, "200"),
    ("jjxf/2024/20/measure/green-credit-interest-subsidy", {"loanAmount": 80000}, "1000"),
    # 老旧厂房若干措施（五）: 融资租赁…按照不超过 5%费率分年度补贴…单个企业年度补贴金额不超过 1000 万元
    ("jjxj/2022/old-factory/measure/finance-lease-subsidy", {"financeLeaseAmount": 10000}, "500"),
    # （七）中试线: 按照不超过固定资产投资 30%…单个项目奖励金额最高不超过 3000 万元
    ("jjxj/2022/old-factory/measure/pilot-line-award", {"fixedAssetInvestment": 8000}, "2400"),
    ("jjxj/2022/old-factory/measure/pilot-line-award", {"fixedAssetInvestment": 20000}, "3000"),
]


@pytest.mark.parametrize("measure, figures, expected", BY_THE_TEXT,
                         ids=[f"{m.rsplit('/', 1)[-1]}-{i}" for i, (m, _, _) in enumerate(BY_THE_TEXT)])
def test_the_maximum_is_the_amount_the_clause_gives(root, measure, figures, expected) -> None:
    params = dict(_measures(root))[D + measure]
    amount, text = max_amount(params, {P + k: Decimal(str(v)) for k, v in figures.items()})
    assert amount == Decimal(expected), text
