"""The hypothetical requests of eligibility evaluated on the compiled validator (server/validation/compiled/).

eligibility() builds one graph of copies of the submission (copy 0 without requests, copy i
requesting the i-th candidate measure). Validated as one submission each, every copy would
repeat the shapes that apply whatever is requested – the criteria of the documents, the
submission type – although eligibility keeps only what a copy adds to copy 0. Here those
shapes run on copy 0 alone, and each other copy runs only what its request brings: the
measure's own criteria, amount, double funding and exclusions (the amount shapes of all the
copies in one query). The registry's checks are registry.check's: prior awards as context,
cumulative per-year caps. Without a compiled validator this is registry.check itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from policykg.registry import check
from policykg.registry.checks import registry_context, yearly_findings
from policykg.validation import get_bundle
from policykg.validation.compiled import run_compiled


@dataclass
class Evaluated:
    results: list[dict[str, Any]]
    shapes_version: str
    engine: str


def evaluate(store: Any, g: Graph, day: date, copies: dict[Node, int]) -> Evaluated:
    b = get_bundle(store)
    out = run_compiled(store, b, g, day, registry_context(store, b, g), copies=copies)
    if out is None:
        ref = check(store, g, day)
        return Evaluated(ref.results, ref.shapes_version, ref.engine)
    found = yearly_findings(store, b, g, out.as_of)
    results = sorted(out.results + found, key=lambda x: (x["sourceShape"], x["focusNode"] or "", str(x["value"]),
                                                         x["message"]["en"]))
    return Evaluated(results, out.shapes_version, out.engine)
