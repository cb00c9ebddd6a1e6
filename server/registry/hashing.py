"""Content ids of the registry (server/registry/records.py): equal submission graphs, equal hashes.

`graph_hash` is a SHA-256 of the canonical N-Triples of a graph (literals by value), so
re-indented JSON, or the same project in Turtle and in the JSON form, is one submission.

Blank nodes are named with a bounded cost (docs/architecture.md (security)). General graph
canonicalisation is super-linear or worse on adversarial blank-node structures (measured on this
machine, bench/hashing.py: rdflib.compare.to_canonical_graph takes 12 s on a chain of 1,000 blank
nodes and 11.6 s on a ring of 100; pyoxigraph 0.5's `Dataset.canonicalize` (RDFC-1.0) 8.4 s on a
chain of 400). So:

- a *forest* of blank nodes (each blank node the object of one triple at most, no cycle), the
  shape every JSON-form, JSON-LD and Turtle `[ … ]` / `( … )` submission has, is named bottom-up,
  each blank node by the hash of its own sorted (predicate, object) pairs: linear in the triples,
  and exact (equal names iff isomorphic sub-trees, the AHU tree-isomorphism argument);
- any other blank-node structure (a blank node shared by two triples, or a cycle) is named by
  rdflib.compare when the graph has at most `max_shared` blank nodes (default
  MAX_SHARED_BLANK_NODES = 8: ≤ 50 ms for the worst shapes measured; rdflib's cost is exponential
  in the number of symmetric parts: 6 two-node cycles, 12 blank nodes, took 5 s; 5 four-node
  rings 79 s), and refused (422 naming the limit) beyond.

Graphs without blank nodes hash exactly as before this change (sorted N-Triples lines).
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal
from rdflib.compare import to_canonical_graph
from rdflib.namespace import XSD

from policykg.errors import UnprocessableInput

MAX_SHARED_BLANK_NODES = 8


def submission_id(sha256: str) -> str:
    return sha256[:32]


NUMBERS = {XSD.integer, XSD.decimal, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
           XSD.positiveInteger}


def _canonical_term(t: Any) -> Any:
    """Equal values, equal terms: 8000, 8000.0 and 8000.00 are one xsd:decimal; "1" and "true" one boolean."""
    if not isinstance(t, Literal) or t.datatype is None or t.ill_typed:
        return t
    if t.datatype == XSD.string:  # RDF 1.1: "x"^^xsd:string is "x"
        return Literal(str(t))
    if t.datatype in NUMBERS:
        d = Decimal(str(t).strip()).normalize()
        text = format(d, "f")
        return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)
    if t.datatype == XSD.boolean:
        return Literal(str(t).strip() in ("true", "1"), datatype=XSD.boolean)
    return t


def _forest_names(triples: list[tuple[Any, Any, Any]]) -> dict[BNode, str] | None:
    """Each blank node's name (the hash of its sub-tree) if the blank nodes form a forest, else None."""
    out: dict[BNode, list[tuple[Any, Any]]] = defaultdict(list)
    indegree: dict[BNode, int] = defaultdict(int)
    nodes: set[BNode] = set()
    inner: set[BNode] = set()  # blank nodes that are the object of a blank node
    for s, p, o in triples:
        if isinstance(s, BNode):
            nodes.add(s)
            out[s].append((p, o))
        if isinstance(o, BNode):
            nodes.add(o)
            indegree[o] += 1
            if indegree[o] > 1:
                return None  # shared
            if isinstance(s, BNode):
                inner.add(o)
    names: dict[BNode, str] = {}
    for root in nodes - inner:
        stack: list[tuple[BNode, bool]] = [(root, False)]
        while stack:  # iterative post-order: children are named before their parent
            b, children_done = stack.pop()
            if children_done:
                pairs = sorted(f"{p.n3()} {_name(o, names)}" for p, o in out[b])
                names[b] = "_:t" + hashlib.sha256("\n".join(pairs).encode("utf-8")).hexdigest()
                continue
            stack.append((b, True))
            stack.extend((o, False) for _p, o in out[b] if isinstance(o, BNode))
    return names if len(names) == len(nodes) else None  # a node never reached from a root is on a cycle


def _name(t: Any, names: dict[BNode, str]) -> str:
    return names[t] if isinstance(t, BNode) else t.n3()


def graph_hash(g: Graph, max_shared: int = MAX_SHARED_BLANK_NODES) -> str:
    """SHA-256 of the canonical form of `g`: literals by value, blank nodes named as the module says,
    N-Triples lines sorted (repeated lines kept). Two serialisations of one submission hash alike."""
    triples = list({(s, p, _canonical_term(o)) for s, p, o in g})  # 8000 and 8000.0: one triple
    names = _forest_names(triples)
    if names is not None:
        lines = sorted(f"{_name(s, names)} {p.n3()} {_name(o, names)} ." for s, p, o in triples)
    else:
        blank = {t for tr in triples for t in (tr[0], tr[2]) if isinstance(t, BNode)}
        if len(blank) > max_shared:
            raise UnprocessableInput(
                f"blank nodes that are shared by two triples or form a cycle are accepted up to {max_shared} "
                f"per submission (this one has {len(blank)} blank nodes): give the shared nodes IRIs",
                {"field": "(blank nodes)", "limit": max_shared, "blankNodes": len(blank)})
        norm = Graph()
        for t in triples:
            norm.add(t)
        lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in to_canonical_graph(norm))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
