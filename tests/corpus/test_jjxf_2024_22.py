"""京经信发〔2024〕22号 (信息软件产业创新发展高地行动方案): facts derived by hand from the text."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.corpus.kit import PFX, one
from tests.corpus.kit import clause_text as text_of
from tests.corpus.kit import derived_clause as _derived_clause
from tests.corpus.kit import objs as vals

B = "https://w3id.org/policykg/"
DOC = B + "doc/jjxf/2024/22"
M = DOC + "/measure/"
T = DOC + "/target/"


def derived_clause(store: Any, iri: str) -> str:
    return _derived_clause(store, iri, DOC)



def test_the_action_plan_is_dated_19_april_2024_with_no_end_date(store: Any) -> None:
    assert one(store, DOC, "eli:id_local") == "京经信发〔2024〕22号"
    assert one(store, DOC, "eli:date_document") == "2024-04-19"
    assert one(store, DOC, "eli:first_date_entry_in_force") == "2024-04-19"
    assert one(store, DOC, "pkg:noEndDateStated") == "true"
    assert vals(store, DOC, "eli:date_no_longer_in_force") == []
    assert "2024年4月19日" in text_of(store, one(store, DOC, "pkg:validityDerivedFrom"))


def test_the_action_plan_has_its_issuer_gazette_and_english_title(store: Any) -> None:
    assert vals(store, DOC, "eli:passed_by") == [B + "org/bj-eit"]
    assert one(store, DOC, "eli:published_in") == B + "pub/bjgb/2024/25"
    assert "Action Plan for Accelerating the Construction of an Innovation Highland of Information and Software Industry in Beijing" in vals(store, DOC, "eli:title")
    assert vals(store, DOC, "eli:cites") == []


# target -> (comparator, value, unit, the words of 二、主要目标 that give it)
TARGETS = {
    "industry-revenue-4-8-trillion": ("ge", "480000000", "万元", "营业收入达到4.8万亿元"),
    "hundred-billion-enterprises-4": ("ge", "4", "enterprises", "千亿级信息软件企业不少于4家"),
    "ten-billion-enterprises-35": ("ge", "35", "enterprises", "百亿级信息软件企业不少于35家"),
    "agents-and-industry-models-20": ("eq", "20", "agents and industry models", "10个领域形成20个左右"),
    "ai-scenario-labs-10": ("eq", "10", "laboratories", "设立10家左右人工智能场景应用实验室"),
    "key-software-enterprises-with-llm-30pct": ("ge", "0.30", "share", "占比30%的规模以上关键软件企业"),
    "metaverse-enterprises-10": ("ge", "10", "enterprises", "培育10家以上数字人"),
    "metaverse-experience-points-10": ("eq", "10", "experience points", "打造10家左右元宇宙商圈"),
    "data-ware-products-1000": ("ge", "1000", "products", "培育1000款以上数件"),
    "data-ware-providers-100": ("eq", "100", "enterprises", "100家左右数件服务商"),
    "overseas-hit-software-50": ("ge", "50", "products", "培育50款以上海外软件爆品"),
    "open-source-software-10": ("eq", "10", "software projects", "贡献10款左右全球知名开源软件"),
    "open-source-benchmark-enterprises-20": ("ge", "20", "enterprises", "培育20家以上开源项目商业化研发标杆企业"),
}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_each_2027_target_has_the_printed_number_and_boundary(store: Any, name: str) -> None:
    comparator, value, unit, words = TARGETS[name]
    t = T + name
    assert one(store, t, "pkg:comparator") == comparator
    assert Decimal(one(store, t, "pkg:thresholdValue")) == Decimal(value)
    assert one(store, t, "pkg:unit") == unit
    assert one(store, t, "pkg:machineCheckable") == "false"
    clause = derived_clause(store, t)
    assert clause == DOC + "/2"
    assert words in text_of(store, clause)


def test_the_plan_has_exactly_these_targets(store: Any) -> None:
    rows = store.select(PFX + f"""SELECT DISTINCT ?t WHERE {{ ?t pkg:definedIn <{DOC}> ; pkg:thresholdValue ?v .
        FILTER(STRSTARTS(STR(?t), "{T}")) }}""")
    assert sorted(r["t"].value.removeprefix(T) for r in rows) == sorted(TARGETS)


def test_counted_metaverse_enterprises_need_revenue_over_one_billion_yuan(store: Any) -> None:
    crit = one(store, T + "metaverse-enterprises-10", "pkg:hasCriterion")
    assert one(store, crit, "pkg:onProperty") == B + "ontology#annualRevenue"
    assert one(store, crit, "pkg:comparator") == "gt"  # 营收超 10 亿元: strict
    assert Decimal(one(store, crit, "pkg:thresholdValue")) == Decimal("100000")  # 10 亿元 in 万元
    assert "营收超10亿元企业" in text_of(store, derived_clause(store, crit))


MEASURE_CLAUSES = {
    "llm-tool-software-rd-support": ("3/1/1", "支持攻关内容生成"),
    "maas-cloud-platform-support": ("3/1/2", "鼓励企业搭建"),
    "ten-thousand-card-computing-challenge": ("3/1/2", "以建设单体万卡智能算力中心为目标,采用揭榜挂帅方式"),
    "ai-scenario-labs": ("3/1/3", "建设人工智能场景应用实验室"),
    "sme-llm-training": ("3/1/3", "支持开展中小企业大模型培训、游学等活动"),
    "basic-software-chain-leader-challenge": ("3/2/4", "链主出题、企业答题"),
    "industrial-software-pairing": ("3/2/5", "结对攻关"),
    "llm-cybersecurity-lab-and-platform": ("3/2/6", "支持建立大模型网络安全实验室"),
    "cybersecurity-insurance-pilot": ("3/2/6", "开展网络安全保险试点"),
    "new-terminal-software-challenge": ("3/3/7", "设备厂商出题,企业揭榜"),
    "internet-3-incubation-cluster": ("3/3/8", "建设互联网3.0企业创新孵化集群"),
    "regulatory-sandbox": ("3/3/9", "监管沙盒"),
    "data-ware-cloud-platform": ("3/4/10", "数件云服务平台"),
    "data-ware-ecosystem": ("3/4/11", "转型成为数件服务商"),
    "software-going-global-services": ("3/5/12", "跨境咨询服务体系"),
    "open-source-commercialisation": ("3/5/13", "支持企业围绕开源软件进行商业化二次开发"),
    "central-soe-chain-leaders": ("3/6/14", "支持大中型央企担任产业链链主企业"),
    "information-industry-development-fund": ("4/2", "用好信息产业发展基金"),
    "listing-support": ("4/2", "在新三板挂牌、北交所等证券交易所上市"),
    "software-park-designation": ("4/3", "支持中关村软件园继续打造国家级软件名园标杆"),
}


@pytest.mark.parametrize("name", sorted(MEASURE_CLAUSES))
def test_each_support_measure_comes_from_the_task_that_creates_it(store: Any, name: str) -> None:
    path, words = MEASURE_CLAUSES[name]
    clause = derived_clause(store, M + name)
    assert clause == f"{DOC}/{path}"
    assert words in text_of(store, clause)
    assert one(store, M + name, "pkg:slug") == f"jjxf-2024-22-{name}"
    assert len(vals(store, M + name, "pkg:supportDescription")) == 2  # @zh and @en


def test_every_measure_of_the_plan_is_listed_above_and_only_the_fund_is_money(store: Any) -> None:
    rows = store.select(PFX + f"SELECT DISTINCT ?m ?k WHERE {{ ?m pkg:definedIn <{DOC}> ; pkg:kind ?k }}")
    kinds = {r["m"].value.removeprefix(M): r["k"].value for r in rows}
    assert sorted(kinds) == sorted(MEASURE_CLAUSES)
    assert {k for k, v in kinds.items() if v != "non-monetary"} == {"information-industry-development-fund"}
    fund = M + "information-industry-development-fund"
    assert vals(store, fund, "pkg:rate") == [] and vals(store, fund, "pkg:cap") == []
    assert vals(store, fund, "pkg:ambiguity")


def test_every_non_checkable_provision_says_why(store: Any) -> None:
    rows = store.select(PFX + f"""SELECT ?p WHERE {{ ?p pkg:definedIn <{DOC}> ; pkg:machineCheckable false .
        FILTER NOT EXISTS {{ ?p pkg:notCheckableReason ?r FILTER(lang(?r) = "en") }} }}""")
    assert rows == []
