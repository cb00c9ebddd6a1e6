"""Untrusted bytes -> an rdflib.Graph of one submission (docs/architecture.md "How a submission flows").

Formats by Content-Type: the JSON form (`application/json`), JSON-LD
(`application/ld+json`), Turtle, N-Triples and RDF/XML. Checks, in order:
size (413), media type (415), the bytes themselves (UTF-8, no NUL, no
`<!DOCTYPE` / `<!ENTITY`: 400 before any parser sees them), nesting depth
(400), then the parse (400 with format, line and column). RDF is parsed by
pyoxigraph, which never fetches anything and never recurses; JSON-LD may only
use our own context, resolved locally (a remote or `@import`ed context: 403).
Submissions may not make statements about corpus resources (422). The checks on the
bytes, before any parser, are in server/submission/raw.py (re-exported here).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from policykg.errors import (
    BadInput,
    ParseError,
    PayloadTooLarge,
    PolicyKGError,
    UnprocessableInput,
    UnsupportedMediaType,
)
from policykg.namespaces import BASE
from policykg.submission.checks import (
    check_datatypes,
    check_json_shape,
    check_values,
    lexical_ok,
    quiet_rdflib,
)
from policykg.submission.raw import (
    MAX_BLANK_NODES,
    MAX_DEPTH,
    MAX_TRIPLES,
    MEDIA_TYPES,
    check_bytes,
    check_counts,
    check_size,
    check_triples,
    check_turtle_depth,
    check_xml_depth,
    load_json,
    media_format,
)
from policykg.submission.raw import json_depth as json_depth  # re-exported

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "n-triples": ox.RdfFormat.N_TRIPLES,
              "rdf-xml": ox.RdfFormat.RDF_XML, "n-quads": ox.RdfFormat.N_QUADS}
# Corpus namespaces a submission may point at (objects) but never describe (subjects).
RESERVED = tuple(BASE + p for p in ("doc/", "shape/", "concept/", "query/", "graph/", "org/", "pub/",
                                    "ontology", "registry/"))
REGISTRY_CLASSES = tuple(URIRef(BASE + "ontology#" + c) for c in ("AwardRecord", "SubmissionRecord"))


@dataclass
class Parsed:
    """One parsed submission: its graph and what a receipt needs to say about its bytes."""

    graph: Graph
    format: str
    sha256: str
    data: Any = None  # the decoded JSON, for the JSON routes


# -- RDF ------------------------------------------------------------------
def to_rdflib(term: Any) -> Node:
    """pyoxigraph term -> rdflib term; xsd:string literals become plain ones (pySHACL sh:in pitfall)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value in (XSD_STRING, RDF_LANGSTRING):
            return Literal(term.value)
        dt = URIRef(term.datatype.value)
        # a lexical form XSD refuses but Python reads ("1e3"^^xsd:decimal) is kept as sent, for check_datatypes
        return Literal(term.value, datatype=dt, normalize=lexical_ok(term.value, dt))
    raise BadInput("RDF 1.2 triple terms are not accepted in submissions")


def to_ox(term: Node) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise BadInput(f"unsupported RDF term {term!r}")


def parse_rdf(text: str, fmt: str, max_triples: int = MAX_TRIPLES) -> Graph:
    if fmt == "turtle":
        check_turtle_depth(text)
    elif fmt == "rdf-xml":
        check_xml_depth(text)
    try:
        quads = ox.parse(text.encode("utf-8"), format=OX_FORMATS[fmt], base_iri=BASE + "submission/")
        g = Graph()
        for n, q in enumerate(quads, 1):
            check_triples(n, fmt, max_triples)  # stops the parse as soon as the limit is passed
            g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    except SyntaxError as e:
        raise ParseError(fmt, _ox_message(e), e.lineno, e.offset) from None
    except (ValueError, RecursionError, AssertionError) as e:  # never a 500 from a parser
        raise ParseError(fmt, str(e)[:300] or type(e).__name__) from None
    return g


