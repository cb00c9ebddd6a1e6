"""The JSON submission form (docs/submission.md) as RDF: the same graph as its Turtle, and 422s naming the field."""
from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from policykg.corpus.index import build_index
from policykg.errors import Forbidden, UnprocessableInput
from policykg.namespaces import PKG
from policykg.shapes.model import Corpus
from policykg.submission.jsonform import (
    CONTEXT,
    CONTEXT_URL,
    TYPES,
    json_to_graph,
    subject_iri,
)
from policykg.submission.jsonld import jsonld_to_graph
from policykg.submission.parse import parse_rdf

FORM = {
    "id": "p 1", "type": "RenovationProject", "projectType": "old-factory", "floorArea": 3000, "occupancyRate": 0.7,
    "builtYear": 2001, "status": "under-construction", "propertyRightsClear": True, "industryPositioning": "高精尖",
    "industryCategory": "high-tech", "applicationDate": "2024-06-01",
    "applicant": {"name": "某公司", "creditCode": "91110000MA00000001"}, "projectCode": "A-1",
    "requests": [{"measure": "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", "amount": 2400}],
    "priorMunicipalFunding": [{"source": "市级专项", "amount": 12.5}],
}
TURTLE = """@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/policykg/data/p%201> a pkg:RenovationProject ;
  pkg:projectType <https://w3id.org/policykg/concept/project-type/old-factory> ;
  pkg:floorArea 3000.0 ; pkg:occupancyRate 0.7 ; pkg:builtYear 2001 ;
  pkg:status <https://w3id.org/policykg/concept/status/under-construction> ;
  pkg:propertyRightsClear true ; pkg:industryPositioning "高精尖" ;
  pkg:industryCategory <https://w3id.org/policykg/concept/industry-category/high-tech> ;
  pkg:applicationDate "2024-06-01"^^xsd:date ;
  pkg:applicant [ a pkg:Applicant ; pkg:name "某公司" ; pkg:creditCode "91110000MA00000001" ] ;
  pkg:projectCode "A-1" ;
  pkg:requests [ a pkg:FundingRequest ; pkg:amount 2400.0 ;
      pkg:measure <https://w3id.org/policykg/doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure> ] ;
  pkg:priorMunicipalFunding [ a pkg:PriorFunding ; pkg:fundingSource "市级专项" ; pkg:amount 12.5 ] .
"""


@pytest.fixture(scope="module")
def index(store):
    return build_index(store)


def test_the_json_form_and_its_turtle_give_the_same_graph(index) -> None:
    assert isomorphic(json_to_graph(FORM, index), parse_rdf(TURTLE, "turtle"))


def test_json_ld_naming_our_context_by_url_gives_the_same_graph(index) -> None:
    doc = dict(FORM, **{"@context": CONTEXT_URL})
    doc["requests"] = [{"type": "FundingRequest", "measure": index.measure(FORM["requests"][0]["measure"]),
                        "amount": "2400.0"}]
    doc["priorMunicipalFunding"] = [{"type": "PriorFunding", "source": "市级专项", "amount": "12.5"}]
    doc["applicant"] = dict(FORM["applicant"], type="Applicant")
    doc["id"] = subject_iri("p 1")
    for k in ("floorArea", "occupancyRate"):
        doc[k] = {"floorArea": "3000.0", "occupancyRate": "0.7"}[k]
    assert isomorphic(jsonld_to_graph(doc), json_to_graph(FORM, index))


def test_the_served_context_is_the_context_the_form_uses(client) -> None:
    r = client.get("/context.jsonld")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/ld+json")
    assert r.json() == json.loads(json.dumps(CONTEXT))


def test_a_slug_becomes_the_concept_iri_and_a_measure_slug_the_measure_iri(index) -> None:
    g = json_to_graph(FORM, index)
    s = URIRef(subject_iri("p 1"))
    assert g.value(s, PKG.projectType) == URIRef("https://w3id.org/policykg/concept/project-type/old-factory")
    req = g.value(s, PKG.requests)
    assert str(g.value(req, PKG.measure)).endswith("/measure/investment-subsidy-old-factory-and-infrastructure")


def test_ids_become_stable_percent_encoded_iris() -> None:
    assert subject_iri("a/b c") == "https://w3id.org/policykg/data/a%2Fb%20c"
    assert subject_iri("..") == "https://w3id.org/policykg/data/%2E%2E"
    assert subject_iri("项目") == subject_iri("项目")


