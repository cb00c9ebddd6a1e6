"""`policykg check`: the consistency of the whole corpus (ontology, policies, shapes, queries, sources).

Each check returns problems naming the file and, where there is one, the line. The
checks run in the order their modules are imported here: syntax first, so that a
broken file is named once before the checks that need the loaded corpus.
"""
from __future__ import annotations

from pathlib import Path

from policykg.check import clauses, queries, shapes, syntax
from policykg.check.report import CHECKS, Problem, Report
from policykg.errors import CorpusError

# Importing a module registers its checks; they run in this order of modules.
MODULES = (syntax, clauses, shapes, queries)


def ordered_checks() -> list:
    rank = {m.__name__: i for i, m in enumerate(MODULES)}
    return sorted(CHECKS, key=lambda c: rank.get(c[1].__module__, len(rank)))


def run_checks(root: Path, only: list[str] | None = None) -> Report:
    report = Report()
    broken = False
    for name, fn in ordered_checks():
        if only and name not in only:
            continue
        try:
            fn(root, report)
        except CorpusError as e:
            # checks that need the loaded corpus cannot run on a broken file: the
            # turtle check names it; report it once if that check was not asked for
            if not broken and not any(p.check == "turtle" for p in report.problems):
                report.problems.append(Problem(name, e.message, e.file, e.line))
            broken = True
            report.info.append(f"{name}: skipped, the corpus does not load")
    return report
