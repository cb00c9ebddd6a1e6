"""The hypothetical copies of one submission that eligibility evaluates together: copy 0 without requests,
copy i+1 requesting requests[i] (at the maximum amount). One writer for both engines: evaluate.plan writes
them into an rdflib graph, hypothetical.copies into the compiled validator's triples."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.namespaces import PKG

Triple = tuple[Node, Node, Node]


def write_copies(data: Graph, s: URIRef, requests: list[tuple[URIRef, Decimal | None]],
                 add: Callable[[Triple], object], leave_out: Iterable[Node] = ()
                 ) -> tuple[list[URIRef], dict[Node, int]]:
    """Add the copies' triples with `add` (predicates in `leave_out` are left out); (copies' subjects, node ->
    copy). The submission's own requests are dropped; everything else hanging from it is copied per copy."""
    skip = set(leave_out)
    drop = set(data.objects(s, PKG.requests))
    closure: list[Triple] = []
    seen, todo = {s}, [s]
    while todo:
        n = todo.pop()
        for p, o in data.predicate_objects(n):
            if n == s and p == PKG.requests:
                continue
            closure.append((n, p, o))
            if isinstance(o, BNode) and o not in seen and o not in drop:
                seen.add(o)
                todo.append(o)
    for t in data:
        if t[0] not in seen and t[1] not in skip and not _under(data, t[0], drop):
            add(t)
    closure = [t for t in closure if t[1] not in skip]
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
            add((fresh.get(a, a), p, fresh.get(o, o)))
        if req is not None:
            r = BNode()
            owner[r] = i
            add((si, PKG.requests, r))
            add((r, RDF.type, PKG.FundingRequest))
            add((r, PKG.measure, req[0]))
            if req[1] is not None:
                add((r, PKG.amount, Literal(format(req[1], "f"), datatype=XSD.decimal)))
    return subjects, owner


def _under(data: Graph, n: Node, roots: set[Node]) -> bool:
    """n is a request node of the submission or a blank node hanging from one."""
    if n in roots:
        return True
    return isinstance(n, BNode) and any(_under(data, p, roots) for p in data.subjects(None, n) if p != n)
