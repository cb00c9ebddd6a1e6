"""server/eligibility/evaluate.py without HTTP: the hypothetical copies, the candidates, amounts and their computation."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from rdflib import BNode, URIRef

from policykg.eligibility.evaluate import catalogue, eligibility, plan
from policykg.namespaces import PKG
from policykg.submission.parse import parse_submission
from policykg.validation.bundle import get_bundle

M = "https://w3id.org/policykg/doc/jfgg/2023/12/measure/"
SUBJECT = URIRef("https://w3id.org/policykg/data/e1")
FORM = {"type": "RenovationProject", "id": "e1", "projectType": "old-factory", "floorArea": 8000,
        "fixedAssetInvestment": 8000, "status": "under-construction", "applicationDate": "2024-06-01",
        "propertyRightsClear": True, "operationsMechanism": True, "industryPositioning": "高精尖",
        "industryCategory": "high-tech", "inOldFactoryLedger": True, "inHighTechProjectDatabase": True,
        "applicant": {"name": "甲", "creditCode": "91110000000000001X"}, "projectCode": "P-1",
        "requests": [{"measure": "jfgg-2023-12-loan-interest-subsidy", "amount": 10}]}


def graph(store, **changes):
    return parse_submission(json.dumps({**FORM, **changes}).encode(), "application/json", 1 << 20, store).graph


def test_each_copy_requests_exactly_its_measure_and_owns_its_blank_nodes(store) -> None:
    data = graph(store)
    g, subjects, owner = plan(data, SUBJECT, [(URIRef(M + "loan-interest-subsidy"), None),
                                              (URIRef(M + "investment-subsidy-old-factory-and-infrastructure"),
                                               Decimal(2400))])
    base, first, second = subjects
    assert list(g.objects(base, PKG.requests)) == []
    assert [g.value(r, PKG.measure) for r in g.objects(first, PKG.requests)] == [URIRef(M + "loan-interest-subsidy")]
    req = next(g.objects(second, PKG.requests))
    assert g.value(req, PKG.amount).toPython() == Decimal(2400)
    applicants = [g.value(s, PKG.applicant) for s in subjects]
    assert len(set(applicants)) == 3 and all(isinstance(a, BNode) for a in applicants)
    assert [owner[a] for a in applicants] == [0, 1, 2]
    assert (SUBJECT, None, None) not in g  # the original request is not carried over


def test_candidates_are_the_measures_for_the_submission_type_in_force_on_the_day(store) -> None:
    cat = catalogue(store, get_bundle(store))
    renov = {m.slug for m in cat.values() if PKG.RenovationProject in m.subtypes and m.in_force(date(2024, 6, 1))}
    assert "jfgg-2023-12-loan-interest-subsidy" in renov
    assert PKG.ComputingCenter not in cat[URIRef(M + "loan-interest-subsidy")].subtypes
    assert cat[URIRef("https://w3id.org/policykg/doc/jjxj/2022/old-factory/measure/pilot-line-award")].in_force(
        date(2025, 12, 31)) is True
    assert cat[URIRef("https://w3id.org/policykg/doc/jjxj/2022/old-factory/measure/pilot-line-award")].in_force(
        date(2026, 1, 1)) is False


def test_the_requests_of_the_submission_do_not_change_its_eligibility(store) -> None:
    a = eligibility(store, graph(store), lang="en")
    b = eligibility(store, graph(store, requests=[]), lang="en")
    assert [(m["slug"], m["eligible"], m["maxAmount"]) for m in a["measures"]] == \
        [(m["slug"], m["eligible"], m["maxAmount"]) for m in b["measures"]]


def test_computations_are_given_in_the_language_asked(store) -> None:
    zh = eligibility(store, graph(store), lang="zh")
    m = next(x for x in zh["measures"] if x["slug"] == "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure")
    assert m["computation"] == "min(30% × 8000万元 = 2400万元, 5000万元) = 2400万元"
    assert m["label"] == "老旧厂房改造和配套基础设施改造项目投资补助"


@pytest.mark.parametrize("fai", [0, 1])
def test_a_tiny_investment_gives_a_tiny_maximum_not_a_negative_or_missing_one(store, fai: int) -> None:
    out = eligibility(store, graph(store, fixedAssetInvestment=fai), lang="en")
    m = next(x for x in out["measures"] if x["slug"] == "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure")
    assert m["maxAmount"] == pytest.approx(0.3 * fai)


def test_a_missing_base_makes_the_amount_uncomputable_and_the_measure_ineligible(store) -> None:
    out = eligibility(store, graph(store, fixedAssetInvestment=None), lang="en")
    m = next(x for x in out["measures"] if x["slug"] == "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure")
    assert m["maxAmount"] is None and m["computation"] == "missing fixed-asset investment"
    assert m["eligible"] is False
    assert any(r["sourceShape"].endswith("/amount/fixedAssetInvestment") for r in m["reasons"])


def test_the_cli_prints_the_measures_and_exits_by_what_is_available(tmp_path, capsys) -> None:
    from policykg.cli.main import main

    good = tmp_path / "p.json"
    good.write_text(json.dumps(FORM), encoding="utf-8")
    assert main(["eligibility", str(good), "--format", "json", "--lang", "en"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["best"]["maxAmount"] > 0 and out["receipt"]["asOf"] == "2024-06-01"
    assert main(["eligibility", str(good), "--lang", "zh"]) == 0
    assert "最优单项" in capsys.readouterr().out
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> \"unterminated .\n", encoding="utf-8")
    assert main(["eligibility", str(bad)]) == 2
    assert capsys.readouterr().err.startswith(f"{bad}:1:")
