"""On every one-project case of tests/cases/, eligibility on the compiled validator (copy 0's shapes once, the
registry looked up once, the store of the copies limited to those a SPARQL constraint reads) answers exactly as the
graph of copies validated per copy by registry.check on the compiled engine (eligibility's path without a compiled
validator: every copy validated in full, its own store, its own registry look-ups)."""
from __future__ import annotations

import json

import pytest

from policykg.corpus.index import build_index
from policykg.eligibility import hypothetical
from policykg.eligibility.evaluate import eligibility, plan
from policykg.errors import PolicyKGError
from policykg.registry.checks import check
from policykg.submission.jsonform import json_to_graph
from policykg.validation import get_bundle, submissions
from tests.shapes.caseload import case_files, load


def _per_copy(store, data, s, day, requests):
    g, subjects, owner = plan(data, s, requests)
    ref = check(store, g, day, engine="compiled")
    return hypothetical.Evaluated(ref.results, ref.shapes_version, ref.engine), subjects, owner


@pytest.fixture(scope="module")
def one_project(store) -> list:
    b, index, out = get_bundle(store), build_index(store), []
    for p in case_files():
        c = load(p)
        if c.submission is None:
            continue
        try:
            g = json_to_graph(c.submission, index)
        except PolicyKGError:
            continue
        if len(submissions(b, g)) == 1:
            out.append((c.id, g, c.as_of))
    return out


@pytest.mark.parametrize("chunk", range(6))
def test_every_one_project_case_gets_the_answer_of_its_copies_validated_one_by_one(store, one_project, monkeypatch,
                                                                                   chunk: int) -> None:
    assert len(one_project) > 150
    for name, g, as_of in one_project[chunk::6]:
        try:
            got = eligibility(store, g, as_of)
        except PolicyKGError as e:  # refused: refused the same way per copy
            with monkeypatch.context() as m, pytest.raises(type(e)):
                m.setattr(hypothetical, "evaluate", _per_copy)
                eligibility(store, g, as_of)
            continue
        with monkeypatch.context() as m:
            m.setattr(hypothetical, "evaluate", _per_copy)
            want = eligibility(store, g, as_of)
        assert got.pop("engine") == want.pop("engine") == "compiled"
        assert json.dumps(got, sort_keys=True, default=str) == json.dumps(want, sort_keys=True, default=str), name
