"""The library's as-of parameter, labels, certification/listing query and "what does document X change" query
(issue 14, item 5), against answers derived by hand from policies/sources/*.txt.

Validity dates, as encoded from the texts: 老旧厂房措施 (D000) "在 2022-2025 年内有效" -> 2022-01-01..2025-12-31;
7号 "自印发之日起实施，试行期 2 年" -> 2023-07-03..2025-07-02; 12号 "自印发之日起施行" -> from 2023-08-31, no end;
20号 in force from 2024-04-16.
"""
from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest

from policykg.store import OxiStore
from tests.queries.test_library import D000, D7, D12, D20, ROOT, col, run

J2 = "doc/jjf/2024/2"
OLD12 = f"{D12}/measure/investment-subsidy-old-factory-and-infrastructure"
LOAN12 = f"{D12}/measure/loan-interest-subsidy"
OLD7 = f"{D7}/measure/renovation-support-old-factory-and-infrastructure"
SPACE = f"{D000}/measure/space-upgrade-support"
PREMISES = {f"{D000}/measure/{m}" for m in ("advanced-manufacturing-completion-award", "finance-lease-subsidy",
                                            "pilot-line-award", "srdi-park-construction-grant",
                                            "srdi-park-performance-award")}


# -- as-of --------------------------------------------------------------------------------

@pytest.mark.parametrize(("as_of", "expected"), [
    ("2023-07-02", {SPACE, *PREMISES}),                 # only the 2022 measures are in force
    ("2023-07-03", {SPACE, *PREMISES, OLD7}),           # 7号 印发之日 2023-07-03
    ("2023-08-30", {SPACE, *PREMISES, OLD7}),
    ("2023-08-31", {SPACE, *PREMISES, OLD7, OLD12, LOAN12}),  # 12号 from its date 2023-08-31
    ("2025-07-02", {SPACE, *PREMISES, OLD7, OLD12, LOAN12}),  # 7号 试行期 2 年: its last day
    ("2025-07-03", {SPACE, *PREMISES, OLD12, LOAN12}),
    ("2025-12-31", {SPACE, *PREMISES, OLD12, LOAN12}),  # 在 2022-2025 年内有效: its last day
    ("2026-01-01", {OLD12, LOAN12}),
])
def test_measures_for_old_factories_as_of_a_date_are_those_of_the_documents_then_in_force(
        store, as_of: str, expected: set[str]) -> None:
    rows = run(store, "measures-for-project-type", asOf=as_of)
    assert col(rows, "measure") == expected
    assert col(rows, "asOf") == {as_of}


def test_without_an_as_of_date_every_document_counts_in_force_or_not(store) -> None:
    rows = run(store, "measures-for-project-type")
    assert col(rows, "measure") == {SPACE, *PREMISES, OLD7, OLD12, LOAN12}
    assert col(rows, "asOf") == {None}


def test_each_measure_comes_with_its_zh_and_en_labels_and_its_documents_dates(store) -> None:
    rows = {r["measure"]: r for r in run(store, "measures-for-project-type")}
    pilot = rows[f"{D000}/measure/pilot-line-award"]
    assert (pilot["label"], pilot["labelEn"]) == ("利用老旧厂房的中试线项目奖励", "Award for pilot production lines in old factories")
    assert (pilot["projectTypeLabel"], pilot["projectTypeLabelEn"]) == ("老旧厂房改造", "old-factory renovation")
    assert (pilot["rateBaseLabel"], pilot["inForceFrom"], pilot.get("inForceUntil")) == ("固定资产投资", "2022-01-01", "2025-12-31")
    assert pilot["documentTitle"] == "关于促进本市老旧厂房更新利用的若干措施"
    old12 = rows[OLD12]
    assert (old12["documentNumber"], old12["dateDocument"], old12.get("inForceUntil")) == ("京发改规〔2023〕12号", "2023-08-31", None)
    assert all(r["label"] and r["labelEn"] for r in rows.values())


def test_the_pilot_line_award_keeps_its_own_project_type_beside_the_premises(store) -> None:
    rows = run(store, "measures-for-project-type", projectType="pilot-line")
    # (七) is the pilot-line measure (what eligibility checks) and also, by 利用老旧厂房, an old-factory one
    assert col(rows, "link", "measure") == {("project-type", f"{D000}/measure/pilot-line-award")}


