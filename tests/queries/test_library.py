"""Every library query against answers derived by hand from the source texts (policies/sources/*.txt).

Each expectation cites the words it comes from. Parameters are bound the way the API
binds them (NamedQuery.bindings -> typed terms -> pyoxigraph substitutions). Where an
answer depends on a reading of an ambiguous text, the test says which reading.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from policykg.namespaces import BASE
from policykg.sparql.library import load_library

ROOT = Path(__file__).resolve().parents[2]
LIB = load_library(ROOT)
D000, D12, D7 = "doc/jjxj/2022/old-factory", "doc/jfgg/2023/12", "doc/jfgg/2023/7"
D14, D20, D22, D25 = "doc/jjxf/2024/14", "doc/jjxf/2024/20", "doc/jjxf/2024/22", "doc/jjxf/2024/25"
D67, J1, J2, J3 = "doc/jgzf/2024/67", "doc/jjf/2024/1", "doc/jjf/2024/2", "doc/jjf/2024/3"
ALL_DOCS = {D000, D12, D7, D14, D20, D22, D25, D67, J1, J2, J3}


def _py(t: Any) -> Any:
    if isinstance(t, ox.NamedNode):
        return t.value.removeprefix(BASE)
    if isinstance(t, ox.Literal):
        dt = t.datatype.value.rsplit("#", 1)[-1]
        if dt in ("decimal", "integer", "double"):
            return Decimal(t.value)
        if dt == "boolean":
            return t.value == "true"
        return t.value
    return t


def run(store, name: str, **params: str) -> list[dict[str, Any]]:
    q = LIB[name]
    return [{k: _py(v) for k, v in row.items()} for row in store.select(q.text, q.bindings(params), registry=q.reads_registry)]


def col(rows: list[dict[str, Any]], *keys: str) -> set:
    return {tuple(r.get(k) for k in keys) if len(keys) > 1 else r.get(keys[0]) for r in rows}


# -- measures ------------------------------------------------------------------------

def test_the_measures_that_fund_old_factory_renovation_are_the_nine_the_texts_give(store) -> None:
    rows = run(store, "measures-for-project-type")  # default projectType=old-factory
    assert col(rows, "link", "clause", "rate", "cap") == {
        ("project-type", f"{D000}/2/3", None, None),  # (三) 按照现行政策予以支持: no amount of its own (5000 万元 is a ceiling)
        ("project-type", f"{D12}/2/4/1", Decimal("0.3"), Decimal(5000)),  # 二（四）1. 老旧厂房改造…30%…最高不超过 5000万元
        ("project-type", f"{D12}/2/4/2", None, Decimal(5000)),   # 二（四）2. 贷款贴息…不超过 2年…总金额不超过 5000万元
        ("project-type", f"{D7}/4/11", Decimal("0.3"), Decimal(5000)),  # 第十一条 老旧厂房改造…30%…最高不超过 5000万元
        # (五) 利用工业腾退空间、老旧厂房开展先进制造业项目建设…按照总投资额的 20% 予以奖励，单个项目奖励最高不超过 3000 万元
        ("premises", f"{D000}/3/5", Decimal("0.2"), Decimal(3000)),
        ("premises", f"{D000}/3/5", Decimal("0.05"), None),  # (五) 融资租赁…不超过 5%费率…单个企业年度补贴金额不超过 1000 万元
        # (七) 利用老旧厂房开展…中试线建设…不超过项目固定资产投资额的 30%…单个项目奖励金额最高不超过 3000 万元
        ("premises", f"{D000}/3/7", Decimal("0.3"), Decimal(3000)),
        # (八) 充分利用老旧厂房空间资源…给予最高 500 万元资金补助，并根据服务绩效给予最高 100 万元奖励
        ("premises", f"{D000}/3/8", None, Decimal(500)), ("premises", f"{D000}/3/8", None, Decimal(100)),
    }
    loan = [r for r in rows if r["clause"] == f"{D12}/2/4/2"]
    assert loan[0]["maxYears"] == 2 and loan[0]["kind"] == "loan-interest-subsidy"


def test_low_efficiency_buildings_get_ten_percent_under_both_documents(store) -> None:
    rows = run(store, "measures-for-project-type", projectType="low-efficiency-building")
    # 12号 二（四）1. 低效楼宇改造项目，按照固定资产投资总额 10%; 7号 第十一条 对低效楼宇改造项目…10%
    assert col(rows, "clause", "rate") == {(f"{D12}/2/4/1", Decimal("0.1")), (f"{D12}/2/4/2", None),
                                           (f"{D7}/4/11", Decimal("0.1"))}


def test_the_highest_cap_per_project_type_is_the_one_the_texts_print(store) -> None:
    rows = run(store, "highest-cap-per-project-type")
    caps = {r["projectType"].rsplit("/", 1)[-1]: r["maxCap"] for r in rows}
    assert {k: caps.get(k) for k in ("old-factory", "low-efficiency-building", "district-bundle", "advanced-manufacturing",
                                     "pilot-line", "srdi-park", "energy-saving", "green-retrofit",
                                     "env-rating-upgrade", "data-center-retrofit")} == {
        "old-factory": 5000, "low-efficiency-building": 5000, "district-bundle": 5000,  # 12号 二（四）
        "advanced-manufacturing": 3000,  # 老旧厂房措施 (五) 单个项目奖励最高不超过 3000 万元
        "pilot-line": 3000,              # (七) 单个项目奖励金额最高不超过 3000 万元
        "srdi-park": 500,                # (八) 最高 500 万元资金补助 (and 最高 100 万元奖励)
        "energy-saving": 3000, "green-retrofit": 3000, "env-rating-upgrade": 3000,  # 20号 二（一）（二）
        "data-center-retrofit": 3000,    # 20号 二（三）
    }
    assert "service-platform" not in caps  # 7号 第十条 gives 30% and no cap
    assert "finance-lease" not in caps     # (五) only 单个企业年度补贴金额不超过 1000 万元, a per-year cap
    old = {r["clause"] for r in run(store, "highest-cap-per-project-type", projectType="old-factory")}
    assert f"{D7}/4/11" in old
    assert f"{D000}/2/3" not in old  # (三) 最高不超过 5000 万元 caps support under other policies: no cap of its own


def test_every_loan_interest_subsidy_across_documents(store) -> None:
    rows = run(store, "measures-by-kind")  # kind=loan-interest-subsidy
    assert col(rows, "document", "rate", "cap", "capPerYear", "maxYears") == {
        (D12, None, Decimal(5000), None, Decimal(2)),   # 按照 LPR…不超过 2年的贴息支持，总金额不超过 5000万元
        (D20, Decimal("0.02"), None, Decimal(1000), None),  # 八、不超过 2% 的贴息率，单个企业年度贴息金额最高不超过 1000 万元
    }
    lease = run(store, "measures-by-kind", kind="finance-lease-subsidy")
    # (五) 按照不超过 5%费率分年度补贴，最高不超过 3 年，单个企业年度补贴金额不超过 1000 万元
    assert col(lease, "document", "rate", "rateIsMaximum", "capPerYear") == {(D000, Decimal("0.05"), True, Decimal(1000))}


def test_measures_paid_per_unit_are_the_green_awards_of_20(store) -> None:
    rows = run(store, "per-unit-measures")
    assert col(rows, "clause", "perUnitAmount") == {
        (f"{D20}/2/1", Decimal("0.12")),  # 二（一）按照项目节能量给予不超过1200元/吨标准煤 (= 0.12 万元)
        (f"{D20}/3/3", Decimal("0.12")),  # 三（三）入围名单的企业：比例提高至不超过 30%, same per-tonne amount
        (f"{D20}/2/3", Decimal("0.12")),  # 二（三）数据中心节能改造项目 1200 元/吨标准煤
        (f"{D20}/1/2", Decimal(12)),      # 一（二）每服务1家企业给予不超过12万元
        (f"{D20}/1/2", Decimal(20)),      # 每服务1个工业园区给予不超过20万元
    }
    assert col([r for r in rows if r["clause"] == f"{D20}/3/3"], "rate") == {Decimal("0.3")}


def test_the_criteria_of_the_old_factory_investment_subsidy_come_from_three_clauses(store) -> None:
    rows = run(store, "criteria-of-measure")  # jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure
    props = col(rows, "property", "clause")
    assert {("ontology#floorArea", f"{D12}/2/1/2"),            # 二（一）2. 改造面积需超过 3000平方米
            ("ontology#propertyRightsClear", f"{D12}/2/2/p1"),  # 二（二）改造项目需产权清晰
            ("ontology#operationsMechanism", f"{D12}/2/2/p1"),  # 建立运营管理机制
            ("ontology#industryCategory", f"{D12}/2/2/1"),      # 1. 改造后引入的业态应为…
            ("ontology#status", f"{D12}/2/5")} <= props          # （五）原则上只支持在建…已完工项目不再予以支持
    area = [r for r in rows if r["property"] == "ontology#floorArea"]
    assert col(area, "comparator", "value") == {("gt", Decimal(3000))}  # 超过 = strictly greater
    status = [r for r in rows if r["property"] == "ontology#status"]
    assert col(status, "softened") == {True, None}  # 原则上 softens the first half only


# -- double funding and combinations ---------------------------------------------------

def test_three_documents_forbid_double_municipal_funding(store) -> None:
    rows = run(store, "no-double-funding-rules")
    assert col(rows, "document", "clause") == {
        (D000, f"{D000}/p2"),   # 对已获得市级其他财政资金支持的项目，不再重复支持
        (D12, f"{D12}/2/5"),    # （五）通过其他渠道获得过市级财政性资金支持的项目，不再予以支持
        (D7, f"{D7}/1/3"),      # 第三条 对获得过其他市级财政资金支持的项目不再予以资金支持
        (D7, f"{D7}/4/10"),     # 第十条 符合其他相关市级园区支持政策的项目…不重复支持
    }
    governed = col([r for r in rows if r["document"] == D12], "measure")
    assert {f"{D12}/measure/loan-interest-subsidy", f"{D12}/measure/investment-subsidy-old-factory-and-infrastructure"} \
        <= governed


def test_investment_subsidy_and_loan_interest_of_12_exclude_each_other(store) -> None:
    pairs = col(run(store, "exclusive-measure-pairs"), "measure1", "measure2")
    loan = f"{D12}/measure/loan-interest-subsidy"
    # 二（四）分为投资补助和贷款贴息两种，符合条件的改造项目可以申请其中一种支持方式
    for inv in ("investment-subsidy-low-efficiency-building", "investment-subsidy-old-factory-and-infrastructure",
                "investment-subsidy-district-bundle"):
        assert tuple(sorted((f"{D12}/measure/{inv}", loan))) in pairs
    # 20号 三（三）raises the energy-saving award to 30% for listed firms: one rate or the other
    assert (f"{D20}/measure/energy-saving-reward", f"{D20}/measure/energy-saving-reward-listed") in pairs
    assert all(a.split("/measure/")[0] == b.split("/measure/")[0] for a, b in pairs)  # never across documents


def test_no_two_municipal_measures_for_old_factories_can_be_combined(store) -> None:
    rows = run(store, "measure-combinations")
    assert len(rows) == 6  # four measures, six pairs
    assert col(rows, "canCombine") == {False}
    reasons = {(r["measure1"].rsplit("/", 1)[-1], r["measure2"].rsplit("/", 1)[-1]): r["reason"] for r in rows}
    assert reasons[("investment-subsidy-old-factory-and-infrastructure", "loan-interest-subsidy")] == "exclusive"
    assert reasons[("investment-subsidy-old-factory-and-infrastructure", "renovation-support-old-factory-and-infrastructure")] \
        == "no-double-funding"


def test_the_srdi_park_grant_and_performance_award_go_together(store) -> None:
    rows = run(store, "measure-combinations", projectType="srdi-park")
    # (八) 按实际建设投入给予最高 500 万元资金补助，并根据服务绩效给予最高 100 万元奖励
    assert col(rows, "canCombine", "reason") == {(True, "no rule against")}


# -- validity ------------------------------------------------------------------------

@pytest.mark.parametrize(("date", "expected"), [
    ("2023-07-02", {D000}),                      # 7号 is issued 2023-07-03 (印发之日起实施)
    ("2023-07-03", {D000, D7}),
    ("2024-05-09", ALL_DOCS - {J1, J2, J3}),     # 京建法 1-3: 自 2024 年 5 月 10 日起施行
    ("2024-05-10", ALL_DOCS),
    ("2025-07-02", ALL_DOCS),                    # 7号 试行期 2年 from 2023-07-03: its last day
    ("2025-07-03", ALL_DOCS - {D7}),             # the day after
    ("2025-12-31", ALL_DOCS - {D7}),             # 老旧厂房措施 在 2022-2025 年内有效: its last day
    ("2026-01-01", ALL_DOCS - {D7, D000}),
    ("2027-05-10", ALL_DOCS - {D7, D000, J1, J2, J3}),  # 京建法 有效期 3 年: until 2027-05-09
    ("2028-01-01", {D12, D14, D22, D67}),        # 20号 执行期至 2027 年底; 25号 (2024—2027年)
    ("2029-03-14", {D12, D14, D22}),             # 67号 有效期为五年 from 2024-03-14
])
def test_documents_in_force_on_a_date_with_both_ends_of_validity_included(store, date: str, expected: set) -> None:
    assert col(run(store, "documents-in-force", date=date), "document") == expected


@pytest.mark.parametrize(("date", "months", "expected"), [
    ("2025-07-01", "6", {D7, D000}),             # 2025-07-02 and 2025-12-31 are within 2026-01-01
    ("2025-06-30", "6", {D7}),                   # 2025-12-31 is after 2025-12-30
    ("2025-07-02", "1", {D7}),                   # ends on the very date
    ("2025-07-03", "6", {D000}),
    ("2027-01-01", "12", {J1, J2, J3, D20, D25}),
    ("2027-05-10", "6", set()),
])
def test_documents_expiring_within_n_months(store, date: str, months: str, expected: set) -> None:
    assert col(run(store, "documents-expiring", date=date, months=months), "document") == expected


def test_the_validity_of_each_document_is_read_from_its_own_words(store) -> None:
    rows = {r["document"]: r for r in run(store, "document-validity")}
    assert (rows[D7]["inForceFrom"], rows[D7]["inForceUntil"]) == ("2023-07-03", "2025-07-02")
    assert "试行期 2年" in rows[D7]["statement"]
    assert rows[D20]["inForceUntil"] == "2027-12-31" and "2027 年底" in rows[D20]["statement"]
    assert (rows[D67]["inForceFrom"], rows[D67]["inForceUntil"]) == ("2024-03-14", "2029-03-13")
    assert (rows[J1]["inForceFrom"], rows[J1]["inForceUntil"]) == ("2024-05-10", "2027-05-09")
    assert {d for d, r in rows.items() if r.get("noEndDateStated")} == {D12, D14, D22}


# -- thresholds and targets ------------------------------------------------------------

def test_every_area_threshold_across_documents(store) -> None:
    rows = run(store, "thresholds-on-property")  # property=pkg:floorArea
    assert col(rows, "clause", "comparator", "value") == {
        (f"{D000}/2/3", "gt", 3000),     # 建筑规模超过 3000 平方米
        (f"{D12}/2/1/1", "gt", 20000),   # 改造面积需超过 2万平方米
        (f"{D12}/2/1/2", "gt", 3000),    # 改造面积需超过 3000平方米
        (f"{D12}/2/1/3", "gt", 3000),    # 片区: 低效楼宇…超过 2 万 或 老旧厂房…超过 3000 (the common necessary part;
    }                                     # the per-component alternative is a non-checkable provision)


def test_investment_thresholds_differ_in_their_boundary(store) -> None:
    rows = run(store, "thresholds-on-property", property="pkg:fixedAssetInvestment")
    assert col(rows, "document", "comparator", "value") == {
        (D000, "ge", 500),  # (五) 固定资产投资不低于 500 万元: 500 qualifies
        (D20, "gt", 500),   # 八、当年固定资产投资超过 500 万元: 500 does not
    }


def test_the_auxiliary_facility_share_is_the_same_fifteen_percent_in_three_documents(store) -> None:
    rows = run(store, "repeated-thresholds")
    aux = [r for r in rows if r["property"] == "ontology#auxiliaryFacilityShare"]
    # 不超过地上总建筑规模 15% (措施 (四)), 不超过…地上总建筑面积的 15% (14号 三（四）1. and 67号 第十条)
    assert col(aux, "document", "comparator", "value", "documents") == {
        (D000, "le", Decimal("0.15"), 3), (D14, "le", Decimal("0.15"), 3), (D67, "le", Decimal("0.15"), 3)}
    assert col(rows, "property") == {"ontology#auxiliaryFacilityShare", "ontology#floorArea"}  # 500 万元: ge vs gt


def test_the_post_delivery_targets_of_old_factory_projects(store) -> None:
    rows = run(store, "post-delivery-targets")
    numeric = col([r for r in rows if r.get("value") is not None], "clause", "comparator", "value")
    assert numeric == {
        (f"{D12}/2/3/1", "ge", Decimal("0.7")),   # 老旧厂房改造项目入驻率应不低于 70%
        (f"{D12}/2/3/2", "ge", Decimal("0.4")),   # 不少于全部屋面水平投影 40%的面积安装太阳能光伏
        (f"{D12}/2/3/2", "ge", Decimal("0.15")),  # 综合节能率达到 15%以上
    }
    low = run(store, "post-delivery-targets", projectType="low-efficiency-building")
    assert (f"{D12}/2/3/1", "ge", Decimal("0.8")) in col(low, "clause", "comparator", "value")  # 不低于 80%


def test_the_declarations_the_texts_require(store) -> None:
    got = col(run(store, "required-declarations"), "document", "property", "severity")
    assert {(D12, "ontology#propertyRightsClear", "Violation"),     # 改造项目需产权清晰
            (D7, "ontology#landLegallyAcquired", "Violation"),      # 第五条（一）园区土地或空间依法取得
            (D7, "ontology#boundariesDefined", "Violation"),        # 四至范围明确
            (J3, "ontology#professionalEthics", "Violation"),       # 第五条（二）具备良好的职业道德
            (J3, "ontology#healthy", "Violation"),                  # 身体健康
            (J3, "ontology#academician", "Warning"),                # 年龄原则上不超过 70 周岁，院士…可不受年龄限制
            (D12, "ontology#wholeBuildingVacant", "Warning")} <= got  # one of four situations 重点支持


# -- documents, authorities, citations ----------------------------------------------------

def test_documents_by_authority_follow_the_issuers_printed_on_each_document(store) -> None:
    pairs = col(run(store, "documents-by-authority"), "authority", "document")
    by = {}
    for a, d in pairs:
        by.setdefault(a.removeprefix("org/"), set()).add(d)
    assert by == {
        "bj-eit": {D000, D14, D20, D22, D25, D67},  # 67号 is issued by five bodies, 25号 by two
        "bj-drc": {D12, D7, D67},
        "bj-pnr": {D7, D67},
        "bj-ca": {D25},
        "bj-hurd": {J1, J2, J3, D67},
        "bj-stc-zgc": {D67},
    }
    assert col(run(store, "documents-by-authority", authority="org/bj-ca"), "document") == {D25}


def test_the_documents_that_cite_the_2021_urban_renewal_opinions(store) -> None:
    rows = run(store, "document-citations", document="doc/jzf/2021/10")
    # 《关于实施城市更新行动的指导意见》（京政发〔2021〕10 号）: 老旧厂房措施 preamble, 14号 编制依据 4., 67号 preamble
    assert col(rows, "direction", "other") == {("cited-by", D000), ("cited-by", D14), ("cited-by", D67)}


def test_what_67_cites_and_who_cites_it(store) -> None:
    rows = run(store, "document-citations")  # document=doc/jgzf/2024/67
    cited = col([r for r in rows if r["direction"] == "cites"], "otherNumber")
    assert {"京政发〔2021〕10号", "京规自发〔2021〕139号", "京规自发〔2021〕79号", "京规自发〔2022〕118号",
            "DB11/996—2013"} <= cited
    titles = col([r for r in rows if r["direction"] == "cites"], "other")
    assert "doc/title/beijing-urban-renewal-regulations" in titles  # 依据《北京市城市更新条例》
    assert col([r for r in rows if r["direction"] == "cited-by"], "other") == {D14}  # 编制依据 8.


def test_the_gazette_carries_eight_documents_with_english_titles(store) -> None:
    rows = run(store, "gazette-documents")
    assert col(rows, "document") == {D14, D20, D22, D25, D67, J1, J2, J3}
    titles = {r["document"]: r["titleEn"] for r in rows}
    assert "Guidance on the Renovation of Old Industrial Buildings in Beijing" in titles[D14]
    assert "Urban Renewal Expert Committee" in titles[J3]


# -- clauses ------------------------------------------------------------------------------

def test_searching_clauses_for_double_support(store) -> None:
    rows = run(store, "clause-search")  # phrase=重复支持
    # the phrase is printed twice: the measures' preamble, and 7号 第十条 (found there and in its 第四章)
    assert col(rows, "clause") == {f"{D000}/p2", f"{D7}/4/10", f"{D7}/4"}
    assert col(run(store, "clause-search", phrase="不再予以支持"), "clause") == {f"{D12}/2/5", f"{D12}/2"}


def test_clauses_of_the_communications_administration_about_pue(store) -> None:
    rows = run(store, "clauses-by-authority")  # authority=org/bj-ca phrase=PUE
    # 25号 二、（四）PUE 值一般不超过 1.25… and 三、（四）降低 PUE、CUE 指标, each inside its chapter
    assert col(rows, "clause") == {f"{D25}/2/4", f"{D25}/3/4", f"{D25}/2", f"{D25}/3"}
    everything = run(store, "clauses-by-authority", phrase="")
    assert len(everything) > len(rows) and col(everything, "document") == {D25}


def test_the_source_anomalies_are_the_skipped_and_repeated_articles(store) -> None:
    rows = run(store, "source-anomalies")
    # 67号 第十条 -> 第十二条 (no 第十一条), 第十四条 printed twice; 京建法3号 第十条 -> 第十二条
    assert col(rows, "document", "kind", "missingLabel") == {
        (D67, "missing-number", "第十一条"), (D67, "duplicate-label", None), (J3, "missing-number", "第十一条")}
    assert col([r for r in rows if r["kind"] == "duplicate-label"], "on") == {f"{D67}/2/14", f"{D67}/2/14-2"}


def test_recorded_ambiguities_include_the_ones_the_texts_really_leave_open(store) -> None:
    rows = run(store, "recorded-ambiguities")
    clauses = col(rows, "clause")
    assert f"{D12}/2/4/2" in clauses   # 总金额不超过 5000 万元: per project or per applicant?
    assert f"{D000}/2/3" in clauses    # 按照现行政策予以支持: no rate
    assert f"{D7}/4/11" in clauses     # does 最高不超过 5000万元 close only the 30% part?
    assert col(run(store, "recorded-ambiguities", document=D7), "document") == {D7}


def test_each_recorded_ambiguity_comes_with_its_own_reading_once(store) -> None:
    rows = run(store, "recorded-ambiguities", document=D12)
    loan = sorted((r["ambiguity"][:40], r["chosenReading"][:30]) for r in rows
                  if r["provision"] == f"{D12}/measure/loan-interest-subsidy")
    # 二（四）2: 总金额不超过 5000万元 (per project or per applicant?) and 按照 LPR (which LPR?): two ambiguities,
    # each with the reading chosen for it, and not the four pairs of every ambiguity with every reading
    assert loan == [("'At LPR' does not say which LPR (1-year ", "The applicant declares the LPR"),
                    ("'Total amount at most 5000万' does not sa", "Per project, like the investme")]
    every = run(store, "recorded-ambiguities")
    pairs = [(r["provision"], r["ambiguity"]) for r in every]
    assert len(pairs) == len(set(pairs)), "an ambiguity listed twice"
    assert all(r["chosenReading"] for r in every), "an ambiguity without its reading"


def test_what_no_machine_can_check_includes_low_occupancy(store) -> None:
    rows = run(store, "non-checkable-provisions", document=D12)
    # 二（一）1. 正在使用但入驻率偏低: "偏低" has no number
    low = [r for r in rows if r["provision"] == f"{D12}/criterion/low-occupancy"]
    assert low and low[0]["clause"] == f"{D12}/2/1/1" and "threshold" in low[0]["reason"]
    assert col(rows, "document") == {D12}
