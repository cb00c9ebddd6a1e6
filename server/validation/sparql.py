"""SHACL-SPARQL constraints (SHACL §5) evaluated on pyoxigraph, results written as pySHACL writes them.

Supported: sh:sparql SELECT constraints on node shapes, $this pre-bound (a pyoxigraph
substitution, never spliced into the text), ?value / ?path / ?this from the solution (?value
defaults to the focus node of a node shape), sh:message with {?var} / {$var} filled from the
solution, sh:prefixes (sh:declare, through owl:imports), sh:deactivated. Refused as SHACL §5.3.1
requires: MINUS, VALUES, SERVICE, a sub-select that does not project $this, `AS $this`. Not
supported (tests/shapes/test_w3c_sparql.py lists them): $PATH in property shapes, $shapesGraph
and $currentShape, SPARQL-based constraint components; and $this used in a nested group before
any pattern binds it (a lone FILTER or BIND) is unbound there: pyoxigraph joins substitutions as
an initial solution, and $this is never spliced into the query text.
"""
from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import OWL, RDF, BNode, Graph, Literal
from rdflib.term import Node

from policykg.errors import PolicyKGError
from policykg.namespaces import SH
from policykg.submission import to_ox, to_rdflib

STRINGS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*'
                     r'|<[^<>"{}|^`\\\s]*>', re.DOTALL)  # strings, comments and IRIs: no keywords inside
FORBIDDEN = re.compile(r"(?<![\w:-])(MINUS|VALUES|SERVICE)(?![\w:-])|(?<![\w:-])AS\s+[?$]this\b", re.IGNORECASE)
SUBSELECT = re.compile(r"\{\s*SELECT\s+(.*?)\s*(?:WHERE\s*)?\{", re.IGNORECASE | re.DOTALL)


class UnsupportedSparql(PolicyKGError):
    """A SHACL-SPARQL query the pre-binding rules of SHACL §5.3.1 do not allow."""


def check(query: str) -> None:
    code = STRINGS.sub(" ", query)
    m = FORBIDDEN.search(code)
    if m:
        raise UnsupportedSparql(f"SHACL-SPARQL does not allow {m.group(0)} with pre-bound $this", {"query": query})
    for sub in SUBSELECT.finditer(code):
        proj = sub.group(1)
        if not re.search(r"[?$]this\b", proj):
            raise UnsupportedSparql("a sub-select must project $this", {"query": query})


def prefixes(shapes: Graph, constraint: Node) -> str:
    """PREFIX lines of the sh:prefixes declarations (following owl:imports between the declaring nodes)."""
    out: set[str] = set()
    todo, seen = list(shapes.objects(constraint, SH.prefixes)), set()
    while todo:
        holder = todo.pop()
        if holder in seen:
            continue
        seen.add(holder)
        todo.extend(shapes.objects(holder, OWL.imports))
        for d in shapes.objects(holder, SH.declare):
            p, ns = shapes.value(d, SH.prefix), shapes.value(d, SH.namespace)
            if p is not None and ns is not None:
                out.add(f"PREFIX {p}: <{ns}>\n")
    return "".join(sorted(out))


def evaluate(shapes: Graph, store: ox.Store, report: Graph, top: Node, shape: Node, constraint: Node,
             nodes: list[Node]) -> int:
    """Run one SPARQL constraint for each focus node; add its results to `report`; return their number."""
    if shapes.value(constraint, SH.deactivated) == Literal(True):
        return 0
    query = prefixes(shapes, constraint) + str(shapes.value(constraint, SH.select))
    check(query)
    n = 0
    for focus in nodes:
        res = store.query(query, substitutions={ox.Variable("this"): to_ox(focus)})
        names = [v.value for v in res.variables]
        seen: set[frozenset] = set()
        for row in res:
            bound = {k: to_rdflib(row[k]) for k in names if row[k] is not None}
            if frozenset(bound.items()) in seen:  # a repeated solution is one result, as pySHACL reports it
                continue
            seen.add(frozenset(bound.items()))
            write(shapes, report, top, shape, constraint, focus, bound)
            n += 1
    return n


def write(g: Graph, report: Graph, top: Node, shape: Node, constraint: Node, focus: Node,
          bound: dict[str, Node]) -> None:
    this = bound.get("this", focus)
    property_shape = (shape, RDF.type, SH.PropertyShape) in g or (shape, SH.path, None) in g
    value = bound.get("value", None if property_shape else this)
    path = bound.get("path", g.value(shape, SH.path))
    r = BNode()
    report.add((top, SH.result, r))
    report.add((r, RDF.type, SH.ValidationResult))
    report.add((r, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    report.add((r, SH.sourceShape, shape))
    report.add((r, SH.resultSeverity, g.value(shape, SH.severity) or SH.Violation))
    report.add((r, SH.focusNode, this))
    report.add((r, SH.sourceConstraint, constraint))
    if value is not None:
        report.add((r, SH.value, value))
    if path is not None:
        report.add((r, SH.resultPath, path))
    subs = {k: str(v) for k, v in bound.items()}
    subs.setdefault("this", str(this))
    if value is not None:
        subs.setdefault("value", str(value))
    for m in list(g.objects(constraint, SH.message)) + list(g.objects(shape, SH.message)):
        text = str(m)
        for var, val in subs.items():
            text = re.sub(r"\{[?$]" + re.escape(var) + r"\}", lambda _m, v=val: v, text)
        report.add((r, SH.resultMessage, Literal(text, lang=getattr(m, "language", None))))
