"""The hypothetical requests of eligibility evaluated on the compiled validator (server/validation/compiled/).

eligibility() asks, for each candidate measure, what a copy of the submission requesting only
that measure would add to a copy requesting nothing (copy 0). The copies are written here as
the compiled validator's triples (the same copies as evaluate.plan writes into a graph), and:
- the shapes that apply whatever is requested – the criteria of the documents, the submission
  type – run on copy 0 alone, since on the other copies they read the same figures;
- each other copy runs only what its request brings: the measure's own criteria, amount,
  double funding and exclusions (the amount shapes of all the copies in one query);
- the registry's checks are registry.check's: prior awards as context, cumulative per-year caps.
Without a compiled validator (a shape that does not compile) eligibility validates evaluate.plan's graph.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.errors import UnprocessableInput
from policykg.namespaces import PKG
from policykg.registry import history_findings, registry_context, yearly_findings
from policykg.validation import RESERVED, Facts, compiled, complete, get_bundle, run_facts, submissions

ASOF, REQUESTS, MEASURE, AMOUNT, REQUEST = PKG.asOf, PKG.requests, PKG.measure, PKG.amount, PKG.FundingRequest


@dataclass
class Evaluated:
    results: list[dict[str, Any]]
    shapes_version: str
    engine: str


def copies(b: Any, data: Graph, s: URIRef, requests: list[tuple[URIRef, Decimal | None]]
           ) -> tuple[Facts, list[URIRef], dict[Node, int]]:
    """evaluate.plan's copies (copy 0 without requests, copy i+1 requesting requests[i]) as triples; node -> copy."""
    drop = set(data.objects(s, REQUESTS))
    closure: list[tuple[Node, Node, Node]] = []
    seen, todo = {s}, [s]
    while todo:
        n = todo.pop()
        for p, o in data.predicate_objects(n):
            if n == s and p == REQUESTS:
                continue
            closure.append((n, p, o))
            if isinstance(o, BNode) and o not in seen and o not in drop:
                seen.add(o)
                todo.append(o)
    f = Facts(b.cache.setdefault("compiled-context-quads", {}))
    for t in data:
        if isinstance(t[0], URIRef) and str(t[0]).startswith(RESERVED):
            raise UnprocessableInput(f"a submission may not make statements about corpus resource <{t[0]}>",
                                     {"field": "@id", "value": str(t[0])})
        if t[0] not in seen and t[1] != ASOF and not _under(data, t[0], drop):
            f.add(t)
    closure = [t for t in closure if t[1] != ASOF]
    bnodes = [n for n in seen if isinstance(n, BNode)]
    subjects: list[URIRef] = []
    owner: dict[Node, int] = {}
    for i, req in enumerate([None, *requests]):
        si = URIRef(f"{s}--eligibility-{i}")
        subjects.append(si)
        owner[si] = i
        fresh: dict[Node, Node] = {s: si}
        for n in bnodes:
            fresh[n] = BNode()
            owner[fresh[n]] = i
        for a, p, o in closure:
            f.add((fresh.get(a, a), p, fresh.get(o, o)))
        if req is not None:
            r = BNode()
            owner[r] = i
            f.add((si, REQUESTS, r))
            f.add((r, RDF.type, REQUEST))
            f.add((r, MEASURE, req[0]))
            if req[1] is not None:
                f.add((r, AMOUNT, Literal(format(req[1], "f"), datatype=XSD.decimal)))
    return f, subjects, owner


def _under(data: Graph, n: Node, roots: set[Node]) -> bool:
    """n is a request node of the submission or a blank node hanging from one (as evaluate._under)."""
    if n in roots:
        return True
    return isinstance(n, BNode) and any(_under(data, p, roots) for p in data.subjects(None, n) if p != n)


def evaluate(store: Any, data: Graph, s: URIRef, day: date, requests: list[tuple[URIRef, Decimal | None]]
             ) -> tuple[Evaluated, list[URIRef], dict[Node, int]] | None:
    """(the results of all the copies, the copies' subjects, node -> copy); None without a compiled validator
    (evaluate.eligibility then validates evaluate.plan's graph with registry.check)."""
    b = get_bundle(store)
    if compiled(b) is None:
        return None
    f, subjects, owner = copies(b, data, s, requests)
    registry = registry_context(store, b, f, day)  # type: ignore[arg-type]
    dates = complete(f, b, submissions(b, f), day, registry)  # type: ignore[arg-type]
    out = run_facts(store, b, f, dates, owner)
    if out is None:
        return None
    # registry.check's findings (no stored submission is one of these copies: no own id)
    found = yearly_findings(store, b, f, dates) + history_findings(store, b, f, dates, set())  # type: ignore[arg-type]
    results = sorted(out.results + found, key=lambda x: (x["sourceShape"], x["focusNode"] or "", str(x["value"]),
                                                         x["message"]["en"]))
    return Evaluated(results, out.version, "compiled"), subjects, owner
