"""engine="compiled": the shapes compiled once per corpus version, each submission a look-up and a few checks.

A target index (compiled/targets.py), the SHACL core constraints the generated shapes use in
Python (compiled/core.py), the SHACL-SPARQL constraints prepared once and run on a pyoxigraph
store of the submission's few dozen triples (compiled/sparql.py), results as plain data and
the report graph only on demand (compiled/report.py). pySHACL stays the reference:
tests/shapes/test_compiled.py compares the two on every case and on generated submissions.
What does not compile goes to engine="fast" (pySHACL core + pyoxigraph).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rdflib import Graph, URIRef

from policykg.validation.bundle import Bundle
from policykg.validation.compiled.facts import Facts, complete, prepare
from policykg.validation.compiled.validator import Raw, Validator, compiled


@dataclass
class Checked:
    """What the compiled validator found: engine.validate makes it an Outcome (report graph on demand)."""

    conforms: bool
    results: list[dict[str, Any]]
    report: Callable[[], Graph]  # writes the report graph
    as_of: dict[str, str]
    version: str
    facts: Facts | None = None  # the prepared submission
    focus: dict[Any, list[Any]] | None = None  # shape -> focus nodes (what was checked: validation/checked.py)


def run_compiled(store: Any, b: Bundle, data: Graph, subjects: list[URIRef], as_of: date | None,
                 registry: Graph | None, reserved: tuple[str, ...]) -> Checked | None:
    """engine="compiled" on `data` (its submissions `subjects`), or None when a shape that applies did not compile."""
    if compiled(b) is None:
        return None
    f, dates = prepare(b, data, subjects, as_of, registry, reserved)
    return run_facts(store, b, f, dates)


def run_facts(store: Any, b: Bundle, f: Facts, dates: dict[str, str],
              copies: dict[Any, int] | None = None) -> Checked | None:
    """The findings for prepared triples (`copies`: Validator.run), or None when a shape that applies did not
    compile."""
    from policykg.validation.compiled.report import report_graph, results

    v = compiled(b)
    if v is None:
        return None
    focus = v.focus_nodes(f, copies)
    raw = v.run(f, copies, focus)
    if raw is None:
        return None
    pairs = results(b, store, v, f, raw)
    conforms = not any(x["severity"] == "Violation" for x, _r in pairs)
    return Checked(conforms, [x for x, _r in pairs], lambda: report_graph(b, pairs, conforms), dates, b.version, f,
                   focus)


__all__ = ["Checked", "Facts", "Raw", "Validator", "complete", "compiled", "prepare", "run_compiled", "run_facts"]
