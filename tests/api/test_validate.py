"""POST /api/validate and /api/validate/batch: the report, its clauses, languages, Turtle, as-of, receipts."""
from __future__ import annotations

import copy
import hashlib
import json

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from policykg.namespaces import PROV, SH

OLD_FACTORY = "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure"
OLD_FACTORY_IRI = "https://w3id.org/policykg/doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure"
AREA_SHAPE = "https://w3id.org/policykg/shape/jfgg/2023/12/criterion/old-factory-area"
AMOUNT_SHAPE = "https://w3id.org/policykg/shape/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure/amount"

FORM = {
    "type": "RenovationProject", "id": "p1", "projectType": "old-factory", "floorArea": 3000,
    "fixedAssetInvestment": 8000, "status": "under-construction", "applicationDate": "2024-06-01",
    "propertyRightsClear": True, "operationsMechanism": True, "industryPositioning": "高精尖",
    "industryCategory": "high-tech", "inOldFactoryLedger": True, "inHighTechProjectDatabase": True,
    "applicant": {"name": "某公司", "creditCode": "91110000000000001X"}, "projectCode": "P-1",
    "requests": [{"measure": OLD_FACTORY, "amount": 9000}],
}
TURTLE = """@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix c: <https://w3id.org/policykg/concept/> .

<https://w3id.org/policykg/data/p1> a pkg:RenovationProject ;
    pkg:projectType <https://w3id.org/policykg/concept/project-type/old-factory> ;
    pkg:floorArea 3000.0 ; pkg:fixedAssetInvestment 8000.0 ;
    pkg:status <https://w3id.org/policykg/concept/status/under-construction> ;
    pkg:applicationDate "2024-06-01"^^xsd:date ;
    pkg:propertyRightsClear true ; pkg:operationsMechanism true ; pkg:industryPositioning "高精尖" ;
    pkg:industryCategory <https://w3id.org/policykg/concept/industry-category/high-tech> ;
    pkg:inOldFactoryLedger true ; pkg:inHighTechProjectDatabase true ;
    pkg:applicant [ a pkg:Applicant ; pkg:name "某公司" ; pkg:creditCode "91110000000000001X" ] ;
    pkg:projectCode "P-1" ;
    pkg:requests [ a pkg:FundingRequest ; pkg:amount 9000.0 ;
        pkg:measure <https://w3id.org/policykg/doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure> ] .
"""


def form(**changes: object) -> dict:
    d = copy.deepcopy(FORM)
    d.update(changes)
    return d


def post(client, body: dict | str, ctype: str = "application/json", **headers: str):
    data = json.dumps(body, ensure_ascii=False).encode() if isinstance(body, dict | list) else body.encode()
    return client.post("/api/validate", content=data, headers={"content-type": ctype, **headers})


def shapes_of(report: dict) -> list[str]:
    return sorted(r["sourceShape"] for r in report["results"])


def test_an_old_factory_of_exactly_3000_m2_asking_too_much_fails_on_area_and_amount(client) -> None:
    r = post(client, form())
    assert r.status_code == 200
    rep = r.json()
    assert rep["conforms"] is False
    assert shapes_of(rep) == sorted([AMOUNT_SHAPE, AREA_SHAPE])
    area = next(x for x in rep["results"] if x["sourceShape"] == AREA_SHAPE)
    assert area["severity"] == "Violation"
    assert area["path"] == "https://w3id.org/policykg/ontology#floorArea"
    assert area["value"] == 3000
    assert area["clause"]["iri"] == "https://w3id.org/policykg/doc/jfgg/2023/12/2/1/2"
    assert area["clause"]["documentNumber"] == "京发改规〔2023〕12号"
    assert "改造面积需超过 3000平方米" in area["clause"]["text"]


def test_every_finding_traces_to_a_clause_with_its_text(client) -> None:
    rep = post(client, form(propertyRightsClear=False, status="completed")).json()
    assert len(rep["results"]) >= 3
    for res in rep["results"]:
        c = res["clause"]
        assert c["iri"].startswith("https://w3id.org/policykg/doc/")
        assert c["text"] and c["label"], res["sourceShape"]


def test_the_json_form_and_its_turtle_equivalent_give_the_same_report(client) -> None:
    a = post(client, form()).json()
    b = post(client, TURTLE, "text/turtle").json()
    assert a["conforms"] == b["conforms"]
    assert a["results"] == b["results"]
    assert a["receipt"]["inputSha256"] != b["receipt"]["inputSha256"]


def test_n_triples_give_the_same_report_as_turtle(client) -> None:
    nt = Graph().parse(data=TURTLE, format="turtle").serialize(format="nt")
    assert post(client, nt, "application/n-triples").json()["results"] == \
        post(client, TURTLE, "text/turtle").json()["results"]


def test_messages_follow_accept_language_chinese_by_default(client) -> None:
    zh = post(client, form()).json()
    en = post(client, form(), **{"accept-language": "en-GB,en;q=0.9"}).json()
    zh_area = next(x for x in zh["results"] if x["sourceShape"] == AREA_SHAPE)["message"]
    en_area = next(x for x in en["results"] if x["sourceShape"] == AREA_SHAPE)["message"]
    assert "3000" in zh_area and "改造面积" in zh_area
    assert "3,000 m²" in en_area or "3000 m²" in en_area
    assert (zh["lang"], en["lang"]) == ("zh", "en")