@pytest.mark.parametrize(("change", "field"), [
    ({"type": "Factory"}, "type"),
    ({"floorArea": "3000"}, "floorArea"),
    ({"floorArea": True}, "floorArea"),
    ({"builtYear": 2001.5}, "builtYear"),
    ({"occupancyRate": 70}, "occupancyRate"),
    ({"floorArea": -1}, "floorArea"),
    ({"applicationDate": "2024/06/01"}, "applicationDate"),
    ({"applicationDate": "2024-02-30"}, "applicationDate"),
    ({"projectType": "castle"}, "projectType"),
    ({"status": "done"}, "status"),
    ({"colour": "red"}, "colour"),
    ({"requests": [{"measure": "no-such-measure", "amount": 1}]}, "requests[0].measure"),
    ({"requests": [{"amount": 1}]}, "requests[0].measure"),
    ({"requests": [{"measure": "jfgg-2023-12-loan-interest-subsidy", "amount": "much"}]}, "requests[0].amount"),
    ({"priorMunicipalFunding": [{"amount": 1}]}, "priorMunicipalFunding[0]"),
    ({"applicant": {"name": "x", "taxId": "y"}}, "applicant.taxId"),
    ({"id": ""}, "id"),
])
def test_bad_fields_are_unprocessable_and_named(index, change, field) -> None:
    with pytest.raises(UnprocessableInput) as e:
        json_to_graph(dict(FORM, **change), index)
    assert field in [d["field"] for d in e.value.detail]
    assert e.value.status == 422


def test_an_unknown_category_of_a_pilot_enterprise_is_named(index) -> None:
    with pytest.raises(UnprocessableInput) as e:
        json_to_graph({"id": "e", "type": "PilotEnterpriseApplication", "category": "giant"}, index)
    assert e.value.detail[0]["field"] == "category"


@pytest.mark.parametrize("ctx", ["https://example.org/context.jsonld", "file:///etc/passwd",
                                 {"@import": "https://example.org/c.jsonld"}, ["https://example.org/c.jsonld"]])
def test_any_other_context_is_refused_and_never_fetched(index, ctx) -> None:
    with pytest.raises(Forbidden):
        json_to_graph(dict(FORM, **{"@context": ctx}), index)
    with pytest.raises(Forbidden):
        jsonld_to_graph({"@context": ctx, "@id": "https://w3id.org/policykg/data/x"})


def test_every_field_names_an_ontology_property() -> None:
    from policykg.submission.jsonform import NESTED, NESTED_PROPERTY, PROPERTY

    names = {PROPERTY.get(f, f) for fields in TYPES.values() for f in fields}
    names |= {NESTED_PROPERTY.get(f, f) for sub in NESTED.values() for f in sub}
    for n in sorted(names):
        assert isinstance(getattr(PKG, n), URIRef)


def test_every_property_a_shape_checks_can_be_given_in_the_json_form(root) -> None:
    """A rule on a property the form cannot carry could never be met by a JSON submission."""
    from policykg.shapes.criteria import checkable_rules
    from policykg.submission.jsonform import NESTED, NESTED_PROPERTY, PROPERTY

    c = Corpus(root)
    form = {PROPERTY.get(f, f) for fields in TYPES.values() for f in fields}
    form |= {NESTED_PROPERTY.get(f, f) for sub in NESTED.values() for f in sub}
    props = {str(p).rsplit("#", 1)[-1] for rule in checkable_rules(c) for a in [rule, *c.objs(rule, PKG.alternative)]
             for p in c.objs(a, PKG.onProperty)}
    assert props - form == set()


def test_a_list_of_nodes_is_one_submission_graph(index) -> None:
    g = json_to_graph([FORM, dict(FORM, id="p 2")], index)
    assert len(set(g.subjects(PKG.projectCode, None))) == 2


def test_turtle_and_json_literals_round_trip(index) -> None:
    g = json_to_graph({"id": "x", "type": "ComputingCenter", "pue": 1e-7, "stage": "new"}, index)
    assert str(g.value(URIRef(subject_iri("x")), PKG.pue)) == "0.0000001"
    again = Graph().parse(data=g.serialize(format="turtle"), format="turtle")
    assert isomorphic(again, g)  # the Turtle of the JSON form is the same graph
    assert str(again.value(URIRef(subject_iri("x")), PKG.pue)) == "0.0000001"
