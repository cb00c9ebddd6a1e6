"""The generated SHACL-SPARQL constraints, prepared once (prefixes, checks, messages) and run per focus node
on a pyoxigraph store of the submission's triples, with results as plain data.

The same semantics as server/validation/sparql.py (the fast engine's, itself checked against
pySHACL): $this pre-bound as a substitution, ?value / ?path / ?this from the solution, the
messages' {?var} filled from it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.term import Node

from policykg.namespaces import SH
from policykg.submission import to_ox, to_rdflib
from policykg.validation.compiled.core import Shape
from policykg.validation.compiled.facts import Facts
from policykg.validation.compiled.templates import Template, template
from policykg.validation.sparql import check, prefixes


@dataclass
class Constraint:
    node: Node
    query: str
    messages: list[Literal]  # the constraint's then the shape's sh:message templates
    deactivated: bool
    compiled: Template | None = None  # the generated template in Python (compiled/templates.py), if it is one
    batch: tuple[str, str] | None = None  # (the query for any measure, this one's measure): see batch_form


@dataclass
class SparqlResult:
    focus: Node
    value: Node | None
    path: Node | None
    constraint: Node
    messages: list[Literal]


def compile_constraint(g: Graph, shape: Shape, c: Node) -> Constraint:
    query = prefixes(g, c) + str(g.value(c, SH.select))
    check(query)  # UnsupportedSparql for what SHACL §5.3.1 refuses
    msgs = [m for m in g.objects(c, SH.message) if isinstance(m, Literal)] + shape.messages
    return Constraint(c, query, msgs, g.value(c, SH.deactivated) == Literal(True), template(query), batch_form(query))


MEASURE_REF = re.compile(r"\?req pkg:measure <([^<>\"{}|^`\\\s]*)>")
AMOUNT_HEAD = "SELECT $this ?value ?max WHERE {"


def batch_form(query: str) -> tuple[str, str] | None:
    """The amount template of server/shapes/measures.py is one query per measure; written for any measure
    (its IRI a variable bound by VALUES, $this free, the measure projected), the amount shapes of all the
    measures requested run as one query (eligibility's 48 hypothetical requests: one query, not 48)."""
    m = MEASURE_REF.search(query)
    if m is None or query.count(AMOUNT_HEAD) != 1 or "GROUP BY" in query.upper() or "?batchMeasure" in query:
        return None
    generic = query.replace(f"<{m.group(1)}>", "?batchMeasure").replace(
        AMOUNT_HEAD, "SELECT $this ?value ?max ?batchMeasure WHERE { VALUES ?batchMeasure { @MEASURES@ }")
    return generic, m.group(1)


def run_batch(f: Facts, generic: str, members: dict[str, list[tuple[Shape, Constraint, set[Node]]]]
              ) -> list[SparqlResult]:
    """One query for the constraints of `members` (measure IRI -> its shapes and their focus nodes)."""
    q = generic.replace("@MEASURES@", " ".join(f"<{m}>" for m in sorted(members)))
    res = f.store().query(q)
    names = [v.value for v in res.variables if v.value != "batchMeasure"]  # type: ignore[union-attr]
    rows: dict[tuple[int, Node], tuple[Shape, Constraint, list[dict[str, Node]]]] = {}
    for row in res:
        this = to_rdflib(row["this"])
        for shape, c, nodes in members.get(row["batchMeasure"].value, ()):
            if this in nodes:
                rows.setdefault((id(c), this), (shape, c, []))[2].append(
                    {k: to_rdflib(row[k]) for k in names if row[k] is not None})
    return [r for (_c, this), (shape, c, sols) in rows.items() for r in results(shape, c, this, sols)]


def run(f: Facts, shape: Shape, c: Constraint, focus: Node) -> list[SparqlResult]:
    if c.deactivated:
        return []
    if c.compiled is not None:
        return results(shape, c, focus, c.compiled(f, focus))
    res = f.store().query(c.query, substitutions={ox.Variable("this"): to_ox(focus)})
    names = [v.value for v in res.variables]  # type: ignore[union-attr]
    return results(shape, c, focus, [{k: to_rdflib(row[k]) for k in names if row[k] is not None} for row in res])


def results(shape: Shape, c: Constraint, focus: Node, solutions: list[dict[str, Node]]) -> list[SparqlResult]:
    out = []
    seen: set[frozenset[tuple[str, Node]]] = set()
    for bound in solutions:
        key = frozenset(bound.items())
        if key in seen:  # pySHACL reports a repeated solution once (its _validate_sparql_query)
            continue
        seen.add(key)
        this = bound.get("this", focus)
        value = bound.get("value", None if shape.steps is not None else this)
        subs = {k: str(v) for k, v in bound.items()}
        subs.setdefault("this", str(this))
        if value is not None:
            subs.setdefault("value", str(value))
        texts = []
        for m in c.messages:
            text = str(m)
            if "{" in text:
                for var, val in subs.items():
                    text = re.sub(r"\{[?$]" + re.escape(var) + r"\}", lambda _m, v=val: v, text)
            texts.append(Literal(text, lang=m.language))
        out.append(SparqlResult(this, value, bound.get("path", shape.path), c.node, texts))
    return out
