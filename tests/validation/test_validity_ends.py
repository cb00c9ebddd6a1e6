"""Every document on its first day in force, its last day, and the days just outside: a behaviour test each.

A request under a measure of a document is checked against the document's validity (its `in-force`
shape): no finding on the first and the last day, a Violation the day before and the day after. A
document without an end date is still in force in 2099. 京建法〔2024〕3号 has no measures: its own
rule (the expert age limit) applies on its first and last day and not outside them.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from rdflib import Graph, Namespace

from policykg.corpus import build_index
from policykg.submission.jsonform import json_to_graph
from policykg.validation.engine import validate

SHAPE = "https://w3id.org/policykg/shape/"
# document path: (its first day, its last day or None, a measure slug, the submission type), from the texts
VALIDITY = {
    # 老旧厂房若干措施: 2022-2025 年内有效 (read as 2022-01-01..2025-12-31)
    "jjxj/2022/old-factory": ("2022-01-01", "2025-12-31", "jjxj-2022-old-factory-tax-preference", "RenovationProject"),
    # 京发改规〔2023〕12号: 自印发之日起实施 (2023-08-31), no end stated
    "jfgg/2023/12": ("2023-08-31", None, "jfgg-2023-12-green-project-library", "RenovationProject"),
    # 京发改规〔2023〕7号: 自 2023年7月3日起施行，试行期 2年
    "jfgg/2023/7": ("2023-07-03", "2025-07-02", "jfgg-2023-7-national-pilot-recommendation", "PilotEnterpriseApplication"),
    # 京经信发〔2024〕14号: the document date, no end stated
    "jjxf/2024/14": ("2024-03-25", None, "jjxf-2024-14-low-risk-project-approval", "RenovationProject"),
    # 京经信发〔2024〕20号: 执行期至 2027 年底
    "jjxf/2024/20": ("2024-04-16", "2027-12-31", "jjxf-2024-20-green-credit-interest-subsidy", "RenovationProject"),
    # 京经信发〔2024〕22号: the document date, no end stated
    "jjxf/2024/22": ("2024-04-19", None, "jjxf-2024-22-sme-llm-training", "RenovationProject"),
    # 京经信发〔2024〕25号: （2024—2027年）
    "jjxf/2024/25": ("2024-04-24", "2027-12-31", "jjxf-2024-25-existing-dc-green-retrofit-support", "RenovationProject"),
    # 京规自发〔2024〕67号: 自印发之日起施行，有效期 5年
    "jgzf/2024/67": ("2024-03-14", "2029-03-13", "jgzf-2024-67-direct-construction-permit", "RenovationProject"),
    # 京建法〔2024〕1号 / 2号: 自 2024年5月10日起施行，有效期 3年
    "jjf/2024/1": ("2024-05-10", "2027-05-09", "jjf-2024-1-district-service-mechanism", "CoordinatorEntity"),
    "jjf/2024/2": ("2024-05-10", "2027-05-09", "jjf-2024-2-financial-support-encouraged", "UrbanRenewalProjectEntry"),
}


def _days(first: str, last: str | None) -> list[tuple[date, bool]]:
    a = date.fromisoformat(first)
    out = [(a - timedelta(days=1), False), (a, True)]
    if last:
        b = date.fromisoformat(last)
        out += [(b, True), (b + timedelta(days=1), False)]
    else:
        out.append((date(2099, 12, 31), True))
    return out


CASES = [(doc, day, inside) for doc, (first, last, _, _) in VALIDITY.items() for day, inside in _days(first, last)]


@pytest.mark.parametrize("doc, day, inside", CASES, ids=[f"{d}@{day}" for d, day, _ in CASES])
def test_a_request_is_in_force_on_the_first_and_last_day_and_not_outside(store, doc, day, inside):
    _, _, slug, stype = VALIDITY[doc]
    sub = {"id": "validity", "type": stype, "applicationDate": day.isoformat(), "requests": [{"measure": slug}]}
    out = validate(store, json_to_graph(sub, build_index(store)))
    hits = [r for r in out.results if r["sourceShape"] == f"{SHAPE}{doc}/in-force"]
    assert bool(hits) is not inside, [r["message"] for r in hits]
    if hits:
        assert hits[0]["severity"] == "Violation"


@pytest.mark.parametrize("day, applies", [("2024-05-09", False), ("2024-05-10", True), ("2027-05-09", True),
                                          ("2027-05-10", False)])
def test_the_expert_rules_of_3_apply_only_while_it_is_in_force(store, day, applies):
    # 京建法〔2024〕3号 第十四条: 自 2024 年 5 月 10 日起施行，有效期 3 年; 第五条（二）申请时年龄原则上不超过 70 周岁
    sub = {"id": "e", "type": "ExpertNomination", "age": 75, "academician": False, "shortageField": False,
           "policyFamiliarity": True, "professionalEthics": True, "healthy": True, "applicationDate": day}
    out = validate(store, json_to_graph(sub, build_index(store)))
    shapes = {r["sourceShape"] for r in out.results}
    assert (f"{SHAPE}jjf/2024/3/criterion/age-limit-or-exception" in shapes) is applies


def test_every_document_with_measures_has_its_validity_ends_tested(store):
    rows = store.select("""PREFIX pkg: <https://w3id.org/policykg/ontology#>
        SELECT DISTINCT ?d WHERE { ?d pkg:inCorpus true . ?m pkg:definedIn ?d ; pkg:slug ?s }""")
    docs = {r["d"].value.removeprefix("https://w3id.org/policykg/doc/") for r in rows}
    assert docs == set(VALIDITY)


def test_every_document_that_states_a_first_or_last_day_in_force_has_its_days_tested():
    eli = Namespace("http://data.europa.eu/eli/ontology#")
    dated = set()
    for f in sorted((Path(__file__).resolve().parents[2] / "policies").glob("*.ttl")):
        g = Graph().parse(f, format="turtle")
        for p in (eli.first_date_entry_in_force, eli.date_no_longer_in_force):
            dated |= {str(d).removeprefix("https://w3id.org/policykg/doc/") for d in g.subjects(p, None)}
    assert dated == set(VALIDITY) | {"jjf/2024/3"}  # 3号: test_the_expert_rules_of_3_apply_only_while_it_is_in_force
