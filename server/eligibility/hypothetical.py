"""The hypothetical requests of eligibility evaluated on the compiled validator (server/validation/compiled/).

eligibility() asks, for each candidate measure, what a copy of the submission requesting only
that measure would add to a copy requesting nothing (copy 0). The copies are written here as
the compiled validator's triples (the same copies as evaluate.plan writes into a graph), and:
- the shapes that apply whatever is requested – the criteria of the documents, the submission
  type – run on copy 0 alone, since on the other copies they read the same figures;
- each other copy runs only what its request brings: the measure's own criteria, amount,
  double funding and exclusions (the amount shapes of all the copies in one query);
- the registry's checks are registry.check's: prior awards as context, cumulative per-year caps.
Without a compiled validator (a shape that does not compile) it is registry.check on evaluate.plan's graph.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.errors import UnprocessableInput
from policykg.registry import check
from policykg.registry.checks import registry_context, yearly_findings
from policykg.registry.history import history_findings
from policykg.validation import get_bundle, submissions
from policykg.validation.compiled import Facts, compiled, complete, run_facts
from policykg.validation.compiled.facts import P, R
from policykg.validation.engine import RESERVED


@dataclass
class Evaluated:
    results: list[dict[str, Any]]
    shapes_version: str
    engine: str


def copies(b: Any, data: Graph, s: URIRef, requests: list[tuple[URIRef, Decimal | None]]
           ) -> tuple[Facts, list[URIRef], dict[Node, int]]:
    """evaluate.plan's copies (copy 0 without requests, copy i+1 requesting requests[i]) as triples; node -> copy."""
    from policykg.eligibility.evaluate import _under

    drop = set(data.objects(s, P.requests))
    closure: list[tuple[Node, Node, Node]] = []
    seen, todo = {s}, [s]
    while todo:
        n = todo.pop()
        for p, o in data.predicate_objects(n):
            if n == s and p == P.requests:
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
        if t[0] not in seen and t[1] != P.asOf and not _under(data, t[0], drop):
            f.add(t)
    closure = [t for t in closure if t[1] != P.asOf]
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
            f.add((si, P.requests, r))
            f.add((r, R.type, P.FundingRequest))
            f.add((r, P.measure, req[0]))
            if req[1] is not None:
                f.add((r, P.amount, Literal(format(req[1], "f"), datatype=XSD.decimal)))
    return f, subjects, owner


def evaluate(store: Any, data: Graph, s: URIRef, day: date, requests: list[tuple[URIRef, Decimal | None]]
             ) -> tuple[Evaluated, list[URIRef], dict[Node, int]]:
    """(the results of all the copies, the copies' subjects, node -> copy)."""
    b = get_bundle(store)
    if compiled(b) is not None:
        f, subjects, owner = copies(b, data, s, requests)
        registry = registry_context(store, b, f, day)  # type: ignore[arg-type]
        dates = complete(f, b, submissions(b, f), day, registry)  # type: ignore[arg-type]
        out = run_facts(store, b, f, dates, owner)
        if out is not None:  # registry.check's findings (no stored submission is these copies: no own id)
            found = yearly_findings(store, b, f, dates) + history_findings(store, b, f, dates, set())  # type: ignore
            results = sorted(out.results + found, key=lambda x: (x["sourceShape"], x["focusNode"] or "",
                                                                 str(x["value"]), x["message"]["en"]))
            return Evaluated(results, out.shapes_version, out.engine), subjects, owner
    from policykg.eligibility.evaluate import plan

    g, subjects, owner = plan(data, s, requests)
    ref = check(store, g, day)
    return Evaluated(ref.results, ref.shapes_version, ref.engine), subjects, owner
