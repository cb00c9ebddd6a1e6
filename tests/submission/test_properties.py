"""Issue 12 (item 6): properties of the submission path (hypothesis), and a bounded fuzz of every submission parser.

- parse -> serialise -> parse is the same graph (and the same content hash), in every RDF syntax;
- the JSON form and its Turtle give the same report;
- validating twice gives the same report;
- whatever bytes reach a submission parser (Turtle, N-Triples, JSON-LD, RDF/XML, the JSON form),
  the answer is 2xx or 4xx, never a 5xx.

Bounded: a few dozen examples per property (about 30-60 s on 2 cores), no deadline per example.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from policykg.app import create_app
from policykg.config import Settings
from policykg.registry.hashing import graph_hash
from policykg.submission import to_ox
from policykg.submission.parse import parse_rdf

ROOT = Path(__file__).resolve().parents[2]
PKG = "https://w3id.org/policykg/ontology#"
DATA = "https://w3id.org/policykg/data/"
SOME = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
FEW = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", corpus_root=ROOT))) as c:
        yield c


# -- graphs ------------------------------------------------------------------------------------
names = st.sampled_from(["a", "b", "c", "项目", "x y", "p%20q"])
iris = names.map(lambda n: ox.NamedNode(DATA + n.replace(" ", "_").replace("%", "pct")))
predicates = st.sampled_from(["floorArea", "note", "applicant", "requests", "name"]).map(lambda p: ox.NamedNode(PKG + p))
literals = st.one_of(
    st.text(max_size=20).map(ox.Literal),
    st.integers(-10**6, 10**6).map(lambda i: ox.Literal(str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(
        lambda d: ox.Literal(str(d), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))),
    st.tuples(st.text(min_size=1, max_size=10), st.sampled_from(["zh", "en"])).map(lambda t: ox.Literal(t[0], language=t[1])),
)


@st.composite
def graphs(draw: st.DrawFn) -> list[ox.Triple]:
    """A few IRIs with literal and IRI values, and a forest of blank nodes under them."""
    triples = draw(st.lists(st.builds(ox.Triple, iris, predicates, st.one_of(literals, iris)), min_size=1, max_size=12))
    for i in range(draw(st.integers(0, 4))):
        b = ox.BlankNode(f"n{i}")
        triples.append(ox.Triple(draw(iris), draw(predicates), b))
        triples += [ox.Triple(b, draw(predicates), draw(literals)) for _ in range(draw(st.integers(1, 3)))]
    return triples


FORMATS = {"turtle": ox.RdfFormat.TURTLE, "n-triples": ox.RdfFormat.N_TRIPLES, "rdf-xml": ox.RdfFormat.RDF_XML}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@SOME
@given(triples=graphs())
def test_parse_serialise_parse_is_the_same_graph_with_the_same_hash(fmt: str, triples: list[ox.Triple]) -> None:
    first = parse_rdf(ox.serialize(triples, format=FORMATS[fmt]).decode("utf-8"), fmt)
    again = ox.serialize([ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in first], format=FORMATS[fmt])
    second = parse_rdf(again.decode("utf-8"), fmt)
    assert isomorphic(first, second)
    assert graph_hash(first) == graph_hash(second)


# -- reports -----------------------------------------------------------------------------------
MEASURE = "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure"
projects = st.fixed_dictionaries(
    {"type": st.just("RenovationProject"), "id": st.sampled_from(["p1", "项目-2"]),
     "projectType": st.sampled_from(["old-factory", "finance-lease"]),
     "applicationDate": st.sampled_from(["2024-06-01", "2023-01-15"])},
    optional={"floorArea": st.integers(0, 20_000), "fixedAssetInvestment": st.integers(0, 50_000),
              "status": st.sampled_from(["under-construction", "completed"]),
              "propertyRightsClear": st.booleans(), "occupancyRate": st.sampled_from([0, 0.3, 1]),
              "requests": st.lists(st.fixed_dictionaries({"measure": st.just(MEASURE),
                                                          "amount": st.integers(1, 5_000)}), max_size=2)})


def findings(report: dict) -> tuple:
    return report["conforms"], sorted((r["sourceShape"], r["severity"], r["path"] or "", str(r["value"]))
                                      for r in report["results"] if not str(r["focusNode"]).startswith("_:"))


@FEW
@given(project=projects)
def test_the_json_form_and_its_turtle_give_the_same_report(client: TestClient, project: dict) -> None:
    as_json = client.post("/api/validate", json=project)
    assert as_json.status_code == 200, as_json.text[:300]
    from policykg.corpus import build_index
    from policykg.submission.jsonform import json_to_graph

    ttl = json_to_graph(project, build_index(client.app.state.store)).serialize(format="turtle")
    as_ttl = client.post("/api/validate", content=ttl.encode(), headers={"content-type": "text/turtle"})
    assert as_ttl.status_code == 200, as_ttl.text[:300]
    assert findings(as_json.json()) == findings(as_ttl.json())


@FEW
@given(project=projects)
def test_validating_twice_gives_the_same_report(client: TestClient, project: dict) -> None:
    one, two = (client.post("/api/validate", json=project).json() for _ in range(2))
    assert one["receipt"].pop("timestamp") <= two["receipt"].pop("timestamp")  # the only difference: when
    assert one == two


# -- fuzz: never a 5xx ------------------------------------------------------------------------
SEEDS = {
    "text/turtle": f'@prefix p: <{PKG}> . <{DATA}x> a p:RenovationProject ; p:floorArea 3000.0 ; p:requests [ p:amount 1 ] .',
    "application/n-triples": f'<{DATA}x> <{PKG}floorArea> "3000"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
    "application/ld+json": json.dumps({"@id": f"{DATA}x", "@type": f"{PKG}RenovationProject", f"{PKG}floorArea": 3000}),
    "application/rdf+xml": (f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:p="{PKG}">'
                            f'<rdf:Description rdf:about="{DATA}x"><p:floorArea>3000</p:floorArea></rdf:Description></rdf:RDF>'),
    "application/json": json.dumps({"type": "RenovationProject", "id": "x", "floorArea": 3000,
                                    "requests": [{"measure": MEASURE, "amount": 1}]}),
}


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> bytes:
    """The seed with a slice replaced by fuzz (text or bytes), or pure fuzz."""
    data = seed.encode()
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=300))
    i = draw(st.integers(0, len(data)))
    j = draw(st.integers(i, min(len(data), i + 40)))
    junk = draw(st.one_of(st.binary(max_size=20), st.text(max_size=20).map(str.encode),
                          st.sampled_from([b"[", b"{", b"(", b"<", b'"', b"\\", b"@", b"_:", b"\x00", b"1e999", b"-"])))
    return data[:i] + junk + data[j:]


@pytest.mark.parametrize("ctype", sorted(SEEDS))
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fuzzed_bytes_to_each_submission_parser_get_a_2xx_or_a_4xx(client: TestClient, ctype: str, data) -> None:
    body = data.draw(mutated(SEEDS[ctype]))
    r = client.post("/api/validate", content=body, headers={"content-type": ctype})
    assert r.status_code < 500, (r.status_code, body[:200], r.text[:300])
    if r.status_code >= 400:
        assert set(r.json()) == {"error", "detail"}


def test_a_json_ld_property_iri_with_a_control_character_is_a_400_not_a_500(client: TestClient) -> None:
    """Found by the fuzz above: rdflib's JSON-LD parser accepts the IRI, RDF does not."""
    body = json.dumps({"@id": f"{DATA}x", "@type": f"{PKG}RenovationProject", f"{PKG}fl\x7f": 3000})
    r = client.post("/api/validate", content=body, headers={"content-type": "application/ld+json"})
    assert r.status_code == 400 and "invalid IRI" in r.json()["error"]
