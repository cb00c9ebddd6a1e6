"""engine="compiled" against pySHACL (the reference) on seeded generated submissions, and what it routes elsewhere.

Every case of tests/cases/ is compared in test_cases.py; here ~100 generated submissions
(tests/shapes/generated.py, seed 13: thresholds crossed from both sides, extra requests, awards,
as-of dates; the 1,000-submission run is `bench/validate.py --differential`) must give exactly the
reference's results: conforms, and the multiset of (focus node, path, source shape, constraint
component, value, severity, messages, clause).
"""
from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from policykg.namespaces import SH
from policykg.validation.bundle import Bundle, get_bundle
from policykg.validation.compiled import compiled
from policykg.validation.compiled.templates import template
from policykg.validation.compiled.terms import compare
from policykg.validation.compiled.validator import build
from policykg.validation.engine import top_level_count, validate

from .generated import generate
from .test_cases import full_key

N = 100


@pytest.fixture(scope="module")
def generated(store) -> list:
    return list(generate(store, N, seed=13))


@pytest.mark.parametrize("chunk", range(4))
def test_generated_submissions_give_the_reference_results(store, generated, chunk: int) -> None:
    for label, g, as_of, registry in generated[chunk::4]:
        ref = validate(store, g, as_of=as_of, registry_context=registry, engine="pyshacl")
        got = validate(store, g, as_of=as_of, registry_context=registry, engine="compiled")
        assert got.engine == "compiled", label
        assert got.conforms is ref.conforms, label
        assert sorted(map(full_key, got.results)) == sorted(map(full_key, ref.results)), label


def test_the_generated_set_crosses_thresholds_both_ways(store, generated) -> None:
    outcomes = [validate(store, g, as_of=a, registry_context=r, engine="compiled") for _l, g, a, r in generated]
    components = {r["sourceConstraintComponent"].rsplit("#", 1)[-1] for o in outcomes for r in o.results}
    assert {"MinCountConstraintComponent", "InConstraintComponent", "HasValueConstraintComponent",
            "OrConstraintComponent", "ClassConstraintComponent", "MinInclusiveConstraintComponent",
            "MaxInclusiveConstraintComponent", "SPARQLConstraintComponent"} <= components
    assert 0 < sum(o.conforms for o in outcomes) < len(outcomes)


def test_every_generated_target_and_shape_compiles(store) -> None:
    v = compiled(get_bundle(store))
    assert v is not None and not v.unsupported
    # the application-type targets (7号 第五条, 第六条 by category) too: tests/shapes/test_compiled_targets.py
    assert not v.selects, sorted(v.selects)
    assert len(v.index.by_measure) > 0 and len(v.index.by_type) > 0


def test_the_generators_double_funding_pair_and_input_constraints_run_in_python(store) -> None:
    b = get_bundle(store)
    kinds = {"?pf": 0, "STR(?value) < STR(?other)": 0, "?otherDoc": 0, "FILTER NOT EXISTS { $this <": 0}
    for c in b.shapes.subjects(RDF.type, SH.SPARQLConstraint):
        q = str(b.shapes.value(c, SH.select))
        for sig in kinds:
            if sig in q:
                assert template(q) is not None, q
                kinds[sig] += 1
    assert all(kinds.values()), kinds


def test_the_report_graph_is_written_only_when_asked_and_holds_every_result(store, generated) -> None:
    _l, g, as_of, registry = next(x for x in generated
                                  if not validate(store, x[1], as_of=x[2], registry_context=x[3]).conforms)
    got = validate(store, g, as_of=as_of, registry_context=registry, engine="compiled")
    report = got.report_graph  # (written eagerly since the report carries what was checked)
    assert top_level_count(report) == len(got.results) > 0
    top = next(report.subjects(RDF.type, SH.ValidationReport))
    assert report.value(top, SH.conforms) == Literal(got.conforms)
    ref = validate(store, g, as_of=as_of, registry_context=registry, engine="fast").report_graph
    shapes = lambda r: sorted(str(o) for o in r.objects(None, SH.sourceShape))  # noqa: E731
    assert shapes(report) == shapes(ref)
    assert "sh:ValidationReport" in report.serialize(format="turtle")


def _bundle(shapes: str) -> Bundle:
    g = Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      + shapes, format="turtle")
    return Bundle("test", g)


SELECT = '[ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this a ex:Thing }" ]'


def test_a_shape_using_an_unsupported_feature_is_routed_to_pyshacl() -> None:
    b = _bundle(f"ex:S a sh:NodeShape ; sh:target {SELECT} ; sh:property [ sh:path ex:p ; sh:pattern \"^a\" ] .")
    v = build(b)
    assert v is not None and URIRef("http://example.org/S") in v.unsupported


def test_a_select_the_index_does_not_know_is_run_on_pyoxigraph() -> None:
    b = _bundle(f"ex:S a sh:PropertyShape ; sh:target {SELECT} ; sh:path ex:p ; sh:minCount 1 .")
    v = build(b)
    assert v is not None and URIRef("http://example.org/S") in v.selects and not v.unsupported


def test_core_targets_send_the_whole_bundle_to_pyshacl() -> None:
    assert build(_bundle("ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:class ex:Other .")) is None


@pytest.mark.parametrize(("a", "op", "b", "want"), [
    (Literal("0.20", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")), ">", Literal(0.2), False),
    (Literal("0.21", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")), ">", Literal(0.2), True),
    (Literal("lots", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")), "<", Literal(1), False),
    (Literal("new"), "=", Literal("new"), True),
    (URIRef("http://x/a"), "!=", URIRef("http://x/b"), True),
    (Literal("a"), "!=", Literal(1), False),  # a type error, not true
])
def test_filter_comparisons_follow_sparql(a, op: str, b, want: bool) -> None:
    assert compare(a, op, b) is want


TWICE = """@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/policykg/data/twice> a pkg:RenovationProject ;
    pkg:applicationDate "2024-06-01"^^xsd:date ; pkg:totalInvestment 1000.0 ;
    pkg:projectType <https://w3id.org/policykg/concept/project-type/low-efficiency-building> ;
    pkg:requests [ a pkg:FundingRequest ; pkg:amount 5000 ; pkg:measure <MEASURE> ],
                 [ a pkg:FundingRequest ; pkg:amount 5000 ; pkg:measure <MEASURE> ],
                 [ a pkg:FundingRequest ; pkg:measure <MEASURE> ] .
""".replace("MEASURE", "https://w3id.org/policykg/doc/jjxf/2024/20/measure/green-retrofit-reward-listed")


@pytest.mark.parametrize("engine", ["fast", "compiled"])
def test_a_solution_repeated_by_two_identical_requests_is_one_result_as_pyshacl_reports_it(store, engine) -> None:
    """Found by the generated set: two requests for the same measure gave two identical SHACL-SPARQL solutions
    (pyoxigraph keeps the duplicates of a path), which pySHACL reports once."""
    g = Graph().parse(data=TWICE, format="turtle")
    ref = validate(store, g, engine="pyshacl")
    got = validate(store, g, engine=engine)
    amount = [r for r in got.results if r["sourceShape"].endswith("/amount")]
    assert len(amount) == 1 and amount[0]["value"] == 5000
    assert sorted(map(full_key, got.results)) == sorted(map(full_key, ref.results))
