"""Every case of tests/cases/ with pySHACL as the engine, and the fast engine giving the same results.

One parametrised test per case file (the id is <document>/<case>): the multiset of
(sourceShape, clause, severity) of the top-level results and `conforms` are exactly those
written in the case, derived from the clause text; the JSON results agree in number with the
pySHACL report's top-level sh:result; the fast path (pyoxigraph for targets and SHACL-SPARQL)
and the compiled validator (server/validation/compiled/) give the same results, messages included.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from policykg.corpus.index import build_index
from policykg.submission.jsonform import json_to_graph
from policykg.submission.parse import parse_rdf
from policykg.validation.engine import top_level_count, validate

from .caseload import case_files, load, registry_graph

FILES = case_files()


def _graph(case, store):
    if case.turtle is not None:
        return parse_rdf(case.turtle, "turtle")
    return json_to_graph(case.submission, build_index(store))


def full_key(r: dict) -> tuple:
    """Everything a result says: focus node, path, source shape, constraint component, value, severity, messages,
    clause (the engines must agree on all of it)."""
    return _key(r) + (r["path"], r["sourceConstraintComponent"])


def _key(r: dict) -> tuple:
    return (r["sourceShape"], r["focusNode"], str(r["value"]), r["severity"], r["message"]["zh"],
            r["message"]["en"], (r["clause"] or {}).get("iri"))


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_case(path: Path, store) -> None:
    case = load(path)
    data = _graph(case, store)
    registry = registry_graph(case.registry, build_index(store))
    ref = validate(store, data, as_of=case.as_of, registry_context=registry, engine="pyshacl")
    got = Counter((r["sourceShape"], (r["clause"] or {}).get("iri"), r["severity"]) for r in ref.results)
    assert got == case.expected, _diff(case.expected, got)
    assert ref.conforms is case.conforms
    assert top_level_count(ref.report_graph) == len(ref.results)
    fast = validate(store, data, as_of=case.as_of, registry_context=registry, engine="fast")
    assert sorted(map(_key, fast.results)) == sorted(map(_key, ref.results))
    comp = validate(store, data, as_of=case.as_of, registry_context=registry, engine="compiled")
    assert comp.engine == "compiled" and comp.conforms is ref.conforms
    assert sorted(map(full_key, comp.results)) == sorted(map(full_key, ref.results))
    for r in ref.results:
        assert "{" not in r["message"]["zh"] and "{" not in r["message"]["en"], r["message"]


def _diff(want: Counter, got: Counter) -> str:
    missing = want - got
    extra = got - want
    return f"\nmissing: {sorted(missing.elements())}\nunexpected: {sorted(extra.elements())}"
