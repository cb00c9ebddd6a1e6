"""The JSON form's triples written directly (submission/triples.py) are the JSON-LD parser's, on every case and on
generated submissions; a value outside the part of JSON-LD written there goes to the parser."""
from __future__ import annotations

import copy
import json

import pytest
import rdflib
from rdflib.compare import isomorphic

from bench.generate import generate
from policykg.corpus.index import build_index
from policykg.submission.jsonform import normalise
from policykg.submission.triples import TERMS, form_graph
from tests.shapes.caseload import case_files, load


@pytest.fixture(scope="module")
def index(store):
    return build_index(store)


def parser_graph(doc: dict) -> rdflib.Graph:
    """The reference: rdflib's JSON-LD parser over the normalised document (what json_to_graph did before)."""
    g = rdflib.Graph()
    g.parse(data=json.dumps(doc, ensure_ascii=False), format="json-ld")
    return g


def json_forms() -> list[dict]:
    out = []
    for p in case_files():
        s = load(p).submission
        if isinstance(s, dict) and "type" in s and "@type" not in s:
            out.append(s)
        elif isinstance(s, list) and s and all(isinstance(x, dict) and "type" in x for x in s):
            out.append(s)
    return out


def test_every_json_form_case_gives_the_parsers_graph(index) -> None:
    forms = json_forms()
    assert len(forms) > 100  # the cases of tests/cases/ in the JSON form
    for f in forms:
        doc = normalise(f, index)
        direct = form_graph(doc)
        assert direct is not None, f
        assert isomorphic(direct, parser_graph(doc)), f.get("id") if isinstance(f, dict) else f


def test_generated_submissions_of_every_type_give_the_parsers_graph(index) -> None:
    subs, _ = generate(400, seed=7)
    assert len({s["type"] for s in subs}) >= 6
    for f in subs:
        doc = normalise(f, index)
        assert isomorphic(form_graph(doc), parser_graph(doc)), f["id"]


def test_a_concept_slug_that_is_a_context_term_goes_to_the_parser(index) -> None:
    """JSON-LD expands a @vocab value that is a term of the context to the term's IRI, not under the @vocab:
    such a value is not written directly (None: the parser decides)."""
    f = {"id": "x", "type": "RenovationProject", "projectType": "old-factory"}
    doc = normalise(f, index)
    assert form_graph(doc) is not None
    odd = copy.deepcopy(doc)
    term = sorted(t for t in TERMS if not t.startswith("@"))[0]
    odd["@graph"][0]["projectType"] = term
    assert form_graph(odd) is None
    odd["@graph"][0]["projectType"] = "pkg:Whatever"
    assert form_graph(odd) is None


def test_json_to_graph_uses_the_direct_triples_and_gives_the_same_graph(index) -> None:
    from policykg.submission.jsonform import json_to_graph

    f = generate(30, seed=3)[0][5]
    assert isomorphic(json_to_graph(f, index), parser_graph(normalise(f, index)))
