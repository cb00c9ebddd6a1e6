"""The compiled application-type targets (7号: a submission whose class is the application for a measure) select
exactly the focus nodes their SPARQL select selects on pyoxigraph: on every case of tests/cases/ and around the
class's selector (pkg:category: unset, allowed, another value, a language-tagged value; the class's own measures
requested or another one)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from rdflib import RDF, XSD, BNode, Literal, URIRef

from policykg.corpus.index import build_index
from policykg.namespaces import PKG, SH
from policykg.submission import to_rdflib
from policykg.validation.bundle import get_bundle
from policykg.validation.compiled import compiled
from policykg.validation.compiled.facts import Facts, prepare
from policykg.validation.compiled.targets import Applicants, TargetIndex, parse
from policykg.validation.engine import RESERVED, submissions

from .caseload import case_files, load, registry_graph
from .test_cases import _graph

M7 = "https://w3id.org/policykg/doc/jfgg/2023/7/measure/"
GROWTH, LEADING, DEMO = URIRef(M7 + "pilot-enterprise-growth"), URIRef(M7 + "pilot-enterprise-leading"), \
    URIRef(M7 + "demo-park-recognition")
S = URIRef("https://example.org/submission/1")


@pytest.fixture(scope="module")
def applicants(store) -> dict[URIRef, tuple[str, Applicants]]:
    g = get_bundle(store).shapes
    out = {}
    for shape, t in g.subject_objects(SH.target):
        q = str(g.value(t, SH.select))
        if isinstance(parsed := parse(q), Applicants):
            out[shape] = (q, parsed)
    return out


def _by_select(f: Facts, selects: dict[URIRef, tuple[str, Applicants]]) -> dict[URIRef, set]:
    found = {shape: {to_rdflib(r["this"]) for r in f.store().query(q)} for shape, (q, _t) in selects.items()}
    return {k: v for k, v in found.items() if v}


def _by_index(f: Facts, selects: dict[URIRef, tuple[str, Applicants]]) -> dict[URIRef, set]:
    index = TargetIndex({shape: t for shape, (_q, t) in selects.items()})
    return {shape: set(nodes) for shape, nodes in index.focus_nodes(f).items()}


def test_the_application_type_targets_compile_and_none_is_left_to_pyoxigraph(store, applicants) -> None:
    assert len(applicants) >= 20
    v = compiled(get_bundle(store))
    assert v is not None and not v.selects, sorted(v.selects)
    with_selector = [t for _q, t in applicants.values() if any(b.selector is not None for b in t.branches)]
    assert with_selector and all(t.branches for _q, t in applicants.values())


def _facts(store, category: Literal | None, requested: list[URIRef], cls: URIRef = PKG.PilotEnterpriseApplication
           ) -> Facts:
    f = Facts()
    f.add((S, RDF.type, cls))
    f.add((S, PKG.applicationDate, Literal("2024-06-01", datatype=XSD.date)))
    if category is not None:
        f.add((S, PKG.category, category))
    for m in requested:
        r = BNode()
        f.add((S, PKG.requests, r))
        f.add((r, PKG.measure, m))
    return f


SELECTOR_CASES = [
    (None, []), (Literal("growth"), []), (Literal("leading"), []), (Literal("other"), []),
    (Literal("growth", lang="zh"), []), (Literal("growth", datatype=XSD.string), []),
    (Literal("leading"), [GROWTH]), (None, [LEADING]), (Literal("growth"), [DEMO]), (None, [DEMO, GROWTH]),
]


@pytest.mark.parametrize(("category", "requested"), SELECTOR_CASES,
                         ids=[f"{c!r}-{[str(m).rsplit('/', 1)[-1] for m in r]}" for c, r in SELECTOR_CASES])
def test_the_selector_and_the_own_measures_choose_as_the_select_does(store, applicants, category, requested) -> None:
    f = _facts(store, category, requested)
    assert _by_index(f, applicants) == _by_select(f, applicants)


def test_a_demo_park_application_is_selected_for_its_measure_as_the_select_selects_it(store, applicants) -> None:
    f = _facts(store, None, [], PKG.DemoParkApplication)
    got = _by_index(f, applicants)
    assert got == _by_select(f, applicants) and any(S in nodes for nodes in got.values())


def _cases(store) -> Iterator[tuple[str, Facts]]:
    b = get_bundle(store)
    for path in case_files():
        case = load(path)
        data = _graph(case, store)
        registry = registry_graph(case.registry, build_index(store))
        try:
            f, _dates = prepare(b, data, submissions(b, data), case.as_of or date(2024, 6, 1), registry, RESERVED)
        except Exception:  # noqa: BLE001 - a case the engines refuse (a corpus IRI as subject): nothing to select
            continue
        yield path.stem, f


def test_on_every_case_the_index_selects_what_the_selects_select(store, applicants) -> None:
    n = 0
    for label, f in _cases(store):
        assert _by_index(f, applicants) == _by_select(f, applicants), label
        n += 1
    assert n > 200
