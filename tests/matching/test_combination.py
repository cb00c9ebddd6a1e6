"""The best combination is exact: a maximum-weight set of measures with no two in conflict."""
from __future__ import annotations

import itertools
import random
from decimal import Decimal

from policykg.matching import Conflict, best

EX = Conflict("exclusive", "urn:rule:one-mode", "urn:clause:1")
NDF = Conflict("no-double-funding", "urn:rule:ndf", "urn:clause:2")


def _d(**kw: int) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in kw.items()}


def test_two_smaller_measures_beat_the_largest_when_it_excludes_both():
    amounts = _d(big=1000, a=600, b=500)
    choice = best(amounts, {frozenset(("big", "a")): EX, frozenset(("big", "b")): NDF})
    assert choice.chosen == ["a", "b"] and choice.total == Decimal(1100)
    assert choice.lost == {"big": {"excludedBy": ["a", "b"], "rule": "urn:rule:one-mode", "kind": "exclusive",
                                   "clause": "urn:clause:1", "amount": Decimal(1000), "instead": Decimal(1100)}}


def test_the_largest_wins_when_the_others_together_are_less():
    choice = best(_d(big=1000, a=400, b=500), {frozenset(("big", "a")): EX, frozenset(("big", "b")): EX})
    assert choice.chosen == ["big"] and choice.total == 1000
    assert set(choice.lost) == {"a", "b"} and choice.lost["a"]["excludedBy"] == ["big"]


def test_measures_without_conflicts_are_all_held():
    choice = best(_d(a=1, b=2, c=3), {})
    assert choice.chosen == ["c", "b", "a"] and choice.total == 6 and choice.lost == {}


def test_it_is_exact_against_brute_force_on_random_conflict_graphs():
    rng = random.Random(7)
    for _ in range(200):
        names = [f"m{i}" for i in range(rng.randint(1, 9))]
        amounts = {n: Decimal(rng.randint(0, 50) * 100) for n in names}
        conflict = {frozenset(p): EX for p in itertools.combinations(names, 2) if rng.random() < 0.35}
        brute = max(sum((amounts[n] for n in s), Decimal(0))
                    for k in range(len(names) + 1) for s in itertools.combinations(names, k)
                    if not any(frozenset(p) in conflict for p in itertools.combinations(s, 2)))
        choice = best(amounts, conflict)
        assert choice.total == brute
        assert not any(frozenset(p) in conflict for p in itertools.combinations(choice.chosen, 2))
