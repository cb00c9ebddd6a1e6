"""Eligibility: ms per request of policykg.eligibility.evaluate.eligibility, against N separate validations and the
graph of copies validated as one submission.

    .venv/bin/python bench/eligibility.py [--sample N]

eligibility() evaluates one graph holding a copy of the submission per candidate measure
plus a baseline copy on the compiled validator (what applies whatever is requested runs on the
baseline copy only); "before" is the same graph validated in one run of engine=fast. The naive baseline asks the same question with one
validation per candidate measure (the submission requesting only that measure, at the same
maximum amount) plus one for the baseline copy, through the same checks (registry_checks.check,
engine=fast). On the 40-48-candidate submissions, also the graph of copies validated per copy by the compiled
engine (registry.check, engine=compiled: what eligibility falls back to when a shape does not compile). Each row
of eligibility() gives its CPU time beside the wall clock (the load average of this shared machine moves the
latter). Submissions: the JSON-form cases of tests/cases/ with one project, spread over the submission types.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rdflib import Graph  # noqa: E402

from bench.common import (  # noqa: E402
    ROOT,
    Row,
    case_graph,
    cases,
    cpu_note,
    faster,
    spread,
    time_each,
    timed_row,
)

BENCH = "eligibility"
PATH = "eligibility() (compiled validator, copy 0's shapes once)"
NAIVE = "N+1 separate validations (naive)"
COPIES = "one engine=fast run over all the copies (before)"
LARGEST = "eligibility(), 40-48 candidate measures"
LARGEST_COPIES = "one engine=fast run over the copies, 40-48 candidates"
LARGEST_PER_COPY = "the copies validated per copy (engine=compiled), 40-48"


def requests_of(store: Any, data: Graph, as_of: date | None) -> tuple[Any, date, list[Any]]:
    """The candidate measures eligibility() would try (the same function, outside the timing)."""
    from policykg.eligibility.evaluate import candidates

    _, s, day, cands = candidates(store, data, as_of)
    return s, day, cands


def naive(store: Any, data: Graph, as_of: date | None) -> None:
    """One validation of the copy without requests, then one per candidate measure requesting only it."""
    from policykg.eligibility.evaluate import amount_for, plan
    from policykg.registry.checks import check
    from policykg.validation.bundle import get_bundle

    b = get_bundle(store)
    s, day, cands = requests_of(store, data, as_of)
    g0, _subjects, _owner = plan(data, s, [])
    check(store, g0, day, engine="fast")
    for m in cands:
        amount = amount_for(store, b, data, s, m.iri, day, "zh")[0]
        g, _subjects, owner = plan(data, s, [(m.iri, amount)])
        own = {n for n, i in owner.items() if i == 0}
        for t in [t for t in g if t[0] in own]:
            g.remove(t)
        check(store, g, day, engine="fast")


def submissions(store: Any, sample: int) -> list[tuple[Any, ...]]:
    """(store, graph, as_of) of `sample` one-project JSON cases, spread over the cases (and so the types)."""
    from policykg.errors import PolicyKGError
    from policykg.validation.bundle import get_bundle
    from policykg.validation.engine import submissions as subjects

    b = get_bundle(store)
    out = []
    for c in cases():
        if c.submission is None:
            continue
        g = case_graph(c, store)
        try:
            if len(subjects(b, g)) == 1 and requests_of(store, g, c.as_of)[2]:
                out.append((store, g, c.as_of))
        except PolicyKGError:
            continue
    return spread(out, sample)


def copies_fast(store: Any, data: Graph, as_of: date | None) -> Any:
    """eligibility() as it was: the graph of copies validated in one run of engine=fast (registry.check)."""
    from policykg.eligibility import hypothetical
    from policykg.eligibility.evaluate import eligibility, plan
    from policykg.registry.checks import check

    def one_run(st: Any, d: Graph, s: Any, day: date, requests: list) -> Any:
        g, subjects, owner = plan(d, s, requests)
        ref = check(st, g, day, engine="fast")
        return hypothetical.Evaluated(ref.results, ref.shapes_version, ref.engine), subjects, owner

    current = hypothetical.evaluate
    hypothetical.evaluate = one_run  # type: ignore[assignment]
    try:
        return eligibility(store, data, as_of)
    finally:
        hypothetical.evaluate = current  # type: ignore[assignment]


def copies_compiled(store: Any, data: Graph, as_of: date | None) -> Any:
    """The graph of copies validated by registry.check on the compiled engine, every copy in full (eligibility's
    path when the compiled validator is not available)."""
    from policykg.eligibility import hypothetical
    from policykg.eligibility.evaluate import eligibility, plan
    from policykg.registry.checks import check

    def per_copy(st: Any, d: Graph, s: Any, day: date, requests: list) -> Any:
        g, subjects, owner = plan(d, s, requests)
        ref = check(st, g, day, engine="compiled")
        return hypothetical.Evaluated(ref.results, ref.shapes_version, ref.engine), subjects, owner

    current = hypothetical.evaluate
    hypothetical.evaluate = per_copy  # type: ignore[assignment]
    try:
        return eligibility(store, data, as_of)
    finally:
        hypothetical.evaluate = current  # type: ignore[assignment]


def measure(sample: int = 12, largest: int = 12) -> list[Row]:
    from policykg.eligibility.evaluate import eligibility
    from policykg.store import corpus_store

    store = corpus_store(ROOT)
    every = submissions(store, 10_000)
    items = spread(every, sample)
    big = spread([i for i in every if len(requests_of(*i)[2]) >= 40], largest)
    eligibility(*items[0])  # the bundle, the catalogue and the compiled validator, once per corpus version
    cpu: list[float] = []
    ms = time_each(eligibility, items, cpu)
    base = time_each(naive, items)
    before = time_each(copies_fast, items)
    measures = sorted(len(requests_of(*i)[2]) for i in items)
    b = timed_row(BENCH, NAIVE, base, note=f"{measures[0]}-{measures[-1]} candidate measures per submission", key="N+1 validations")
    c = timed_row(BENCH, COPIES, before, key="copies, engine=fast")
    e = timed_row(BENCH, PATH, ms, note=cpu_note(cpu))
    e.vs = [faster(b, e), faster(c, e)]
    rows = [b, c, e]
    if big:
        cb = timed_row(BENCH, LARGEST_COPIES, time_each(copies_fast, big), key="copies, engine=fast, 40-48")
        pc = timed_row(BENCH, LARGEST_PER_COPY, time_each(copies_compiled, big), key="per copy, compiled, 40-48")
        big_cpu: list[float] = []
        eb = timed_row(BENCH, LARGEST, time_each(eligibility, big, big_cpu), note=cpu_note(big_cpu))
        eb.vs = [faster(cb, eb), faster(pc, eb)]
        rows += [cb, pc, eb]
    return rows


def main() -> int:
    from bench.run import print_rows

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=int, default=12, help="submissions (default 12)")
    ap.add_argument("--largest", type=int, default=12, help="submissions with 40-48 candidate measures (default 12)")
    args = ap.parse_args()
    print_rows(measure(args.sample, args.largest))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