@pytest.mark.parametrize(("as_of", "expected"), [
    ("2023-07-02", None),             # 2022: (三) 5000 万元 is a ceiling, not a cap of its own: no old-factory cap
    ("2023-07-03", {OLD7}),           # 7号 第十一条 最高不超过 5000万元
    ("2025-07-02", {OLD7, OLD12, LOAN12}),
    ("2026-01-01", {OLD12, LOAN12}),  # 12号 二（四）1./2. 5000万元
])
def test_the_highest_old_factory_cap_as_of_a_date(store, as_of: str, expected: set[str] | None) -> None:
    rows = run(store, "highest-cap-per-project-type", projectType="old-factory", asOf=as_of)
    if expected is None:
        assert rows == []
        return
    assert col(rows, "measure") == expected and col(rows, "maxCap") == {Decimal(5000)}
    assert col(rows, "projectTypeLabel", "projectTypeLabelEn") == {("老旧厂房改造", "old-factory renovation")}


def test_a_larger_cap_of_a_document_no_longer_in_force_does_not_hide_the_highest_cap_in_force() -> None:
    s = OxiStore(None)
    s.ensure_corpus(ROOT)
    B, P, E = "https://w3id.org/policykg/", "https://w3id.org/policykg/ontology#", "http://data.europa.eu/eli/ontology#"
    g, doc, m = ox.NamedNode(B + "graph/doc/test-expired"), ox.NamedNode(B + "doc/test/expired"), ox.NamedNode(B + "doc/test/m")
    date = lambda v: ox.Literal(v, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))  # noqa: E731
    s.replace_graph(g.value, [ox.Quad(*t, g) for t in [
        (doc, ox.NamedNode(E + "first_date_entry_in_force"), date("2020-01-01")),
        (doc, ox.NamedNode(E + "date_no_longer_in_force"), date("2020-12-31")),
        (m, ox.NamedNode(P + "appliesToProjectType"), ox.NamedNode(B + "concept/project-type/pilot-line")),
        (m, ox.NamedNode(P + "cap"), ox.Literal("9000.0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))),
        (m, ox.NamedNode(P + "definedIn"), doc),
        (m, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), ox.NamedNode(B + "doc/test/expired/1"))]])
    assert col(run(s, "highest-cap-per-project-type", projectType="pilot-line"), "maxCap") == {Decimal(9000)}
    # (七) 单个项目奖励金额最高不超过 3000 万元 is the highest cap in force in 2024
    rows = run(s, "highest-cap-per-project-type", projectType="pilot-line", asOf="2024-01-01")
    assert col(rows, "measure", "maxCap") == {(f"{D000}/measure/pilot-line-award", Decimal(3000))}


def test_measure_combinations_as_of_a_date_keep_only_pairs_of_documents_in_force(store) -> None:
    # 2023-07-03: 7号 第十一条 and the 2022 (三) only; 7号 第十七条 / the 2022 p2 forbid other municipal funds
    rows = run(store, "measure-combinations", asOf="2023-07-03")
    assert col(rows, "measure1", "measure2", "reason") == {(OLD7, SPACE, "no-double-funding")}
    # 2025-07-03: 7号 has lapsed; 12号 二（四）可以申请其中一种支持方式 (exclusive), 二（五）no double funding
    rows = run(store, "measure-combinations", asOf="2025-07-03")
    assert col(rows, "measure1", "measure2", "reason") == {(OLD12, LOAN12, "exclusive"), (OLD12, SPACE, "no-double-funding"),
                                                           (LOAN12, SPACE, "no-double-funding")}
    first = next(r for r in rows if r["measure2"] == LOAN12)
    assert (first["measure1Label"], first["measure2LabelEn"], first["document1Number"]) == \
        ("老旧厂房改造和配套基础设施改造项目投资补助", "Loan-interest subsidy for renovation projects", "京发改规〔2023〕12号")


# -- certifications and listings ------------------------------------------------------------

def test_the_measures_requiring_a_certification_or_a_listing_include_20s_green_manufacturing_list(store) -> None:
    rows = run(store, "measures-requiring-certification-or-listing")
    by_kind = lambda k: {(r["measure"], r["criterion"], r["clause"]) for r in rows if r["recognition"] == k}  # noqa: E731
    # 7号 第六条（二）1. 获得国家高新技术企业、国家级专精特新"小巨人"企业、北京市"专精特新"中小企业称号之一
    assert by_kind("certification") == {(f"{D7}/measure/pilot-enterprise-growth", f"{D7}/criterion/growth-certification",
                                          f"{D7}/2/6/2/1")}
    assert col([r for r in rows if r["recognition"] == "certification"], "allowedValue", "allowedValueLabel") == {
        ("concept/certification/national-high-tech", "国家高新技术企业"),
        ("concept/certification/little-giant", "国家级专精特新“小巨人”企业"),
        ("concept/certification/beijing-srdi", "北京市“专精特新”中小企业")}
    # 20号 三、(三) 对入围国家和市级绿色制造单位名单和国家能效水效领跑者名单的企业…奖励资金支持比例提高至不超过项目总投资的 30%
    listed = f"{D20}/criterion/green-manufacturing-listed"
    assert by_kind("enterprise-list") == {(f"{D20}/measure/{m}-listed", listed, f"{D20}/3/3")
                                          for m in ("energy-saving-reward", "data-center-retrofit-reward", "green-retrofit-reward")}
    projects = by_kind("project-list")
    # (五) 对于纳入《北京市老旧厂房改造再利用台账》…的竣工项目
    assert (f"{D000}/measure/advanced-manufacturing-completion-award",
            f"{D000}/criterion/advanced-manufacturing-in-ledger", f"{D000}/3/5") in projects
    # (一) 享受本措施支持的项目也应纳入高精尖产业项目库
    assert (f"{D000}/measure/pilot-line-award", f"{D000}/criterion/in-high-tech-project-database", f"{D000}/1/1") in projects
    # (九) 对于纳入城市更新计划的老旧厂房更新改造项目，依法享受行政事业性收费减免
    assert (f"{D000}/measure/administrative-fee-reduction", f"{D000}/criterion/in-urban-renewal-plan", f"{D000}/4/9") in projects
    # 京建法〔2024〕2号 第十九条 纳入本市城市更新计划的项目，可以享受以下政策支持
    assert (f"{J2}/measure/fee-waiver", f"{J2}/criterion/in-urban-renewal-plan", f"{J2}/3/19") in projects
    assert col(rows, "softened") == {False}


def test_the_certification_query_filters_on_one_kind_and_on_a_date(store) -> None:
    lists = run(store, "measures-requiring-certification-or-listing", recognition="enterprise-list")
    assert col(lists, "recognition") == {"enterprise-list"} and len(col(lists, "measure")) == 3
    assert col(lists, "propertyLabel", "propertyLabelEn") == {("绿色制造名单", "green manufacturing listed")}
    # 20号 is in force from 2024-04-16; 7号 lapsed after 2025-07-02
    assert run(store, "measures-requiring-certification-or-listing", recognition="enterprise-list", asOf="2024-04-15") == []
    assert run(store, "measures-requiring-certification-or-listing", recognition="certification", asOf="2025-07-03") == []
    assert run(store, "measures-requiring-certification-or-listing", recognition="certification", asOf="2025-07-02")


# -- what a document changes ----------------------------------------------------------------

def test_what_12_changes_for_old_factories_adds_its_two_funding_modes_and_leaves_earlier_measures(store) -> None:
    rows = run(store, "document-changes-for-project-type")  # document=12号, projectType=old-factory
    added = {r["item"]: (r.get("rate"), r.get("cap")) for r in rows if r["change"] == "adds" and r["itemType"] == "measure"}
    assert added == {
        OLD12: (Decimal("0.3"), Decimal(5000)),  # 二（四）1. 按照固定资产投资总额 30%…最高不超过 5000万元
        LOAN12: (None, Decimal(5000)),           # 二（四）2. 贷款贴息…总金额不超过 5000万元
        f"{D12}/measure/green-project-library": (None, None),  # 四（二）1. 纳入北京绿色交易所企业碳账户和绿色项目库
    }
    # 二（一）2. 老旧厂房…建筑面积不低于 5000平方米 is one of the criteria it adds
    assert (f"{D12}/criterion/old-factory-area", f"{D12}/2/1/2") in col(
        [r for r in rows if r["itemType"] == "criterion"], "item", "clause")
    # 12号 names no earlier document it amends or repeals: the 2022 measures and 7号 (in force until 2025-07-02)
    # stay; whether they combine with the new ones is measure-combinations' answer (二（五）no double funding)
    unchanged = {r["item"] for r in rows if r["change"] == "unchanged"}
    assert {SPACE, *PREMISES, OLD7} <= unchanged
    assert {r["earlierDocument"] for r in rows if r["change"] == "unchanged"} == {D000, D7}
    assert not [r for r in rows if r["change"] in ("amends", "supersedes")]
    assert col([r for r in rows if r["item"] == OLD12], "itemLabel", "itemLabelEn") == {
        ("老旧厂房改造和配套基础设施改造项目投资补助", "Investment subsidy for old-factory and supporting-infrastructure renovation")}


def test_what_20_changes_for_energy_saving_retrofits_is_the_raised_rate_for_listed_enterprises(store) -> None:
    rows = run(store, "document-changes-for-project-type", document=D20, projectType="energy-saving")
    # 二、(一) 按照项目节能量给予不超过1200元/吨标准煤…不超过…项目总投资的25%…单个项目奖励资金最高不超过3000万元
    # 三、(三) 对入围…名单的企业…奖励资金支持比例提高至不超过项目总投资的 30%
    assert col([r for r in rows if r["itemType"] == "measure"], "change", "item", "rate", "earlier") == {
        ("adds", f"{D20}/measure/energy-saving-reward", Decimal("0.25"), None),
        ("adds", f"{D20}/measure/energy-saving-reward-listed", Decimal("0.3"), None),
        ("amends", f"{D20}/measure/energy-saving-reward-listed", None, f"{D20}/measure/energy-saving-reward"),
    }
    assert not [r for r in rows if r["change"] == "unchanged"]  # no earlier document funds energy-saving retrofits


def test_the_2022_measures_change_nothing_earlier_and_7_leaves_the_2022_measures(store) -> None:
    first = run(store, "document-changes-for-project-type", document=D000)
    assert {r["change"] for r in first} == {"adds"}
    assert {r["item"] for r in first if r["itemType"] == "ceiling"} == {f"{D000}/rule/space-upgrade-ceiling"}  # (三) 5000
    seven = run(store, "document-changes-for-project-type", document=D7)
    # 7号 (2023-07-03) is earlier than 12号 (2023-08-31): only the 2022 measures were there before it
    assert {r["earlierDocument"] for r in seven if r["change"] == "unchanged"} == {D000}
    assert {r["item"] for r in seven if r["change"] == "adds" and r["itemType"] == "measure"} >= {OLD7}


# -- as-of on the other queries where validity matters ---------------------------------------

def test_the_finance_lease_subsidy_lapses_with_the_2022_measures(store) -> None:
    # (五) 按照不超过 5%费率分年度补贴; 本措施…在 2022-2025 年内有效
    lease = f"{D000}/measure/finance-lease-subsidy"
    rows = run(store, "measures-by-kind", kind="finance-lease-subsidy", asOf="2025-12-31")
    assert col(rows, "measure", "label", "labelEn") == {
        (lease, "融资租赁关键设备和产线费率补贴", "Finance-lease fee subsidy for key equipment and production lines")}
    assert run(store, "measures-by-kind", kind="finance-lease-subsidy", asOf="2026-01-01") == []


def test_per_unit_measures_begin_with_20(store) -> None:
    # 20号 一、(二) 每服务1家企业给予不超过12万元…; 二、(一)(三) 不超过1200元/吨标准煤: in force from 2024-04-16
    assert run(store, "per-unit-measures", asOf="2024-04-15") == []
    rows = run(store, "per-unit-measures", asOf="2024-04-16")
    assert len(col(rows, "measure")) == 6 and all(r["label"] and r["labelEn"] for r in rows)


def test_floor_area_thresholds_in_force_before_7_are_the_2022_one_only(store) -> None:
    # (三) 对于建筑规模超过 3000 平方米…的重点项目 (2022); 7号 and 12号 were not yet in force on 2023-07-02
    rows = run(store, "thresholds-on-property", asOf="2023-07-02")
    assert col(rows, "criterion", "comparator", "value", "labelZh", "propertyLabelEn") == {
        (f"{D000}/criterion/space-upgrade-area", "gt", Decimal(3000), "建筑规模超过 3000 平方米", "floor area renovated")}
    assert len(col(run(store, "thresholds-on-property", asOf="2023-08-31"), "criterion")) > 1


def test_post_delivery_targets_for_old_factories_start_with_12(store) -> None:
    # 12号 二（三）1./2. 入驻率、光伏、综合节能率 (from 2023-08-31); 67号 第二十六、二十七条 履约 (from 2024-03-14)
    assert run(store, "post-delivery-targets", asOf="2023-08-30") == []
    rows = run(store, "post-delivery-targets", asOf="2023-08-31")
    assert {r["target"].rsplit("/", 1)[-1] for r in rows} == {
        "comprehensive-energy-saving-rate", "major-projects-and-key-enterprises", "occupancy-old-factory", "pv-roof-coverage"}
    assert col(rows, "projectTypeLabel") == {"老旧厂房改造"}


def test_no_double_funding_rules_as_of_a_date(store) -> None:
    # 2022 p2 对已获得市级其他财政资金支持的项目，不再重复支持 (the only rule before 7号, 2023-07-03)
    assert col(run(store, "no-double-funding-rules", asOf="2023-07-02"), "rule", "clause") == {
        (f"{D000}/rule/no-double-funding", f"{D000}/p2")}
    # 12号 二（五）通过其他渠道获得过市级财政性资金支持的项目，不再予以支持 (no end date); 7号 and 2022 have lapsed
    rows = run(store, "no-double-funding-rules", asOf="2026-01-01")
    assert col(rows, "rule", "clause") == {(f"{D12}/rule/no-double-funding", f"{D12}/2/5")}
    assert all(r["measureLabel"] and r["measureLabelEn"] for r in rows)


def test_exclusive_pairs_of_20_appear_when_20_comes_into_force(store) -> None:
    # 20号 三（三）…提高至不超过项目总投资的 30%: the base or the raised rate (in force from 2024-04-16)
    pair = (f"{D20}/measure/energy-saving-reward", f"{D20}/measure/energy-saving-reward-listed")
    assert pair not in col(run(store, "exclusive-measure-pairs", asOf="2024-04-15"), "measure1", "measure2")
    rows = run(store, "exclusive-measure-pairs", asOf="2024-04-16")
    assert pair in col(rows, "measure1", "measure2")
    # 7号 第十一条 对低效楼宇改造项目…10%…对老旧厂房改造…30%: encoded pkg:exclusiveWith (one rate per project);
    # 试行期 2 年, to 2025-07-02
    seven = (f"{D7}/measure/renovation-support-low-efficiency-building", OLD7)
    assert seven in col(rows, "measure1", "measure2")
    assert seven not in col(run(store, "exclusive-measure-pairs", asOf="2025-07-03"), "measure1", "measure2")
    assert all(r["measure1Label"] and r["measure2LabelEn"] for r in rows)


# -- required-declarations as of a date -------------------------------------------------------------------
# 7号 第二十条 本办法自印发之日起实施，试行期 2年 (encoded 2023-07-03 … 2025-07-02, inclusive);
# 京建法〔2024〕2号/3号 第十三条 本办法自 2024 年 5 月 10 日起施行，有效期 3 年 (2024-05-10 … 2027-05-09).

@pytest.mark.parametrize(("as_of", "d7", "j2"), [
    ("2023-07-02", False, False),   # the day before 7号 is issued
    ("2023-07-03", True, False),    # 7号's first day; 京建法 not yet in force
    ("2025-07-02", True, True),     # 7号's last day of its two-year trial
    ("2025-07-03", False, True),    # 7号 no longer in force
])
def test_the_declarations_an_applicant_must_make_as_of_a_date(store, as_of: str, d7: bool, j2: bool) -> None:
    docs = col(run(store, "required-declarations", asOf=as_of), "document")
    assert (D7 in docs) is d7 and (J2 in docs) is j2
    assert D000 in docs  # the 2022 old-factory measures set no end of validity


def test_required_declarations_carry_labels_beside_their_iris(store) -> None:
    rows = run(store, "required-declarations")
    assert all(r.get("propertyLabel") and r.get("documentTitle") for r in rows)
    # 12号 二(一)1. 现状功能定位或经营业态不符合城市发展功能需求 (one alternative of the low-efficiency condition)
    row = next(r for r in rows if r["criterion"] == f"{D12}/criterion/function-mismatch")
    assert (row["propertyLabel"], row["propertyLabelEn"]) == ("功能定位不符", "function mismatch")
    assert row["documentTitle"] == "关于加强腾退低效产业空间改造利用促进产业高质量发展的实施方案"
    assert len({r["criterion"] for r in rows}) == len({r["criterion"] for r in run(store, "required-declarations",
                                                                                   asOf="2025-07-02")})


def test_the_criteria_of_a_measure_carry_labels_beside_the_measure_and_the_property(store) -> None:
    # 12号 二(四)1. 老旧厂房改造和配套基础设施改造项目投资补助 … 改造面积不低于3000平方米
    rows = run(store, "criteria-of-measure")
    area = next(r for r in rows if r["criterion"] == f"{D12}/criterion/old-factory-area")
    assert (area["propertyLabel"], area["propertyLabelEn"]) == ("改造面积", "floor area renovated")
    assert area["measureLabel"] == "老旧厂房改造和配套基础设施改造项目投资补助"
    assert all(r.get("propertyLabel") for r in rows if r.get("property"))
