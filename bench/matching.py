"""Matching and reforms over a generated registry, each beside the baseline of eligibility per submission.

    .venv/bin/python bench/matching.py [--submissions 1000] [--profiles 10] [--sample 40] [--seed 15]
    .venv/bin/python bench/matching.py --submissions 10000 --data-dir /work/bench-data/registry-10k

The registry is bench/generate.py's (seeded; all submission types; awards), written into a store on disk
with the corpus, or a copy of a data dir built by bench/generate.py --data-dir with the same seed.
Measured, in this process:
- matching one profile (policykg.matching.match: the project given + one submission per other type built
  from the applicant), p50/p95 over --profiles profiles made from generated renovation projects and a quarter
  as many of the enterprise holding the most projects (`--parts` with nothing: matching alone); beside it
  eligibility of the profile's project alone (one submission);
- candidates of one measure (12号's old-factory investment subsidy: the sieve in Python over the index of stored
  projects, matching/sieve.py, then eligibility of what it leaves, read in batches: eligibility/batch.py), the first
  request (index read, nothing judged yet), again (index and judgements kept, registry/judged.py), and the first
  request after a restart (both read back from data_dir/judgements.sqlite, as after `policykg judge`); baselines:
  each sieved submission judged on its own (load_submission + eligibility of the measure; --sample × 5 of them
  timed, scaled) and eligibility of every stored submission (timed on --sample of them over the types and scaled
  to N by the type counts, stated as such);
- a reform's impact (the leading-enterprise revenue threshold of 7号, 10亿 → 5亿; only the submissions of the
  types it touches are evaluated twice, read in batches with their projects' registry records in bulk), first
  and again (today's answers kept); baselines: the per-submission path (impact(baseline=True): load_submission,
  eligibility before and after, each on its own; on --reform-sample of the touched submissions, scaled) and
  every stored submission evaluated before and after (scaled from the same sample).
The load average is printed before and after.
"""
from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import RDF, URIRef

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


def _open(submissions: int, seed: int, data_dir: Path | None) -> tuple[Any, list[dict[str, Any]], float, str]:
    """(store holding the corpus and the registry, the generated JSON forms, seconds to build it, what it is).
    --data-dir: a copy of a seeded data dir (bench/generate.py --data-dir; same seed = same forms), never the
    original (a store takes a lock and ensure_corpus may write)."""
    from bench.generate import generate, load
    from policykg.store import OxiStore

    subs, awards = generate(submissions, seed)
    t = time.perf_counter()
    if data_dir is not None:
        copy = Path(tempfile.mkdtemp(prefix="bench-matching-")) / "data"
        atexit.register(shutil.rmtree, copy.parent, True)
        shutil.copytree(data_dir, copy)
        store = OxiStore(copy / "store")
        store.ensure_corpus(ROOT)
        return store, subs, time.perf_counter() - t, f"copy of {data_dir}"
    tmp = Path(tempfile.mkdtemp(prefix="bench-matching-"))  # on disk, as a server's: its judgement file beside it
    atexit.register(shutil.rmtree, tmp, True)
    store = OxiStore(tmp / "data" / "store")
    store.ensure_corpus(ROOT)
    load(store, subs, awards)
    return store, subs, time.perf_counter() - t, f"generated into a store on disk, {len(awards)} awards"


def _sieved(store: Any) -> list[str]:
    from policykg.matching.candidates import resolve
    from policykg.matching.sieve import sieve

    return sieve(store, resolve(store, MEASURE), MEASURE)


def _touched(store: Any, reform: Any) -> set[str]:
    from policykg.eligibility import catalogue
    from policykg.reforms.impact import affected_measures, typed
    from policykg.validation import get_bundle

    cat = catalogue(store, get_bundle(store))
    return typed(store, {str(t) for m in affected_measures(store, reform) for t in cat[URIRef(m)].subtypes})


def _restarted(store: Any) -> Any:
    """The same data directory opened again with nothing kept in memory, the corpus bundle built (as a server's
    startup does)."""
    from policykg.registry import judged
    from policykg.store import OxiStore
    from policykg.validation import get_bundle

    path = store.path
    store.close()
    judged._CACHES.clear()
    store = OxiStore(path)
    store.ensure_corpus(ROOT)
    get_bundle(store)
    return store


