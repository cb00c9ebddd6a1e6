"""validate(): the contract's report, messages with the values filled in, and every result traced to its clause."""
from __future__ import annotations

from datetime import date

import pytest
from rdflib import Graph, Literal, URIRef

from policykg.corpus.index import build_index
from policykg.errors import UnprocessableInput
from policykg.namespaces import PKG, PROV, SH
from policykg.submission.jsonform import json_to_graph
from policykg.validation.engine import top_level_count, validate

OF = "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure"
BASE_FORM = {
    "id": "v1", "type": "RenovationProject", "projectType": "old-factory", "floorArea": 3000,
    "fixedAssetInvestment": 8000, "status": "under-construction", "propertyRightsClear": True,
    "industryPositioning": "高精尖", "operationsMechanism": False, "industryCategory": "high-tech",
    "applicationDate": "2024-06-01", "requests": [{"measure": OF, "amount": 2400}],
}
AREA = "https://w3id.org/policykg/shape/jfgg/2023/12/criterion/old-factory-area"
MECH = "https://w3id.org/policykg/shape/jfgg/2023/12/criterion/operations-mechanism"


@pytest.fixture(scope="module")
def outcome(store):
    return validate(store, json_to_graph(BASE_FORM, build_index(store)))


def test_the_json_report_has_the_contract_fields(outcome) -> None:
    assert outcome.conforms is False
    assert {r["sourceShape"] for r in outcome.results} == {AREA, MECH}
    for r in outcome.results:
        assert {"severity", "message", "focusNode", "path", "value", "sourceShape", "clause"} <= set(r)
        assert set(r["clause"]) >= {"iri", "documentNumber", "label", "text"}
    assert set(outcome.to_json("en")) == {"conforms", "status", "checked", "results"}
    assert outcome.to_json("en")["status"] == "does-not-conform"


def test_a_threshold_finding_says_the_value_the_requirement_and_the_clause(outcome) -> None:
    r = next(r for r in outcome.results if r["sourceShape"] == AREA)
    assert r["severity"] == "Violation"
    assert r["value"] == 3000.0
    assert r["path"] == str(PKG.floorArea)
    assert r["message"]["zh"] == "老旧厂房改造面积需超过 3000平方米。要求：改造面积 > 3000平方米；申报值：3000"
    assert r["message"]["en"].endswith("Required: floor area renovated > 3000 m²; declared: 3000")
    assert r["clause"]["iri"] == "https://w3id.org/policykg/doc/jfgg/2023/12/2/1/2"
    assert r["clause"]["documentNumber"] == "京发改规〔2023〕12号"
    assert r["clause"]["label"] == "二、（一）2."
    assert "改造面积需超过 3000平方米" in r["clause"]["text"]


def test_a_declared_false_condition_shows_the_declaration(outcome) -> None:
    r = next(r for r in outcome.results if r["sourceShape"] == MECH)
    assert r["message"]["zh"].endswith("申报值：否")
    assert r["message"]["en"].endswith("declared: no")


def test_a_missing_value_is_shown_as_not_given(store) -> None:
    form = dict(BASE_FORM, operationsMechanism=True)
    del form["floorArea"]
    out = validate(store, json_to_graph(form, build_index(store)))
    assert [r["message"]["en"].rsplit("; ", 1)[-1] for r in out.results] == ["declared: not given"]


def test_the_report_graph_links_each_result_to_its_clause_with_the_filled_messages(outcome) -> None:
    g = outcome.report_graph
    assert top_level_count(g) == len(outcome.results) == 2
    top = next(g.subjects(None, SH.ValidationReport))
    for r in g.objects(top, SH.result):
        clause = g.value(r, PROV.wasDerivedFrom)
        assert str(clause).startswith("https://w3id.org/policykg/doc/jfgg/2023/12/")
        langs = {m.language for m in g.objects(r, SH.resultMessage)}
        assert langs == {"zh", "en"}
        assert all("{" not in str(m) for m in g.objects(r, SH.resultMessage))
    assert g.value(top, SH.conforms) == Literal(False)


def test_the_as_of_argument_overrides_the_application_date(store) -> None:
    g = json_to_graph(dict(BASE_FORM, floorArea=5000, operationsMechanism=True), build_index(store))
    assert validate(store, g).conforms is True
    before = validate(store, g, as_of=date(2023, 8, 30))
    assert [r["sourceShape"] for r in before.results] == ["https://w3id.org/policykg/shape/jfgg/2023/12/in-force"]
    assert before.as_of == {"https://w3id.org/policykg/data/v1": "2023-08-30"}


def test_warnings_do_not_fail_a_submission(store) -> None:
    g = json_to_graph(dict(BASE_FORM, floorArea=5000, operationsMechanism=True, status="planned"), build_index(store))
    out = validate(store, g)
    assert out.conforms is True
    assert [r["severity"] for r in out.results] == ["Warning"]


def test_a_string_is_never_taken_as_a_data_graph(store) -> None:
    with pytest.raises(TypeError, match="validate\\(\\) takes a parsed rdflib.Graph"):
        validate(store, "/etc/passwd")  # type: ignore[arg-type]


def test_statements_about_corpus_resources_are_refused(store) -> None:
    g = json_to_graph(BASE_FORM, build_index(store))
    g.add((URIRef("https://w3id.org/policykg/doc/jfgg/2023/12/measure/loan-interest-subsidy"), PKG.cap,
           Literal(999999)))
    with pytest.raises(UnprocessableInput, match="may not make statements about corpus resource <https://w3id.org/"
                                                 "policykg/doc/jfgg/2023/12/measure/loan-interest-subsidy>"):
        validate(store, g)


def test_shapes_in_the_submission_are_ignored(store) -> None:
    g = json_to_graph(dict(BASE_FORM, floorArea=5000, operationsMechanism=True), build_index(store))
    shape = URIRef("https://example.org/evil-shape")
    g.add((shape, URIRef(str(SH) + "targetClass"), PKG.RenovationProject))
    g.add((shape, URIRef(str(SH) + "maxCount"), Literal(0)))
    assert validate(store, g).conforms is True


def test_the_caller_graph_is_not_changed(store) -> None:
    g = json_to_graph(BASE_FORM, build_index(store))
    before = set(g)
    validate(store, g)
    assert set(g) == before and isinstance(g, Graph)
