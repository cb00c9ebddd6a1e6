"""The yearly-cap check reads an enterprise's awards of one measure (VALUES), by either join order
(creditCode first, or the award records first for an enterprise over BIG records): the same rows as
all the enterprise's awards filtered by measure in Python (issue 13 item 5)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from policykg.registry import records
from policykg.store import OxiStore

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.generate import generate, load  # noqa: E402

SUBS, AWARDS = generate(60, seed=7)


@pytest.fixture(scope="module")
def store() -> OxiStore:
    s = OxiStore(None)
    s.ensure_corpus(ROOT)
    load(s, SUBS, AWARDS, bulk=True, at="2026-01-02T03:04:05+00:00")
    return s


def test_an_enterprises_awards_of_one_measure_are_the_same_by_either_join_order(store: OxiStore) -> None:
    firms = {SUBS[a["index"]]["applicant"]["creditCode"] for a in AWARDS}
    seen = 0
    for cc in sorted(firms):
        every = records.awards_for_enterprise(store, cc)
        assert every, cc
        for m in sorted({a["measure"] for a in every}):
            want = [a for a in every if a["measure"] == m]
            assert records.awards_for_enterprise(store, cc, m) == want
            assert records.awards_for_enterprise(store, cc, m, big=True) == want
            seen += len(want)
    assert seen == len(AWARDS)
