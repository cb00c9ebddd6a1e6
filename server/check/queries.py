"""`policykg check` for the query library: every query parses in the engine, names real
clauses, and every `*-violation.rq` (or `expect_empty: true`) returns no rows on the corpus.

The header itself is checked by the "queries" check of server/check/runner.py.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from policykg.check.report import Problem, Report, check
from policykg.errors import CorpusError
from policykg.namespaces import BASE, PREFIXES
from policykg.sparql import NamedQuery, parse_query_file


def _library(root: Path) -> list[NamedQuery]:
    out = []
    for f in sorted((root / "queries").glob("*.rq")):
        try:
            out.append(parse_query_file(f))
        except CorpusError:
            continue  # reported by the "queries" check
    return out


@check("query-syntax")
def check_query_syntax(root: Path, report: Report) -> None:
    """Each query parses in pyoxigraph (an empty store: nothing runs) and its clauses exist."""
    from policykg.store import OxiStore

    empty = ox.Store()
    library = _library(root)
    for q in library:
        try:
            empty.query(q.text, base_iri=BASE, prefixes=dict(PREFIXES))
        except SyntaxError as e:
            report.problems.append(Problem("query-syntax", str(e), f"queries/{q.path.name}", _line(e)))
    clauses = {c for q in library for c in q.clauses}
    if clauses:
        store = OxiStore(None)
        store.ensure_corpus(root)
        for q in library:
            for c in q.clauses:
                if not store.ask("ASK { ?c a <http://data.europa.eu/eli/ontology#LegalResourceSubdivision> }",
                                 {"c": ox.NamedNode(c)}):
                    report.problems.append(Problem("query-syntax", f"clause {c} is not in the corpus",
                                                   f"queries/{q.path.name}"))
    report.info.append(f"{len(library)} library queries parse")


@check("query-violations")
def check_query_violations(root: Path, report: Report) -> None:
    """`*-violation` queries are corpus quality checks: each row they return is a problem."""
    from policykg.store import OxiStore

    checks = [q for q in _library(root) if q.is_violation_check or q.expect_empty]
    if not checks:
        return
    store = OxiStore(None)
    store.ensure_corpus(root)
    for q in checks:
        try:
            rows = store.select(q.text, q.bindings({}), registry=q.reads_registry)
        except (SyntaxError, OSError) as e:
            report.problems.append(Problem("query-violations", f"could not run: {e}", f"queries/{q.path.name}"))
            continue
        for row in rows[:50]:
            shown = ", ".join(f"{k}={v.value.removeprefix(BASE)}" for k, v in sorted(row.items()))
            report.problems.append(Problem("query-violations", f"{q.summary}: {shown}", f"queries/{q.path.name}"))
    report.info.append(f"{len(checks)} violation queries run on the corpus")


def _line(e: SyntaxError) -> int | None:
    import re

    m = re.search(r"error at (\d+):", str(e))
    return int(m.group(1)) if m else None
