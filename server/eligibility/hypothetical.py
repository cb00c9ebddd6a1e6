"""The hypothetical requests of eligibility evaluated on the compiled validator (server/validation/compiled/).

eligibility() asks, for each candidate measure, what a copy of the submission requesting only
that measure would add to a copy requesting nothing (copy 0). The copies are written here as
the compiled validator's triples (the same copies as evaluate.plan writes into a graph), and:
- the shapes that apply whatever is requested – the criteria of the documents, the submission
  type – run on copy 0 alone, since on the other copies they read the same figures;
- each other copy runs only what its request brings: the measure's own criteria, amount,
  double funding and exclusions (the amount shapes of all the copies in one query);
- the registry's checks are registry.check's: prior awards as context, cumulative per-year caps; the copies'
  project keys (one per copy when the submission has no project code) are first looked up in one query, and
  when the registry holds no record under any of them the per-key look-ups are skipped (they would find nothing).
Without a compiled validator (a shape that does not compile) eligibility validates evaluate.plan's graph.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from policykg.eligibility.copies import write_copies
from policykg.errors import UnprocessableInput
from policykg.namespaces import PKG, PREFIXES
from policykg.registry import history_findings, registry_context, yearly_findings
from policykg.validation import (
    RESERVED,
    Facts,
    compiled,
    complete,
    get_bundle,
    project_key,
    run_facts,
    submissions,
)

ASOF = PKG.asOf
KEYS_Q = f"PREFIX pkg: <{PREFIXES['pkg']}>\n" + """ASK {
  { VALUES ?key { @KEYS@ } { ?r pkg:projectKey ?key } UNION { GRAPH ?g { ?r pkg:projectKey ?key } } }
  UNION { VALUES ?cc { @CODES@ } { ?r pkg:creditCode ?cc } UNION { GRAPH ?g { ?r pkg:creditCode ?cc } } }
}"""


def recorded(store: Any, keys: set[str], codes: set[str] | frozenset[str] = frozenset()) -> bool:
    """Whether the registry holds any record (award, submission) under one of the project `keys` or, with `codes`,
    naming one of those enterprise credit codes: one query, the values written in it by pyoxigraph's serialiser
    (values in the query text choose the index)."""
    return store.ask(recorded_query(keys, codes), registry=True)


def recorded_query(keys: set[str], codes: set[str] | frozenset[str] = frozenset()) -> str:
    """recorded's ASK (a batch that knows its answer gives it to its registry view: registry/prefetch.py)."""
    def lits(xs: set[str] | frozenset[str]) -> str:
        return " ".join(str(ox.Literal(x)) for x in sorted(xs))
    return KEYS_Q.replace("@KEYS@", lits(keys)).replace("@CODES@", lits(codes))


@dataclass
class Evaluated:
    results: list[dict[str, Any]]
    shapes_version: str
    engine: str


def copies(b: Any, data: Graph, s: URIRef, requests: list[tuple[URIRef, Decimal | None]]
           ) -> tuple[Facts, list[URIRef], dict[Node, int]]:
    """evaluate.plan's copies (copy 0 without requests, copy i+1 requesting requests[i]) as triples; node -> copy."""
    for t in data:
        if isinstance(t[0], URIRef) and str(t[0]).startswith(RESERVED):
            raise UnprocessableInput(f"a submission may not make statements about corpus resource <{t[0]}>",
                                     {"field": "@id", "value": str(t[0])})
    f = Facts(b.cache.setdefault("compiled-context-quads", {}))
    subjects, owner = write_copies(data, s, requests, f.add, leave_out=(ASOF,))
    return f, subjects, owner


def evaluate(store: Any, data: Graph, s: URIRef, day: date, requests: list[tuple[URIRef, Decimal | None]]
             ) -> tuple[Evaluated, list[URIRef], dict[Node, int]] | None:
    """(the results of all the copies, the copies' subjects, node -> copy); None without a compiled validator
    (evaluate.eligibility then validates evaluate.plan's graph with registry.check)."""
    b = get_bundle(store)
    if compiled(b) is None:
        return None
    f, subjects, owner = copies(b, data, s, requests)
    held = recorded(store, {project_key(f, x) for x in subjects})  # type: ignore[arg-type]
    registry = registry_context(store, b, f, day) if held else None  # type: ignore[arg-type]
    dates = complete(f, b, submissions(b, f), day, registry)  # type: ignore[arg-type]
    out = run_facts(store, b, f, dates, owner)
    if out is None:
        return None
    # registry.check's findings (no stored submission is one of these copies: no own id)
    found = yearly_findings(store, b, f, dates)  # type: ignore[arg-type]
    found += history_findings(store, b, f, dates, set()) if held else []  # type: ignore[arg-type]
    results = sorted(out.results + found, key=lambda x: (x["sourceShape"], x["focusNode"] or "", str(x["value"]),
                                                         x["message"]["en"]))
    return Evaluated(results, out.version, "compiled"), subjects, owner
