"""The triples of a normalised JSON-form document, written directly instead of through a JSON-LD processor.

jsonform.normalise() checks a JSON-form submission field by field and rewrites it as JSON-LD under the
project's own context (jsonform.CONTEXT). That document uses a small, fixed part of JSON-LD: one node per
submission with a full IRI, a type name, typed literals (xsd:decimal/integer/boolean/date), plain strings,
IRIs (measures, @type @id), concept slugs under a scoped @vocab, and nested objects (applicant, requests,
prior funding, extensions) as blank nodes. rdflib's JSON-LD parser processed the context again on every
call: about half the time of POST /api/validate (~7 ms of ~15 ms, bench/README.md "json form"). Here the
same triples are written from the field tables that built the context (jsonform.TYPES, NESTED…), so the
two cannot drift apart; tests/submission/test_form_triples.py proves the graphs isomorphic to the JSON-LD
parser's on every case of tests/cases/ and on generated submissions, and the parser remains the path for
any value this module does not recognise (`None` is returned, the caller parses the JSON-LD).
"""
from __future__ import annotations

from typing import Any

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory

from policykg.submission import form_tables as jf

PKG = jf.PKG
DATATYPES = {"decimal": XSD.decimal, "share": XSD.decimal, "integer": XSD.integer, "boolean": XSD.boolean,
             "date": XSD.date}
TERMS = frozenset(jf.CONTEXT["@context"])  # a concept slug equal to a term would expand to the term's IRI


class Unrecognised(Exception):
    """A value outside the part of JSON-LD written here: the caller uses the JSON-LD parser instead."""


def form_graph(doc: dict[str, Any]) -> Graph | None:
    """The graph of jsonform.normalise()'s document, or None when a value is outside what is written here."""
    g = Graph(store=SimpleMemory(), bind_namespaces="none")  # no contexts: adds and reads ×2 faster
    try:
        for node in doc["@graph"]:
            _node(g, node)
    except Unrecognised:
        return None
    return g


def _node(g: Graph, node: dict[str, Any]) -> None:
    ident = node["id"]
    if not isinstance(ident, str) or not ident.startswith(jf.DATA):
        raise Unrecognised(ident)
    s = URIRef(ident)
    t = node["type"]
    g.add((s, RDF.type, URIRef(PKG + t)))
    fields = {**jf.COMMON, **jf.TYPES[t]}
    for k, v in node.items():
        if k in ("id", "type"):
            continue
        p = URIRef(PKG + jf.PROPERTY.get(k, k))
        kind = fields[k]
        if kind.startswith("concepts:"):
            for x in v:
                g.add((s, p, _value("concept:" + kind.split(":", 1)[1], x)))
        elif kind in jf.NESTED:
            for item in (v if isinstance(v, list) else [v]):
                g.add((s, p, _nested(g, kind, item)))
        else:
            g.add((s, p, _value(kind, v)))


def _nested(g: Graph, kind: str, item: dict[str, Any]) -> BNode:
    b = BNode()
    for k, v in item.items():
        if k == "type":
            g.add((b, RDF.type, URIRef(PKG + v)))
        else:
            g.add((b, URIRef(PKG + jf.NESTED_PROPERTY.get(k, k)), _value(jf.NESTED[kind][k], v)))
    return b


def _value(kind: str, v: Any) -> URIRef | Literal:
    if kind in DATATYPES:
        if kind == "boolean":
            if not isinstance(v, bool):
                raise Unrecognised(v)
            return Literal("true" if v else "false", datatype=XSD.boolean)
        if not isinstance(v, str):
            raise Unrecognised(v)
        return Literal(v, datatype=DATATYPES[kind])
    if not isinstance(v, str):
        raise Unrecognised(v)
    if kind == "measure":
        if not v.startswith(("http://", "https://")):
            raise Unrecognised(v)
        return URIRef(v)
    if kind.startswith("concept:"):
        if v in TERMS or ":" in v or "/" in v or "#" in v or "?" in v or v.startswith("_"):
            raise Unrecognised(v)  # a term, a compact or absolute IRI, a blank node id: JSON-LD's own rules
        return URIRef(f"{jf.BASE}concept/{kind.split(':', 1)[1]}/{v}")
    if kind == "string" or kind.startswith("enum:"):
        return Literal(v)
    raise Unrecognised(kind)
