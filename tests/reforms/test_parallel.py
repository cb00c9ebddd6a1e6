"""`policykg reform --jobs 2` (reforms/parallel.py: worker processes reading the data directory read-only) gives
impact()'s answer, row for row, on a seeded registry on disk."""
from __future__ import annotations

import sys
from pathlib import Path

from policykg.reforms import impact, impact_jobs, parse_reform
from policykg.store import OxiStore

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.generate import generate, load  # noqa: E402

REFORM = parse_reform({"name": "12号 area 3000 → 2000 m²", "asOf": "2024-09-01", "changes": [
    {"target": "https://w3id.org/policykg/doc/jfgg/2023/12/criterion/old-factory-area",
     "property": "pkg:thresholdValue", "value": 2000}]})


def test_two_worker_processes_give_the_single_process_answer_with_a_progress_bar(tmp_path):
    path = tmp_path / "store"
    store = OxiStore(path)
    store.ensure_corpus(ROOT)
    subs, awards = generate(70, 15)
    load(store, subs, awards, bulk=True, at="2026-01-02T03:04:05+00:00")
    one = impact(store, ROOT, REFORM)
    seen: list[tuple[int, int]] = []
    two = impact_jobs(store, ROOT, REFORM, 2, lambda done, total: seen.append((done, total)))
    assert two == one
    assert one["counts"]["evaluated"] > 20 and any(r["changed"] for r in one["submissions"])  # not a pass on nothing
    assert seen[-1] == (70, 70) and [d for d, _t in seen] == sorted(d for d, _t in seen)
    OxiStore(path).close()  # the parent's handle was closed and the workers' were read-only: it opens read-write again