def _ox_message(e: SyntaxError) -> str:
    return re.sub(r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ", "", e.msg or "")


def graph_from_json(data: Any, fmt: str, store: Any) -> Graph:
    """The JSON form or JSON-LD (our context only, never fetched) -> graph, through policykg.submission.jsonform."""
    from policykg.corpus import build_index
    from policykg.submission.jsonld import submission_graph

    check_json_shape(data, fmt)
    try:
        return _checked_iris(submission_graph(data, build_index(store)), fmt)
    except RecursionError:
        raise ParseError(fmt, f"nesting deeper than {MAX_DEPTH} levels") from None
    except (ValueError, TypeError, AssertionError, LookupError, AttributeError, UnboundLocalError) as e:
        # rdflib's JSON-LD parser on odd input (it raised UnboundLocalError on a bare `null`)
        raise ParseError(fmt, str(e)[:300] or type(e).__name__) from None


@dataclass(frozen=True)
class Limits:
    """What one submission may hold once parsed (settings max_triples, max_blank_nodes): 413 beyond."""

    max_triples: int = MAX_TRIPLES
    max_blank_nodes: int = MAX_BLANK_NODES


def _checked_iris(g: Graph, fmt: str) -> Graph:
    """400 for an IRI that rdflib's JSON-LD parser let through but RDF refuses (found by the fuzz of
    tests/submission/test_properties.py: a control character in a property name was a 500 later on)."""
    for t in {t for triple in g for t in triple if isinstance(t, URIRef | BNode)}:
        try:
            to_ox(t)
        except ValueError as e:
            raise ParseError(fmt, f"invalid IRI <{str(t)[:200]}>: {e}") from None
    return g


def check_graph(g: Graph, fmt: str, limits: Limits | None = None) -> None:
    """What every route checks once the bytes are a graph, whatever the format: its size, its subjects,
    the literal types and the signs and ranges of the values (policykg.submission.checks)."""
    limits = limits or Limits()
    check_counts(g, fmt, limits.max_triples, limits.max_blank_nodes)
    check_subjects(g, fmt)
    check_datatypes(g, fmt)
    check_values(g, fmt)


def check_subjects(g: Graph, fmt: str) -> None:
    """A submission describes itself, never the corpus (no injected caps, shapes or concepts) nor the registry."""
    for s in g.subjects(unique=True):
        if isinstance(s, URIRef) and str(s).startswith(RESERVED):
            raise UnprocessableInput(f"a submission may not make statements about corpus resource <{s}>",
                                     {"field": "@id", "value": str(s), "format": fmt})
    for cls in REGISTRY_CLASSES:
        if (None, RDF.type, cls) in g:
            raise UnprocessableInput(f"a submission may not state registry records ({cls.rsplit('#', 1)[-1]}): "
                                     "awards are recorded through POST /api/awards", {"field": "@type", "format": fmt})


def parse_submission(body: bytes, content_type: str | None, limit: int, store: Any,
                     limits: Limits | None = None) -> Parsed:
    """Bytes + Content-Type -> Parsed, or a PolicyKGError with the right status (never anything else)."""
    fmt = media_format(content_type, MEDIA_TYPES)
    check_size(body, limit)
    return parse_text(check_bytes(body, fmt), fmt, hashlib.sha256(body).hexdigest(), store, limits)


def parse_text(text: str, fmt: str, sha256: str, store: Any, limits: Limits | None = None) -> Parsed:
    quiet_rdflib()
    limits = limits or Limits()
    if not text.strip():
        raise BadInput("empty body", {"format": fmt})
    data = None
    if fmt in ("json-form", "json-ld"):
        data = load_json(text, fmt)
        g = graph_from_json(data, fmt, store)
    else:
        g = parse_rdf(text, fmt, limits.max_triples)
    check_graph(g, fmt, limits)
    return Parsed(g, fmt, sha256, data)


# -- batches ---------------------------------------------------------------
@dataclass
class Item:
    """One submission of a batch: parsed, or the error that is its own entry in the answer."""

    index: int
    name: str | None
    parsed: Parsed | None = None
    error: PolicyKGError | None = None


_NQ_GRAPH = re.compile(r"<([^<>\s]*)>\s*\.\s*(#.*)?$")


def batch_items(body: bytes, fmt: str, store: Any, max_items: int, limits: Limits | None = None) -> list[Item]:
    """A JSON list of submissions, or N-Quads with one named graph per submission (413 beyond `max_items`,
    counted before any item is parsed)."""
    text = check_bytes(body, fmt)
    quiet_rdflib()
    if fmt == "n-quads":
        items = _nquads_items(text, max_items, limits)
    elif fmt in ("json-form", "json-ld"):
        data = load_json(text, fmt)
        if not isinstance(data, list):
            raise UnprocessableInput("a batch is a JSON list of submissions", {"field": "(root)", "format": fmt})
        _check_batch_size(len(data), max_items)
        items = [_json_item(i, obj, fmt, store, limits) for i, obj in enumerate(data)]
    else:
        raise UnsupportedMediaType("a batch is a JSON list or N-Quads",
                                   {"accepted": ["application/json", "application/ld+json", "application/n-quads"]})
    _check_batch_size(len(items), max_items)
    return items


def _check_batch_size(n: int, max_items: int) -> None:
    if n > max_items:
        raise PayloadTooLarge(f"{n} submissions exceed the batch limit of {max_items}", {"limit": max_items})


def _json_item(i: int, obj: Any, fmt: str, store: Any, limits: Limits | None) -> Item:
    name = obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else None
    raw = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    try:
        g = graph_from_json(obj, fmt, store)
        check_graph(g, fmt, limits)
        return Item(i, name, Parsed(g, fmt, hashlib.sha256(raw).hexdigest(), obj))
    except PolicyKGError as e:
        return Item(i, name, error=e)


def _nquads_items(text: str, max_items: int, limits: Limits | None) -> list[Item]:
    graphs: dict[str, list[tuple[int, str]]] = {}
    errors: list[tuple[int, str, PolicyKGError]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            quads = list(ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        except SyntaxError as e:
            m = _NQ_GRAPH.search(line)
            errors.append((n, m.group(1) if m else "", ParseError("n-quads", _ox_message(e), n, e.offset)))
            continue
        for q in quads:
            if isinstance(q.graph_name, ox.DefaultGraph):
                errors.append((n, "", BadInput("a batch in N-Quads has one named graph per submission; "
                                               f"line {n} is in the default graph", {"line": n})))
            else:
                graphs.setdefault(q.graph_name.value, []).append((n, line))
                _check_batch_size(len(graphs), max_items)
    items: list[Item] = []
    for name, lines in graphs.items():
        bad = next((e for (_n, g, e) in errors if g == name), None)
        if bad is not None:
            items.append(Item(len(items), name, error=bad))
            continue
        try:
            g = Graph()
            for _n, line in lines:
                for q in ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
                    g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
            check_graph(g, "n-quads", limits)
            raw = "\n".join(line for _n, line in lines).encode("utf-8")
            items.append(Item(len(items), name, Parsed(g, "n-quads", hashlib.sha256(raw).hexdigest())))
        except PolicyKGError as e:
            items.append(Item(len(items), name, error=e))
    for _n, g, e in errors:
        if g not in graphs:
            items.append(Item(len(items), g or None, error=e))
    return items
