"""A reform's impact read in batches (eligibility/batch.py: data graphs only, the projects' registry records in bulk,
"before" answers kept) is exactly the per-submission baseline (load_submission, eligibility on the store, nothing
kept), on a seeded registry of every submission type with awards, reports and pending requests
(tests/registry/reported.py): every row, every total, every count."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.reforms import impact, load_reform, parse_reform
from tests.registry.reported import reported

EXAMPLE = (Path(__file__).resolve().parents[2] / "docs" / "reforms" / "jfgg-2023-12-old-factory-2000m2.yaml").read_text(
    encoding="utf-8")  # 12号: old-factory area 3000 → 2000 m², cap 5000 → 3000 万元
LEADING = {"name": "7号 leading enterprises from 3亿", "asOf": "2024-09-01", "changes": [  # bench/matching.py's, lower
    {"target": "https://w3id.org/policykg/doc/jfgg/2023/7/criterion/leading-revenue-min-10yi",
     "property": "pkg:thresholdValue", "value": 30000}]}


@pytest.fixture(scope="module")
def registry():
    return reported()[0]


@pytest.mark.parametrize("reform", [load_reform(EXAMPLE), parse_reform(LEADING)], ids=["12号 example", "7号 leading"])
def test_the_batch_gives_every_row_the_per_submission_baseline_gives(registry, root, reform):
    fast = impact(registry, root, reform)  # first: nothing kept yet for this store
    again = impact(registry, root, reform)  # "before" answers kept
    slow = impact(registry, root, reform, baseline=True)
    assert fast == slow
    assert again == slow
    assert slow["counts"]["evaluated"] > 10
    assert any(r["changed"] for r in slow["submissions"])  # not a pass on nothing: the reform changes outcomes
