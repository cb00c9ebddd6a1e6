"""Eligibility on the compiled validator gives the answers of validating every hypothetical copy with pySHACL's
core (engine=fast over evaluate.plan's graph, as eligibility did before), on submissions of every document."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import URIRef

from policykg.eligibility import hypothetical
from policykg.eligibility.evaluate import eligibility, plan
from policykg.registry.checks import check
from policykg.submission.jsonform import json_to_graph
from policykg.validation import get_bundle, submissions

CASES = Path(__file__).resolve().parent.parent / "cases"


def _one_run_fast(store, data, s, day, requests):
    g, subjects, owner = plan(data, s, requests)
    ref = check(store, g, day, engine="fast")
    return hypothetical.Evaluated(ref.results, ref.shapes_version, ref.engine), subjects, owner


def _samples(store) -> list:
    from policykg.corpus.index import build_index
    from tests.shapes.caseload import case_files, load

    b, index, out = get_bundle(store), build_index(store), []
    for d in sorted(p for p in CASES.iterdir() if p.is_dir()):
        for p in [p for p in case_files() if p.parent == d][:2]:
            c = load(p)
            if c.submission is not None:
                g = json_to_graph(c.submission, index)
                if len(submissions(b, g)) == 1:
                    out.append((c.id, g, c.as_of))
    return out


def test_the_compiled_path_answers_as_the_copies_validated_one_by_one(store, monkeypatch) -> None:
    samples = _samples(store)
    assert len(samples) >= 15
    for name, g, as_of in samples:
        got = eligibility(store, g, as_of)
        with monkeypatch.context() as m:
            m.setattr(hypothetical, "evaluate", _one_run_fast)
            want = eligibility(store, g, as_of)
        assert got.pop("engine") == "compiled" and want.pop("engine") == "fast"
        assert json.dumps(got, sort_keys=True, default=str) == json.dumps(want, sort_keys=True, default=str), name


def test_a_submission_about_a_corpus_resource_is_refused_as_validation_refuses_it(store) -> None:
    from policykg.errors import UnprocessableInput

    g = _samples(store)[0][1]
    s = next(iter(submissions(get_bundle(store), g)))
    g.add((URIRef("https://w3id.org/policykg/doc/jfgg/2023/12"), URIRef("urn:x:p"), s))
    with pytest.raises(UnprocessableInput):
        eligibility(store, g, None)
