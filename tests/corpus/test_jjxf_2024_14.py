"""京经信发〔2024〕14号 (北京市老旧厂房更新导则): facts derived by hand from the text."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.corpus.kit import PFX, one
from tests.corpus.kit import clause_text as text_of
from tests.corpus.kit import derived_clause as _derived_clause
from tests.corpus.kit import objs as vals

B = "https://w3id.org/policykg/"
DOC = B + "doc/jjxf/2024/14"
M = DOC + "/measure/"
C = DOC + "/constraint/"


def derived_clause(store: Any, iri: str) -> str:
    return _derived_clause(store, iri, DOC)



def test_the_guideline_is_dated_25_march_2024_with_no_end_date(store: Any) -> None:
    assert one(store, DOC, "eli:id_local") == "京经信发〔2024〕14号"
    assert one(store, DOC, "eli:date_document") == "2024-03-25"
    assert one(store, DOC, "eli:first_date_entry_in_force") == "2024-03-25"
    assert one(store, DOC, "pkg:noEndDateStated") == "true"
    assert vals(store, DOC, "eli:date_no_longer_in_force") == []
    assert one(store, DOC, "pkg:validityDerivedFrom") == DOC + "/notice"
    assert "2024年3月25日" in text_of(store, DOC + "/notice")


def test_the_guideline_is_issued_by_the_bureau_and_published_in_the_gazette(store: Any) -> None:
    assert vals(store, DOC, "eli:passed_by") == [B + "org/bj-eit"]
    assert one(store, DOC, "eli:published_in") == B + "pub/bjgb/2024/25"
    titles = vals(store, DOC, "eli:title")
    assert "北京市老旧厂房更新导则" in titles
    assert "Guidance on the Renovation of Old Industrial Buildings in Beijing" in titles


# 编制依据 1.–8. and the later 按照…执行 references: IRI -> (number or None, title)
CITED = {
    "doc/title/beijing-urban-renewal-regulations": (None, "北京市城市更新条例"),
    "doc/title/beijing-urban-rural-planning-regulations": (None, "北京市城乡规划条例"),
    "doc/jzf/2022/20": ("京政发〔2022〕20号", "北京市城市更新专项规划"),
    "doc/jzf/2021/10": ("京政发〔2021〕10号", "关于实施城市更新行动的指导意见"),
    "doc/jgzf/2022/118": ("京规自发〔2022〕118号", "关于明确社会投资工程建设项目审批工作要求的通知"),
    "doc/jbf/2021/20": ("京办发〔2021〕20号", "北京市城市更新行动计划(2021—2025年)"),
    "doc/jzbz/2023/8": ("京政办字〔2023〕8号", "北京市实施城市更新行动三年工作方案(2023—2025年)"),
    "doc/jgzf/2021/139": ("京规自发〔2021〕139号", "关于开展老旧厂房更新改造工作的意见"),
    "doc/jjf/2018/11": ("京建法〔2018〕11号", "关于发展租赁型职工集体宿舍的意见(试行)"),
    "doc/title/beijing-existing-building-renovation-fire-design-guide-2023": (None, "北京市既有建筑改造工程消防设计指南(2023年版)"),
}


def test_the_guideline_cites_every_basis_and_referenced_document(store: Any) -> None:
    expected = sorted([B + k for k in CITED] + [B + "doc/jgzf/2024/67"])
    assert vals(store, DOC, "eli:cites") == expected


@pytest.mark.parametrize("iri", sorted(CITED))
def test_each_cited_document_outside_the_corpus_has_a_minimal_record(store: Any, iri: str) -> None:
    number, title = CITED[iri]
    assert one(store, B + iri, "pkg:inCorpus") == "false"
    assert title in vals(store, B + iri, "eli:title")
    assert vals(store, B + iri, "eli:id_local") == ([number] if number else [])


def test_the_basis_67_is_the_corpus_document_and_its_clause_lists_it(store: Any) -> None:
    assert store.ask(PFX + f"ASK {{ ?c eli:is_part_of <{B}doc/jgzf/2024/67> }}")
    assert "京规自发〔2024〕67号" in text_of(store, DOC + "/1/1/8")
    for k, (number, _title) in CITED.items():
        if number and k not in ("doc/jgzf/2021/139", "doc/jjf/2018/11"):
            assert any(number in text_of(store, f"{DOC}/1/1/{i}") for i in range(1, 9)), number


def test_auxiliary_facilities_are_at_most_15_percent_of_above_ground_area(store: Any) -> None:
    c = C + "auxiliary-facility-share"
    crit = one(store, c, "pkg:hasCriterion")
    assert one(store, crit, "pkg:onProperty") == B + "ontology#auxiliaryFacilityShare"
    assert one(store, crit, "pkg:comparator") == "le"  # 不超过: inclusive
    assert Decimal(one(store, crit, "pkg:thresholdValue")) == Decimal("0.15")
    assert vals(store, crit, "pkg:softened") == []
    assert "不超过更新改造后地上总建筑面积的15%" in text_of(store, derived_clause(store, crit))
    assert one(store, c, "pkg:appliesToProjectType") == B + "concept/project-type/old-factory"


def test_low_utilisation_means_vacant_area_over_50_percent_and_is_not_machine_checkable(store: Any) -> None:
    c = C + "old-factory-definition"
    assert one(store, c, "pkg:comparator") == "gt"  # 超过: strict
    assert Decimal(one(store, c, "pkg:thresholdValue")) == Decimal("0.50")
    assert one(store, c, "pkg:machineCheckable") == "false"
    assert "空置、闲置面积超过建筑面积的50%" in text_of(store, derived_clause(store, c))


def test_single_storey_factories_should_stay_below_three_storeys_softened(store: Any) -> None:
    c = C + "single-storey-floor-addition-limit"
    assert one(store, c, "pkg:comparator") == "lt"  # 三层及以上 is discouraged: fewer than 3
    assert Decimal(one(store, c, "pkg:thresholdValue")) == Decimal("3")
    assert one(store, c, "pkg:softened") == "true"
    assert "单层厂房不宜改造成三层及以上空间" in text_of(store, derived_clause(store, c))


@pytest.mark.parametrize("name,word", [
    ("renewal-modes", "鼓励"),
    ("location-industry-orientation", "原则上"),
    ("single-storey-floor-addition-limit", "不宜"),
    ("green-building-standard", "鼓励"),
])
def test_softened_statements_are_marked_softened(store: Any, name: str, word: str) -> None:
    assert one(store, C + name, "pkg:softened") == "true"
    assert word in text_of(store, derived_clause(store, C + name))


MEASURE_CLAUSES = {
    "auxiliary-facility-land-use-unchanged": ("3/4/1", "不改变规划用地性质和土地用途管理"),
    "floor-addition-permitted": ("3/4/2", "可以经依法批准后合理利用厂房内部空间进行加层改造"),
    "ancillary-area-not-counted": ("3/4/3", "不计入各区建筑管控规模"),
    "demolition-rebuild-route-choice": ("4/1", "也可以按照城市更新项目流程实施"),
    "interior-renovation-no-planning-approval": ("4/3/1/1", "无需办理规划审批手续"),
    "change-of-use-no-repeat-consultation": ("4/3/2", "不再征求前期研究阶段已参与各部门的意见"),
    "low-risk-project-approval": ("4/3/3", "属于低风险工程建设项目"),
}


@pytest.mark.parametrize("name", sorted(MEASURE_CLAUSES))
def test_each_non_monetary_measure_comes_from_its_clause(store: Any, name: str) -> None:
    path, needle = MEASURE_CLAUSES[name]
    clause = derived_clause(store, M + name)
    assert clause == f"{DOC}/{path}"
    assert needle in text_of(store, clause)
    assert one(store, M + name, "pkg:kind") == "non-monetary"
    assert one(store, M + name, "pkg:slug") == f"jjxf-2024-14-{name}"


def test_the_guideline_creates_no_monetary_support(store: Any) -> None:
    rows = store.select(PFX + f"SELECT ?m ?k WHERE {{ ?m pkg:definedIn <{DOC}> ; pkg:kind ?k }}")
    assert sorted(r["m"].value.removeprefix(M) for r in rows) == sorted(MEASURE_CLAUSES)
    assert {r["k"].value for r in rows} == {"non-monetary"}


def test_the_land_use_facilitation_is_tied_to_the_15_percent_rule(store: Any) -> None:
    assert one(store, M + "auxiliary-facility-land-use-unchanged", "pkg:hasCriterion") == \
        DOC + "/criterion/auxiliary-facility-share-max-15"


def test_every_provision_comes_from_a_clause_of_this_document_and_non_checkable_ones_say_why(store: Any) -> None:
    rows = store.select(PFX + f"SELECT ?p WHERE {{ ?p pkg:definedIn <{DOC}> }}")
    assert len(rows) >= 30
    for r in rows:
        derived_clause(store, r["p"].value)
    rows = store.select(PFX + f"""SELECT ?p WHERE {{ ?p pkg:definedIn <{DOC}> ; pkg:machineCheckable false .
        FILTER NOT EXISTS {{ ?p pkg:notCheckableReason ?r FILTER(lang(?r) = "en") }} }}""")
    assert rows == []
