"""The fast path of candidates (matching/sieve.py, registry/judged.py) against the per-submission path, on a
seeded registry of 200 generated submissions of every type (bench/generate.py, seed 15): the same sieve as the
library query for every measure in force, the same candidates as eligibility of every stored submission, and
judgements kept between requests dropped exactly when the project's or the enterprise's records change."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bench.generate import generate, load
from policykg.eligibility import catalogue
from policykg.matching.candidates import candidates, judge, resolve, sieve, stored_ids
from policykg.matching.sieve import sieve as fast_sieve
from policykg.registry.judged import cache_for
from policykg.registry.records import record_award
from policykg.store import OxiStore
from policykg.validation import get_bundle

DAY = date(2024, 9, 1)
D = "https://w3id.org/policykg/doc"
MEASURES = [f"{D}/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure",
            f"{D}/jjxj/2022/old-factory/measure/srdi-park-construction-grant"]


@pytest.fixture(scope="module")
def registry(root):
    store = OxiStore(None)
    store.ensure_corpus(root)
    subs, awards = generate(200, 15)
    load(store, subs, awards)
    return store


def test_the_python_sieve_leaves_what_the_library_query_leaves_for_every_measure_in_force(registry, root):
    measures = [m for m in catalogue(registry, get_bundle(registry)).values() if m.in_force(DAY)]
    assert len(measures) > 100
    differ = {m.slug: (len(sieve(registry, root, str(m.iri), DAY)), len(fast_sieve(registry, m, str(m.iri))))
              for m in measures if sieve(registry, root, str(m.iri), DAY) != fast_sieve(registry, m, str(m.iri))}
    assert differ == {}
    assert any(fast_sieve(registry, m, str(m.iri)) for m in measures)  # not a pass on nothing


@pytest.mark.parametrize("measure", MEASURES)
def test_the_fast_path_names_the_candidates_eligibility_of_every_stored_submission_names(registry, root, measure):
    fast = candidates(registry, root, measure, DAY)
    every = [e for sid in stored_ids(registry) if (e := judge(registry, sid, measure, DAY, "zh")) is not None]
    every.sort(key=lambda c: (-(c["maxAmount"] or 0), c["id"]))
    assert fast["candidates"] == every
    assert fast["counts"]["sieved"] < fast["counts"]["stored"] == 200
    assert every, "the seeded registry holds candidates of this measure"


def test_kept_judgements_are_reused_and_dropped_when_the_project_is_awarded(registry, root):
    measure = MEASURES[0]
    first = candidates(registry, root, measure, DAY)
    again = candidates(registry, root, measure, DAY)
    assert again["candidates"] == first["candidates"]
    assert again["counts"]["judgedBefore"] == again["counts"]["sieved"]  # nothing evaluated twice
    gone = first["candidates"][0]
    record_award(registry, project_key=gone["projectKey"], measure=measure, amount=Decimal("100"),
                 when=date(2024, 8, 1), credit_code=gone["applicant"].get("creditCode"), body_sha="test-fast")
    after = candidates(registry, root, measure, DAY)
    assert [c["id"] for c in after["candidates"]] == [c["id"] for c in first["candidates"][1:]]
    assert after["counts"]["sieved"] == first["counts"]["sieved"] - 1  # the awarded project leaves the sieve
    kept = cache_for(registry).entries.values()
    assert not any(key == gone["projectKey"] for _j, key, _cc in kept)  # its judgements dropped
    assert sum(1 for _j, key, _cc in kept if key != gone["projectKey"]) >= after["counts"]["sieved"]  # not the others


def test_a_reform_evaluated_again_reuses_today_s_answers_and_gives_the_same_impact(registry, root):
    from policykg.reforms import impact, parse_reform

    reform = parse_reform({"name": "7号 leading enterprises from 5亿", "asOf": "2024-09-01", "changes": [
        {"target": f"{D}/jfgg/2023/7/criterion/leading-revenue-min-10yi", "property": "pkg:thresholdValue",
         "value": 50000}]})
    kept = cache_for(registry)
    first = impact(registry, root, reform)
    hits = kept.hits
    second = impact(registry, root, reform)
    assert second == first and first["counts"]["evaluated"] > 0
    assert kept.hits - hits == first["counts"]["evaluated"]  # every "before" from the first run


def test_a_submission_stored_after_the_first_request_enters_the_kept_index_and_the_candidates(registry, root):
    measure = MEASURES[0]
    first = candidates(registry, root, measure, DAY)  # the index of stored projects is kept from here on
    model = next(f for f in generate(200, 15)[0] if f["type"] == "RenovationProject"
                 and f["id"] in {c["project"].rsplit("/", 1)[-1] for c in first["candidates"]})
    new = {**model, "id": "late-comer", "projectCode": "LATE-1", "applicant": {**model["applicant"], "name": "后来者"}}
    new_id = load(registry, [new], [])["ids"][0]
    after = candidates(registry, root, measure, DAY)
    assert new_id in {c["id"] for c in after["candidates"]}
    assert after["counts"]["sieved"] == first["counts"]["sieved"] + 1
    assert fast_sieve(registry, resolve(registry, measure), measure, cache_for(registry).index) == \
        sieve(registry, root, measure, DAY)  # the index read again only for the new graph: the library query's
