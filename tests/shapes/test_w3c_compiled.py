"""The W3C SHACL core tests (tests/w3c/shacl-tests/core, a copy of the W3C suite) on the compiled core constraints.

server/validation/compiled/core.py implements the core constraints the generated shapes use (sh:minCount,
sh:minLength, sh:class, sh:in, sh:hasValue, the four value ranges, sh:or, IRI and sequence paths). Each W3C
test whose shapes use only those is run on it and must give the expected report; a test using anything
else is skipped with the feature named: a shape using it does not compile (core.Unsupported), and the
validator sends the submissions it applies to engine="fast" (pySHACL), as tests/shapes/test_compiled.py checks.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.namespace import Namespace

from policykg.namespaces import SH
from policykg.validation.compiled.core import Shape, Unsupported, compile_shape
from policykg.validation.compiled.facts import Facts

SUITE = Path(__file__).resolve().parent.parent / "w3c" / "shacl-tests" / "core"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
TESTS = sorted(p for d in ("node", "property", "path", "misc", "targets") for p in (SUITE / d).glob("*.ttl")
               if p.name != "manifest.ttl" and not p.stem.endswith(("-data", "-shapes")))
TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)


def _id(p: Path) -> str:
    return f"{p.parent.name}/{p.stem}"


def _focus(g: Graph, shape: URIRef) -> list:
    nodes = list(g.objects(shape, SH.targetNode))
    classes = list(g.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in g:
        classes.append(shape)
    for c in classes:
        subs = {c} | set(g.transitive_subjects(RDFS.subClassOf, c))
        nodes += [n for s in subs for n in g.subjects(RDF.type, s)]
    for p in g.objects(shape, SH.targetSubjectsOf):
        nodes += list(g.subjects(p, None))
    for p in g.objects(shape, SH.targetObjectsOf):
        nodes += list(g.objects(None, p))
    return list(dict.fromkeys(nodes))


def _key(focus, path, value, shape, severity) -> tuple:
    return (focus, path if not isinstance(path, BNode) else "sequence", value, shape, severity)


@pytest.mark.parametrize("path", TESTS, ids=[_id(p) for p in TESTS])
def test_the_compiled_core_passes_the_w3c_test(path: Path) -> None:
    g = Graph().parse(path, format="turtle", publicID=path.as_uri())
    entry = next(g.subjects(RDF.type, SHT.Validate), None)
    if entry is None or g.value(g.value(entry, MF.action), SHT.dataGraph) != URIRef(path.as_uri()):
        pytest.skip("the data or shapes graph is another file")
    expected = g.value(entry, MF.result)
    if expected == SHT.Failure:
        pytest.skip("a failure test (ill-formed shapes)")
    targeted = sorted({s for p in TARGETS for s in g.subjects(p, None)} |
                      {s for s in g.subjects(RDF.type, SH.NodeShape) if (s, RDF.type, RDFS.Class) in g}, key=str)
    cache: dict = {}
    try:
        shapes: list[Shape] = [compile_shape(g, s, cache) for s in targeted]
    except Unsupported as e:
        pytest.skip(f"routed to pySHACL: {e.args[0]}")
    if any(s.sparql for s in shapes):
        pytest.skip("SHACL-SPARQL: tests/shapes/test_w3c_sparql.py")
    f = Facts()
    for t in g:
        f.add(t)
    got = Counter(_key(fn, src.path if src.steps is not None else None, v, src.iri, src.severity)
                  for s in shapes for n in _focus(g, s.iri) for src, fn, _c, v in s.results(f, n))
    keys = (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.resultSeverity)
    want = Counter(_key(*(g.value(r, k) for k in keys)) for r in g.objects(expected, SH.result))
    assert got == want, _id(path)
