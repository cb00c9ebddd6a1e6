"""Content ids of the registry (server/registry/records.py): equal submission graphs, equal hashes.

`graph_hash` is a SHA-256 of the canonical N-Triples of a graph (blank nodes named by
rdflib.compare, literals by value), so re-indented JSON, or the same project in Turtle
and in the JSON form, is one submission.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from rdflib import Graph, Literal
from rdflib.compare import to_canonical_graph
from rdflib.namespace import XSD


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


def graph_hash(g: Graph) -> str:
    """SHA-256 of the canonical form of `g`: blank nodes named by rdflib.compare, literals by value,
    N-Triples sorted. Two serialisations of one submission hash alike."""
    norm = Graph()
    for s, p, o in g:
        norm.add((s, p, _canonical_term(o)))
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in to_canonical_graph(norm))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
