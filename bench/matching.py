"""Matching and reforms over a generated registry, each beside the baseline of eligibility per submission.

    .venv/bin/python bench/matching.py [--submissions 1000] [--profiles 10] [--sample 40] [--seed 15]

The registry is bench/generate.py's (seeded; all submission types; awards), written into an in-memory
store with the corpus. Measured, in this process:
- matching one profile (policykg.matching.match: the project given + one submission per other type built
  from the applicant), p50/p95 over --profiles profiles made from stored submissions; beside it eligibility
  of the profile's project alone (one submission);
- candidates of one measure (12号's old-factory investment subsidy; the library query as a sieve, then
  eligibility of what it leaves); baseline: eligibility of every stored submission (timed on --sample of
  them and scaled to N, stated as such);
- a reform's impact (the leading-enterprise revenue threshold of 7号, 10亿 → 5亿; only the submissions of the
  types it touches are evaluated twice); baseline: every stored submission evaluated before and after
  (scaled from the same sample).
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, Row, timed_row  # noqa: E402

BENCH = "matching"
DAY = date(2024, 9, 1)
MEASURE = "https://w3id.org/policykg/doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure"
REFORM = {"name": "7号 leading enterprises from 5亿", "asOf": "2024-09-01", "changes": [
    {"target": "https://w3id.org/policykg/doc/jfgg/2023/7/criterion/leading-revenue-min-10yi",
     "property": "pkg:thresholdValue", "value": 50000}]}


def _ms(fn: object, *args: object, **kw: object) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args, **kw)  # type: ignore[operator]
    return (time.perf_counter() - t) * 1000, out


def measure(submissions: int = 1000, profiles: int = 10, sample: int = 40, seed: int = 15) -> list[Row]:
    from bench.generate import generate, load
    from policykg.eligibility import eligibility
    from policykg.matching import candidates, match
    from policykg.reforms import impact, parse_reform
    from policykg.registry import load_submission
    from policykg.store import OxiStore

    store = OxiStore(None)
    store.ensure_corpus(ROOT)
    subs, awards = generate(submissions, seed)
    t = time.perf_counter()
    ids = load(store, subs, awards)["ids"]
    load_s = time.perf_counter() - t
    order = sorted(ids)
    by_type: dict[str, list[int]] = {}
    for i in order:
        by_type.setdefault(subs[i]["type"], []).append(i)
    per_type = max(1, sample // len(by_type))
    elig_ms, mean = [], {}
    for t, members in by_type.items():  # the baseline per type (their costs differ ×10), scaled by their counts
        ms = [_ms(eligibility, store, load_submission(store, ids[i])["data"], DAY)[0] for i in members[:per_type]]
        elig_ms += ms
        mean[t] = sum(ms) / len(ms)
    all_ms = sum(mean[t] * len(m) for t, m in by_type.items())  # eligibility of every stored submission, once
    base = timed_row(BENCH, f"eligibility of one stored submission (baseline; {per_type} per type)",
                     elig_ms, key="eligibility per submission")
    # matching: profiles from stored renovation projects (the applicant and its project)
    renov = [i for i in order if subs[i]["type"] == "RenovationProject"][:profiles]
    m_ms, p_ms = [], []
    for i in renov:
        proj = {k: v for k, v in subs[i].items() if k != "applicant"}
        p_ms.append(_ms(eligibility, store, load_submission(store, ids[i])["data"], DAY)[0])
        m_ms.append(_ms(match, store, {"applicant": subs[i]["applicant"], "projects": [proj],
                                       "asOf": DAY.isoformat()})[0])
    prow = timed_row(BENCH, "eligibility of the profile's project alone (baseline)", p_ms, key="project alone")
    mrow = timed_row(BENCH, "matching one profile (POST /api/match's code)", m_ms)
    mrow.vs = [(prow.name, prow.median_ms / mrow.median_ms)]
    # candidates of one measure
    c_ms, c = _ms(candidates, store, ROOT, MEASURE, DAY)
    crow = Row(BENCH, f"candidates of 12号 old-factory subsidy over N={submissions}", 1, c_ms, c_ms,
               note=f"sieve left {c['counts']['sieved']} of {c['counts']['stored']}; {c['counts']['candidates']} "
                    f"candidates; baseline ≈ Σ per type count × mean = {all_ms / 1000:.0f} s (scaled from the sample)")
    crow.vs = [("eligibility of every stored submission", all_ms / c_ms)]
    # the reform's impact
    reform = parse_reform(REFORM)
    r_ms, out = _ms(impact, store, ROOT, reform)
    rrow = Row(BENCH, f"a reform's impact over N={submissions} ({REFORM['name']})", 1, r_ms, r_ms,
               note=f"{out['counts']['evaluated']} of {out['counts']['submissions']} evaluated twice, "
                    f"{out['counts']['becameEligible']} became eligible; baseline ≈ 2 × {all_ms / 1000:.0f} s "
                    f"(every stored submission before and after, scaled from the sample)")
    rrow.vs = [("2 × eligibility of every stored submission", 2 * all_ms / r_ms)]
    gen = Row(BENCH, f"generate + store N={submissions} submissions, {len(awards)} awards", 1, load_s * 1000,
              load_s * 1000)
    every = Row(BENCH, "eligibility of every stored submission, once (baseline; scaled from the sample)", len(order),
                all_ms, all_ms, key="eligibility of every stored submission")
    twice = Row(BENCH, "eligibility of every stored submission, before and after (baseline; scaled)", len(order),
                2 * all_ms, 2 * all_ms, key="2 × eligibility of every stored submission")
    return [gen, base, prow, mrow, every, crow, twice, rrow]


def main() -> int:
    from bench.run import print_rows

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--submissions", type=int, default=1000)
    ap.add_argument("--profiles", type=int, default=10)
    ap.add_argument("--sample", type=int, default=40, help="stored submissions timed for the baseline")
    ap.add_argument("--seed", type=int, default=15)
    a = ap.parse_args()
    print_rows(measure(a.submissions, a.profiles, a.sample, a.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