def measure(submissions: int = 1000, profiles: int = 10, sample: int = 40, seed: int = 15,
            data_dir: Path | None = None, parts: frozenset[str] = frozenset(("candidates", "reform")),
            reform_sample: int = 2000) -> list[Row]:
    """The rows of matching (always) and of `parts` (candidates, reform: minutes each at 100k, first request)."""
    from policykg.eligibility import eligibility
    from policykg.matching import candidates, match
    from policykg.matching.candidates import judge, stored_ids
    from policykg.reforms import impact, parse_reform
    from policykg.registry import load_submission

    store, subs, load_s, what = _open(submissions, seed, data_dir)
    order = stored_ids(store)
    rng = random.Random(seed)
    by_type: dict[str, list[Any]] = {}  # the baseline per type (their costs differ ×10), scaled by their counts
    counts: dict[str, int] = {}
    for f in subs:
        counts[f["type"]] = counts.get(f["type"], 0) + 1
    for sid in rng.sample(order, min(len(order), sample * 20)):
        data = load_submission(store, sid)["data"]
        t = next((str(o).rsplit("#", 1)[-1] for o in data.objects(None, RDF.type)
                  if str(o).rsplit("#", 1)[-1] in counts), None)
        if t is not None and len(by_type.setdefault(t, [])) < max(1, sample // len(counts)):
            by_type[t].append(data)
    elig_ms, mean = [], {}
    for t, members in by_type.items():
        eligibility(store, members[0], DAY)  # warm: the bundle and compiled validator are built on first use
        ms = [_ms(eligibility, store, d, DAY)[0] for d in members]
        elig_ms += ms
        mean[t] = sum(ms) / len(ms)
    all_ms = sum(mean.get(t, 0) * n for t, n in counts.items())  # eligibility of every stored submission, once
    base = timed_row(BENCH, f"eligibility of one stored submission (baseline; {len(elig_ms)} over the types)",
                     elig_ms, key="eligibility per submission")
    # matching: profiles from generated renovation projects (the applicant and its project)
    renov = [f for f in subs if f["type"] == "RenovationProject"]
    sizes: dict[str, int] = {}
    for f in subs:
        sizes[f["applicant"]["creditCode"]] = sizes.get(f["applicant"]["creditCode"], 0) + 1
    top = max(sizes, key=lambda c: sizes[c])  # and a few of the enterprise holding the most projects
    renov = renov[:profiles] + [f for f in renov if f["applicant"]["creditCode"] == top][:max(1, profiles // 4)]
    m_ms, p_ms = [], []
    for f in renov:
        proj = {k: v for k, v in f.items() if k != "applicant"}
        from policykg.submission import parse_submission

        graph = parse_submission(json.dumps(f, ensure_ascii=False).encode(), "application/json", 1 << 22, store).graph
        p_ms.append(_ms(eligibility, store, graph, DAY)[0])
        m_ms.append(_ms(match, store, {"applicant": f["applicant"], "projects": [proj], "asOf": DAY.isoformat()})[0])
    prow = timed_row(BENCH, "eligibility of the profile's project alone (baseline)", p_ms, key="project alone")
    mrow = timed_row(BENCH, "matching one profile (POST /api/match's code)", m_ms)
    mrow.vs = [(prow.name, prow.median_ms / mrow.median_ms)]
    rows = [Row(BENCH, f"open N={submissions} ({what})", 1, load_s * 1000, load_s * 1000), base, prow, mrow]
    every = Row(BENCH, "eligibility of every stored submission, once (baseline; scaled from the sample)", len(order),
                all_ms, all_ms, key="eligibility of every stored submission")
    twice = Row(BENCH, "eligibility of every stored submission, before and after (baseline; scaled)", len(order),
                2 * all_ms, 2 * all_ms, key="2 × eligibility of every stored submission")
    rows.append(every)
    # candidates of one measure: first request (nothing kept: the index of stored projects read, every sieved
    # submission judged in batches), then again (index and judgements kept); baseline: each sieved submission
    # judged on its own (load_submission + eligibility of the measure: the per-submission path), on a sample
    for run in ("first request", "again, judgements kept") if "candidates" in parts else ():
        c_ms, c = _ms(candidates, store, ROOT, MEASURE, DAY)
        crow = Row(BENCH, f"candidates of 12号 old-factory subsidy over N={len(order)}, {run}", 1, c_ms, c_ms,
                   note=f"sieve left {c['counts']['sieved']} of {c['counts']['stored']}; {c['counts']['candidates']} "
                        f"candidates; {c['counts']['judgedBefore']} judgements kept; load average {os.getloadavg()[0]:.1f}")
        crow.vs = [("eligibility of every stored submission", all_ms / c_ms)]
        if run == "first request":
            sieved = _sieved(store)
            pick = rng.sample(sieved, min(len(sieved), sample * 5))
            one = [_ms(judge, store, sid, MEASURE, DAY, "zh")[0] for sid in pick]
            per = len(sieved) * sum(one) / max(1, len(one))
            rows.append(Row(BENCH, f"candidates: each of the {len(sieved)} sieved judged on its own (baseline; "
                                   f"{len(pick)} sampled, scaled)", len(sieved), per, per, key="candidates per submission"))
        crow.vs.append(("candidates per submission", per / c_ms))
        rows.append(crow)
    if "candidates" in parts and getattr(store, "path", None) is not None:
        store = _restarted(store)  # what a server finds after a restart, or after `policykg judge` ran overnight
        c_ms, c = _ms(candidates, store, ROOT, MEASURE, DAY)
        crow = Row(BENCH, f"candidates of 12号 old-factory subsidy over N={len(order)}, first request after a restart "
                          "(judgements and index read from data_dir/judgements.sqlite)", 1, c_ms, c_ms,
                   note=f"{c['counts']['judgedBefore']} of {c['counts']['sieved']} judgements read back; "
                        f"load average {os.getloadavg()[0]:.1f}")
        crow.vs = [("eligibility of every stored submission", all_ms / c_ms), ("candidates per submission", per / c_ms)]
        rows.append(crow)
    rows.append(twice)
    reform = parse_reform(REFORM)
    if "reform" in parts:  # baseline: the per-submission path (impact(baseline=True)), on a sample when large
        touched = sorted(_touched(store, reform))
        pick = set(touched) if len(touched) <= reform_sample else set(rng.sample(touched, reform_sample))
        b_ms, _b = _ms(impact, store, ROOT, reform, baseline=True, among=pick)
        b_ms *= len(touched) / max(1, len(pick))
        rows.append(Row(BENCH, f"a reform's impact, each of the {len(touched)} touched evaluated on its own (baseline"
                               + ("" if len(pick) == len(touched) else f"; {len(pick)} sampled, scaled") + ")", 1,
                        b_ms, b_ms, key="reform per submission"))
    for run in ("first", "again, today's answers kept") if "reform" in parts else ():
        r_ms, out = _ms(impact, store, ROOT, reform)
        rrow = Row(BENCH, f"a reform's impact over N={len(order)} ({REFORM['name']}), {run}", 1, r_ms, r_ms,
                   note=f"{out['counts']['evaluated']} of {out['counts']['submissions']} evaluated, "
                        f"{out['counts']['becameEligible']} became eligible; load average {os.getloadavg()[0]:.1f}")
        rrow.vs = [("reform per submission", b_ms / r_ms), ("2 × eligibility of every stored submission", 2 * all_ms / r_ms)]
        rows.append(rrow)
    return rows


def main() -> int:
    from bench.run import print_rows

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--submissions", type=int, default=1000)
    ap.add_argument("--profiles", type=int, default=10)
    ap.add_argument("--sample", type=int, default=40, help="stored submissions timed for the baseline")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--data-dir", type=Path, help="a seeded data dir of N submissions (copied first), e.g. "
                                                  "/work/bench-data/registry-10k with --submissions 10000")
    ap.add_argument("--reform-sample", type=int, default=2000,
                    help="the reform's per-submission baseline timed on at most this many touched submissions, scaled")
    ap.add_argument("--parts", nargs="*", default=["candidates", "reform"], choices=["candidates", "reform"],
                    help="besides matching (default both; none: matching alone)")
    a = ap.parse_args()
    print(f"load average {os.getloadavg()}", flush=True)
    print_rows(measure(a.submissions, a.profiles, a.sample, a.seed, a.data_dir, frozenset(a.parts), a.reform_sample))
    print(f"load average {os.getloadavg()}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
