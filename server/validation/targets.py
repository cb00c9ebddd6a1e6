"""SHACL-AF SPARQL targets evaluated on pyoxigraph, and the per-submission shapes graph they select.

pySHACL evaluates each sh:SPARQLTarget with rdflib (about 7 ms each; the corpus has
hundreds). Here the shapes graph is split once per corpus version into one closure per
targeted shape (its triples, property shapes, lists and SPARQL constraints, without the
target); per submission each target select runs on a pyoxigraph store holding the data
graph (one UNION of them all is ten times slower there), skipping those whose measures
or submission types the data lacks, and the shapes with a focus node are assembled with
sh:targetNode – an equivalent shapes graph of the shapes that apply. Shapes without
a SPARQL target keep their own core targets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.term import Node

from policykg.namespaces import PKG, SH
from policykg.submission import to_ox
from policykg.validation.bundle import Bundle

PREFIX_LINE = re.compile(r"^\s*PREFIX\s+\S+\s*<[^>]*>\s*$", re.IGNORECASE | re.MULTILINE)
Triple = tuple[Node, Node, Node]


@dataclass
class Target:
    query: str
    measures: frozenset[str] | None  # the select needs a request of one of these (None: no such need)
    types: frozenset[str] | None  # ... or a submission of one of these types (either suffices)


@dataclass
class Split:
    closures: dict[URIRef, list[Triple]]  # targeted shape -> its triples without sh:target
    untargeted: list[Triple]  # shapes with core targets, kept whole
    targets: dict[URIRef, Target]
    constraints: set[Node]  # the sh:SPARQLConstraint nodes


MEASURES_FIRST = re.compile(r"^SELECT DISTINCT \?this WHERE \{\s*VALUES \?m \{([^}]*)\}")
GENERAL_FIRST = re.compile(r"^SELECT DISTINCT \?this WHERE \{\s*\{\s*VALUES \?st")
TYPES = re.compile(r"VALUES \?st \{([^}]*)\}")
APPLIED_TYPE = re.compile(r"VALUES \(\?m \?st\) \{ \(<[^>]*> <([^>]*)>\) \}")  # the application branches
IRI = re.compile(r"<([^>]*)>")


def _target(query: str) -> Target:
    """A target select and the cheap pre-condition our generated selects have (none for any other)."""
    body = PREFIX_LINE.sub("", query).strip()
    m = MEASURES_FIRST.match(body)
    if m:  # the requesters, and the submissions whose class is the application for the measure (if any)
        types = frozenset(APPLIED_TYPE.findall(body))
        return Target(query, frozenset(IRI.findall(m.group(1))), types or None)
    if GENERAL_FIRST.match(body):
        return Target(query, None, frozenset(i for t in TYPES.findall(body) for i in IRI.findall(t)))
    return Target(query, None, None)


def closure(g: Graph, s: Node, seen: set[Node]) -> list[Triple]:
    out: list[Triple] = []
    stack = [s]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        for p, o in g.predicate_objects(n):
            if p == SH.target:
                continue
            out.append((n, p, o))
            if isinstance(o, BNode) or (isinstance(o, URIRef) and (o, None, None) in g and p != RDF.type):
                stack.append(o)
    return out


def split(b: Bundle) -> Split:
    cached = b.cache.get("split")
    if cached is not None:
        return cached
    g = b.shapes
    closures: dict[URIRef, list[Triple]] = {}
    targets: dict[URIRef, Target] = {}
    for s, t in sorted(g.subject_objects(SH.target), key=lambda x: str(x[0])):
        if (t, RDF.type, SH.SPARQLTarget) not in g or not isinstance(s, URIRef):
            continue
        targets[s] = _target(str(g.value(t, SH.select)))
        closures[s] = closure(g, s, set())
    covered = {t[0] for c in closures.values() for t in c}
    rest = [t for t in g if t[0] not in covered and not _in_target(g, t[0])]
    sp = Split(closures, rest, targets, set(g.subjects(RDF.type, SH.SPARQLConstraint)))
    b.cache["split"] = sp
    return sp


def _in_target(g: Graph, n: Node) -> bool:
    return isinstance(n, BNode) and (None, SH.target, n) in g


def data_store(dg: Graph) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph()) for s, p, o in dg)
    return store


def focus_nodes(sp: Split, dg: Graph, store: ox.Store | None = None) -> dict[URIRef, list[Node]]:
    """Shape -> its focus nodes in `dg`, from the SPARQL targets run on pyoxigraph (one query each; a
    select whose pre-condition the data cannot meet is skipped)."""
    store = store or data_store(dg)
    measures = {str(o) for o in dg.objects(None, PKG.measure)}
    types = {str(o) for o in dg.objects(None, RDF.type)}
    out: dict[URIRef, list[Node]] = {}
    for shape, t in sp.targets.items():
        if (t.measures is not None or t.types is not None) and not (t.measures and t.measures & measures) \
                and not (t.types and t.types & types):
            continue
        for row in store.query(t.query):
            this = row["this"]
            node: Node = URIRef(this.value) if isinstance(this, ox.NamedNode) else BNode(this.value)
            out.setdefault(shape, []).append(node)
    return out


def applicable_shapes(b: Bundle, dg: Graph) -> Graph:
    """The shapes graph for one submission: the shapes that apply, targeted at their focus nodes."""
    sp = split(b)
    g = Graph()
    for t in sp.untargeted:
        g.add(t)
    for shape, nodes in focus_nodes(sp, dg).items():
        for t in sp.closures[shape]:
            g.add(t)
        for n in nodes:
            g.add((shape, SH.targetNode, n))
    return g
