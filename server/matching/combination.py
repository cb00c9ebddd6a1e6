"""The best combination of measures for one project: the largest total that may be held together.

Two measures conflict when the corpus forbids holding both (policykg.registry.conflicts: an exclusive
group, an exclusiveWith pair, or a no-double-funding rule across documents).

Algorithm: the measures and their conflicts form a graph; the best combination is a maximum-weight
independent set (weights = maximum amounts). Each connected component is solved on its own by
branch and bound (take the heaviest undecided measure or leave it; prune when the amounts left
cannot beat the best found). Exact; the work is at most the sum over components of 2^size, and
the corpus's components are small (the largest is the measures under one no-double-funding rule).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from policykg.registry import Conflict


@dataclass
class Choice:
    chosen: list[str]
    total: Decimal
    lost: dict[str, dict[str, Any]] = field(default_factory=dict)  # measure -> why it is not in the set


def best(amounts: dict[str, Decimal], conflict: dict[frozenset[str], Conflict]) -> Choice:
    """The maximum-weight set of measures with no conflict between any two (exact), and why each other lost."""
    adj: dict[str, set[str]] = {m: set() for m in amounts}
    for pair in conflict:
        a, b = tuple(pair)
        if a in adj and b in adj:
            adj[a].add(b)
            adj[b].add(a)
    chosen: list[str] = []
    for comp in _components(adj):
        chosen += _solve(sorted(comp, key=lambda m: (-amounts[m], m)), amounts, adj)
    picked = set(chosen)
    lost = {}
    for m in sorted(set(amounts) - picked):
        blockers = sorted(b for b in adj[m] if b in picked)
        c = conflict[frozenset((m, blockers[0]))] if blockers else None
        lost[m] = {"excludedBy": blockers, "rule": c.rule if c else None, "kind": c.kind if c else None,
                   "clause": c.clause if c else None, "amount": amounts[m],
                   "instead": sum((amounts[b] for b in blockers), Decimal(0))}
    return Choice(sorted(chosen, key=lambda m: (-amounts[m], m)), sum((amounts[m] for m in chosen), Decimal(0)), lost)


def _components(adj: dict[str, set[str]]) -> list[set[str]]:
    seen: set[str] = set()
    out = []
    for start in sorted(adj):
        if start in seen:
            continue
        comp, todo = set(), [start]
        while todo:
            n = todo.pop()
            if n not in comp:
                comp.add(n)
                todo.extend(adj[n] - comp)
        seen |= comp
        out.append(comp)
    return out


def _solve(order: list[str], w: dict[str, Decimal], adj: dict[str, set[str]]) -> list[str]:
    """Branch and bound over one component, heaviest first; ties go to the first in `order`."""
    best_set: list[str] = []
    best_w = Decimal(-1)
    suffix = [Decimal(0)] * (len(order) + 1)
    for i in range(len(order) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + w[order[i]]

    def go(i: int, taken: list[str], blocked: frozenset[str], total: Decimal) -> None:
        nonlocal best_set, best_w
        if total + suffix[i] <= best_w:
            return
        if i == len(order):
            best_set, best_w = list(taken), total
            return
        m = order[i]
        if m not in blocked:
            go(i + 1, [*taken, m], blocked | adj[m], total + w[m])
        go(i + 1, taken, blocked, total)

    go(0, [], frozenset(), Decimal(0))
    return best_set
