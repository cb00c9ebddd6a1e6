"""`*-violation.rq` return nothing on the corpus, and find the breakage they are written for."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.check.runner import run_checks
from policykg.sparql.library import load_library
from policykg.store import OxiStore

ROOT = Path(__file__).resolve().parents[2]
CHECKS = sorted(n for n, q in load_library(ROOT).items() if q.is_violation_check)


@pytest.mark.parametrize("name", CHECKS)
def test_the_corpus_passes_each_violation_check(store, name: str) -> None:
    q = load_library(ROOT)[name]
    assert store.select(q.text, q.bindings({})) == []


BREAKS = {
    "share-out-of-range-violation": ("jfgg-2023-12.ttl", "pkg:rate 0.30 ;", "pkg:rate 30 ;"),
    "cap-below-floor-violation": ("jjxf-2024-20.ttl", "pkg:floor 10", "pkg:floor 4000"),
    "unknown-comparator-violation": ("jfgg-2023-12.ttl", 'pkg:comparator "gt"', 'pkg:comparator ">"'),
    "validity-dates-violation": ("jfgg-2023-7.ttl", 'eli:date_no_longer_in_force "2025-07-02"',
                                 'eli:date_no_longer_in_force "2023-07-02"'),
    "measure-without-clause-violation": ("jfgg-2023-12.ttl", "prov:wasDerivedFrom <doc/jfgg/2023/12/2/4/2> ;",
                                         "prov:wasDerivedFrom <doc/jfgg/2023/7/4/11> ;"),
    "measure-missing-label-violation": ("jjxf-2024-20.ttl", 'pkg:slug "jjxf-2024-20-', 'pkg:slugX "jjxf-2024-20-'),
}


def test_every_violation_check_has_a_breakage_test() -> None:
    assert sorted(BREAKS) == CHECKS


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_a_violation_check_finds_the_breakage_it_is_for(corpus_copy: Path, name: str) -> None:
    file, old, new = BREAKS[name]
    ttl = corpus_copy / "policies" / file
    text = ttl.read_text(encoding="utf-8")
    assert old in text
    ttl.write_text(text.replace(old, new, 1), encoding="utf-8")
    store = OxiStore(None)
    store.ensure_corpus(corpus_copy)
    q = load_library(corpus_copy)[name]
    assert store.select(q.text, q.bindings({}))
    report = run_checks(corpus_copy, ["query-violations"])
    assert [p.file for p in report.problems] and {p.file for p in report.problems} == {f"queries/{name}.rq"}


def test_policykg_check_reports_a_query_that_does_not_parse(corpus_copy: Path) -> None:
    (corpus_copy / "queries" / "broken.rq").write_text(
        "#+ summary: Broken\n#+ description: Broken on purpose.\n#+ tags: [test]\nSELECT ?s WHERE {\n ?s ?p\n}\n",
        encoding="utf-8")
    report = run_checks(corpus_copy, ["query-syntax"])
    (problem,) = report.problems
    assert (problem.check, problem.file) == ("query-syntax", "queries/broken.rq")
    assert problem.line is not None and problem.line >= 5  # where pyoxigraph's parser gave up
