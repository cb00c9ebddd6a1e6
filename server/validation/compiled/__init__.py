"""engine="compiled": the shapes compiled once per corpus version, each submission a look-up and a few checks.

A target index (compiled/targets.py), the SHACL core constraints the generated shapes use in
Python (compiled/core.py), the SHACL-SPARQL constraints prepared once and run on a pyoxigraph
store of the submission's few dozen triples (compiled/sparql.py), results as plain data and
the report graph only on demand (compiled/report.py). pySHACL stays the reference:
tests/shapes/test_compiled.py compares the two on every case and on generated submissions.
What does not compile goes to engine="fast" (pySHACL core + pyoxigraph).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from rdflib import Graph

from policykg.validation.bundle import Bundle
from policykg.validation.compiled.facts import Facts, complete, prepare
from policykg.validation.compiled.validator import Raw, Validator, compiled


def run_compiled(store: Any, b: Bundle, data: Graph, as_of: date | None, registry: Graph | None) -> Any:
    """The Outcome of engine="compiled", or None when a shape that applies did not compile."""
    from policykg.validation.engine import RESERVED, submissions

    if compiled(b) is None:
        return None
    f, dates = prepare(b, data, submissions(b, data), as_of, registry, RESERVED)
    return run_facts(store, b, f, dates)


def run_facts(store: Any, b: Bundle, f: Facts, dates: dict[str, str], copies: dict[Any, int] | None = None) -> Any:
    """The Outcome for prepared triples (`copies`: Validator.run), or None when a shape that applies did not
    compile."""
    from policykg.validation.compiled.report import CompiledOutcome, report_graph, results

    v = compiled(b)
    raw = v.run(f, copies) if v is not None else None
    if raw is None:
        return None
    pairs = results(b, store, v, f, raw)  # type: ignore[arg-type]
    conforms = not any(x["severity"] == "Violation" for x, _r in pairs)
    return CompiledOutcome(conforms, [x for x, _r in pairs], lambda: report_graph(b, pairs, conforms), dates,
                           b.version)


__all__ = ["Facts", "Raw", "Validator", "complete", "compiled", "prepare", "run_compiled", "run_facts"]
