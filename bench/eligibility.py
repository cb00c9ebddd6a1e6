"""Eligibility: ms per request of policykg.eligibility.evaluate.eligibility, against N separate validations.

    .venv/bin/python bench/eligibility.py [--sample N]

eligibility() validates one graph holding a copy of the submission per candidate measure
plus a baseline copy, in one run. The naive baseline asks the same question with one
validation per candidate measure (the submission requesting only that measure, at the same
maximum amount) plus one for the baseline copy, through the same checks (registry_checks.check,
engine=fast). Submissions: the JSON-form cases of tests/cases/ with one project, spread over
the submission types.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rdflib import Graph  # noqa: E402

from bench.common import ROOT, Row, case_graph, cases, faster, spread, time_each, timed_row  # noqa: E402

BENCH = "eligibility"
PATH = "eligibility() (one run, all measures)"
NAIVE = "N+1 separate validations (naive)"


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
    check(store, g0, day)
    for m in cands:
        amount = amount_for(store, b, data, s, m.iri, day, "zh")[0]
        g, _subjects, owner = plan(data, s, [(m.iri, amount)])
        own = {n for n, i in owner.items() if i == 0}
        for t in [t for t in g if t[0] in own]:
            g.remove(t)
        check(store, g, day)


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


def measure(sample: int = 12) -> list[Row]:
    from policykg.eligibility.evaluate import eligibility
    from policykg.store import corpus_store

    store = corpus_store(ROOT)
    items = submissions(store, sample)
    eligibility(*items[0])  # the bundle, the catalogue and the split, once per corpus version
    ms = time_each(eligibility, items)
    base = time_each(naive, items)
    measures = sorted(len(requests_of(*i)[2]) for i in items)
    b = timed_row(BENCH, NAIVE, base, note=f"{measures[0]}-{measures[-1]} candidate measures per submission", key="N+1 validations")
    e = timed_row(BENCH, PATH, ms)
    e.vs = [faster(b, e)]
    return [b, e]


def main() -> int:
    from bench.run import print_rows

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=int, default=12, help="submissions (default 12)")
    print_rows(measure(ap.parse_args().sample))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