def test_accept_turtle_returns_the_shacl_report_graph_with_clause_links(client) -> None:
    r = post(client, form(), accept="text/turtle")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    report = next(g.subjects(RDF.type, SH.ValidationReport))
    results = list(g.objects(report, SH.result))
    shapes = sorted(str(g.value(x, SH.sourceShape)) for x in results)
    assert shapes == sorted([AMOUNT_SHAPE, AREA_SHAPE])
    assert all(g.value(x, PROV.wasDerivedFrom) is not None for x in results)
    assert r.headers["x-input-sha256"] == hashlib.sha256(json.dumps(FORM, ensure_ascii=False).encode()).hexdigest()


def test_as_of_after_the_old_factory_measures_expire_makes_them_unavailable(client) -> None:
    body = form(floorArea=8000, requests=[{"measure": "jjxj-2022-old-factory-pilot-line-award", "amount": 10}],
                projectType="pilot-line")
    inside = post(client, body).json()
    after = client.post("/api/validate?asOf=2026-01-01", json=body).json()
    in_force = "https://w3id.org/policykg/shape/jjxj/2022/old-factory/in-force"
    assert in_force not in shapes_of(inside)
    assert in_force in shapes_of(after)
    assert after["receipt"]["asOf"] == "2026-01-01"


def test_a_malformed_as_of_is_a_400_naming_the_parameter(client) -> None:
    r = client.post("/api/validate?asOf=2024-13-01", json=form())
    assert r.status_code == 400
    assert r.json()["detail"]["field"] == "asOf"


def test_the_receipt_says_what_the_decision_was_made_with(client) -> None:
    body = json.dumps(form(), ensure_ascii=False).encode()
    rec = client.post("/api/validate", content=body, headers={"content-type": "application/json"}).json()["receipt"]
    assert rec["inputSha256"] == hashlib.sha256(body).hexdigest()
    assert rec["asOf"] == "2024-06-01"  # the application date
    assert len(rec["corpusVersion"]) == 64
    assert rec["engine"]["name"] == "pyshacl" and rec["engine"]["version"].count(".") >= 1
    assert rec["timestamp"].endswith("Z")
    assert rec["corpusVersion"] == client.get("/health").json()["corpusVersion"]


def test_a_batch_json_list_gives_one_report_per_submission_and_an_error_entry_for_a_bad_item(client) -> None:
    items = [form(), form(id="p2", floorArea=8000, requests=[{"measure": OLD_FACTORY, "amount": 2400}]),
             form(id="p3", type="Spaceship")]
    r = client.post("/api/validate/batch", json=items)
    assert r.status_code == 200
    out = r.json()
    assert (out["count"], out["conforming"], out["errors"]) == (3, 1, 1)
    first, second, third = out["reports"]
    assert shapes_of(first) == sorted([AMOUNT_SHAPE, AREA_SHAPE])
    assert second["conforms"] is True and second["results"] == []
    assert third["status"] == 422 and third["detail"][0]["field"] == "type"


def test_a_batch_in_n_quads_has_one_report_per_graph_and_a_bad_line_only_fails_its_graph(client) -> None:
    g = Graph().parse(data=TURTLE, format="turtle")
    nq = []
    for name in ("https://example.org/g/a", "https://example.org/g/b"):
        nq += [line[:-1] + f"<{name}> ." for line in g.serialize(format="nt").strip().splitlines()]
    nq.append('<https://w3id.org/policykg/data/p1> <https://w3id.org/policykg/ontology#floorArea> "3000 '
              '<https://example.org/g/b> .')
    r = client.post("/api/validate/batch", content="\n".join(nq).encode(),
                    headers={"content-type": "application/n-quads"})
    out = r.json()
    assert r.status_code == 200 and out["count"] == 2
    a, b = out["reports"]
    assert a["name"] == "https://example.org/g/a" and shapes_of(a) == sorted([AMOUNT_SHAPE, AREA_SHAPE])
    assert b["name"] == "https://example.org/g/b" and b["status"] == 400
    assert b["detail"]["line"] == len(nq)


@pytest.mark.parametrize("ctype", ["text/turtle", "application/n-triples"])
def test_a_batch_is_a_json_list_or_n_quads_only(client, ctype: str) -> None:
    r = client.post("/api/validate/batch", content=TURTLE.encode(), headers={"content-type": ctype})
    assert r.status_code == 415
    assert "application/n-quads" in r.json()["detail"]["accepted"]


def test_a_submission_that_names_no_submission_type_is_a_422_on_type(client) -> None:
    ttl = "<https://w3id.org/policykg/data/x> <https://w3id.org/policykg/ontology#floorArea> 3000.0 ."
    r = post(client, ttl, "text/turtle")
    assert r.status_code == 422
    assert r.json()["detail"]["field"] == "type"
    assert "RenovationProject" in r.json()["detail"]["known"]


def test_the_report_names_the_focus_node_of_the_submission(client) -> None:
    rep = post(client, form()).json()
    assert {x["focusNode"] for x in rep["results"]} == {"https://w3id.org/policykg/data/p1"}
    assert rep["results"], "the form of this test has findings whose focus node is the submission"


def test_the_reference_engine_gives_the_same_report_and_says_so_in_the_receipt(client) -> None:
    fast = post(client, form()).json()
    ref = client.post("/api/validate?engine=pyshacl", json=form()).json()
    assert fast["results"] == ref["results"]
    assert (fast["receipt"]["engine"]["mode"], ref["receipt"]["engine"]["mode"]) == ("fast", "pyshacl")
    assert client.post("/api/validate?engine=jena", json=form()).status_code == 400
